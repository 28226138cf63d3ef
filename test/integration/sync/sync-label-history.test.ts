import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HippoError } from '../../../src/shared/errors';
import { syncWithPostgres } from '../../../src/main/sync/sync-engine';
import { LocalSide } from '../../../src/main/sync/sync-local';
import { pushBatch } from '../../../src/main/sync/sync-push';
import { openDevice, openRemote, remoteHead, snapshot, type Device } from './sync-helpers';

let remote: Awaited<ReturnType<typeof openRemote>>;
let a: Device;
let b: Device;

beforeAll(async () => {
  remote = await openRemote();
  a = await openDevice();
  b = await openDevice();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await remote?.close();
});

const sync = (d: Device, opts: Parameters<typeof syncWithPostgres>[2] = {}) =>
  syncWithPostgres(d.memory, remote.pool, { url: remote.server.url, ...opts });

async function converge(opts: Parameters<typeof syncWithPostgres>[2] = {}) {
  await sync(a, opts);
  await sync(b, opts);
  await sync(a, opts);
}

const labelOn = (d: Device, name: string) => {
  const found = d.memory.labelsList().find((l) => l.name === name);
  if (!found) throw new Error(`no label "${name}" on this device`);
  return found;
};
const earlier = (d: Device, name: string) =>
  d.memory.labelHistory(labelOn(d, name).id).map((v) => [v.name, v.reason]);

/** How many earlier states named `name` Postgres holds. */
async function remoteVersions(name: string): Promise<number> {
  const r = await remote.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM label_versions WHERE name = $1',
    [name],
  );
  return r.rows[0]!.n;
}

/** Both clocks after anything either device wrote, B's `bAhead` ms after A's. */
function stagger(bAhead: number) {
  const t = Math.max(a.clock.now(), b.clock.now());
  a.clock.set(t + 1000);
  b.clock.set(t + 1000 + bAhead);
}

describe('label history across devices', () => {
  it('a local rename keeps the old name, newest first; renaming to the same name records nothing', async () => {
    await a.memory.encode({ content: 'Draft the quarterly report', label: 'reports' });
    const id = labelOn(a, 'reports').id;
    expect(a.memory.labelHistory(id)).toEqual([]);
    a.clock.set(a.clock.now() + 1000);
    await a.memory.renameLabel(id, 'reporting');
    a.clock.set(a.clock.now() + 1000);
    await a.memory.renameLabel(id, 'quarterly');
    await a.memory.renameLabel(id, 'quarterly');
    const history = a.memory.labelHistory(id);
    expect(history.map((v) => [v.name, v.reason])).toEqual([
      ['reporting', 'renamed'],
      ['reports', 'renamed'],
    ]);
    expect(history[0]!.superseded_at).toBe(new Date(a.clock.now()).toISOString());
    expect(history[0]!.kind).toBe('topic');
  });

  it('labelHistory: an unknown label or another space is NOT_FOUND, a bad id BAD_INPUT', () => {
    const id = labelOn(a, 'quarterly').id;
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as HippoError).code;
      }
      return 'none';
    };
    expect(code(() => a.memory.labelHistory(99_999))).toBe('NOT_FOUND');
    expect(code(() => a.memory.labelHistory(id, { space: 'work' }))).toBe('NOT_FOUND');
    expect(code(() => a.memory.labelHistory(0))).toBe('BAD_INPUT');
    expect(code(() => a.memory.labelHistory(1.5))).toBe('BAD_INPUT');
  });

  it('two devices rename one label at once: both end with the winner, both find the loser in history, Postgres holds it once', async () => {
    await a.memory.encode({ content: 'Quarterly planning on the first Monday', label: 'work' });
    await converge();
    stagger(1000);
    await a.memory.renameLabel(labelOn(a, 'work').id, 'job');
    await b.memory.renameLabel(labelOn(b, 'work').id, 'office');
    const first = await sync(a);
    const second = await sync(b);
    expect(first.conflicts).toBe(0);
    expect(second.conflicts).toBeGreaterThanOrEqual(1);
    await sync(a);
    for (const d of [a, b]) {
      const names = d.memory.labelsList().map((l) => l.name);
      expect(names).toContain('office');
      expect(names).not.toContain('job');
      expect(names).not.toContain('work');
      expect(labelOn(d, 'office').fact_count).toBe(1);
      expect(earlier(d, 'office')).toEqual([
        ['job', 'conflict'],
        ['work', 'renamed'],
      ]);
    }
    // Both devices recorded "work" when renaming from it: one row, as for the loser.
    expect(await remoteVersions('job')).toBe(1);
    expect(await remoteVersions('work')).toBe(1);
    expect(a.memory.labelHistory(labelOn(a, 'office').id)).toEqual(
      b.memory.labelHistory(labelOn(b, 'office').id),
    );
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });

  it('a second sync changes nothing on either side', async () => {
    const head = await remoteHead(remote.pool);
    const count = async () =>
      (await remote.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM label_versions')).rows[0]!.n;
    const before = await count();
    const localRows = (d: Device) => d.memory.db.prepare('SELECT * FROM label_versions ORDER BY uid').all();
    const [ha, hb] = [localRows(a), localRows(b)];
    expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
    expect(await sync(b)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
    expect(await remoteHead(remote.pool)).toBe(head);
    expect(await count()).toBe(before);
    expect(localRows(a)).toEqual(ha);
    expect(localRows(b)).toEqual(hb);
  });

  it('a merge on a device that had not seen a rename keeps the renamed name findable from the label merged into', async () => {
    await a.memory.encode({ content: 'Vacuum the stairs', label: 'chores' });
    await a.memory.encode({ content: 'File the tax return', label: 'tasks' });
    await converge();
    stagger(1000);
    await a.memory.renameLabel(labelOn(a, 'chores').id, 'housework');
    await sync(a);
    // B merges "chores" away without having pulled the rename; one row per batch on the way.
    b.memory.mergeLabels(labelOn(b, 'chores').id, labelOn(b, 'tasks').id);
    await converge({ batchSize: 1 });
    for (const d of [a, b]) {
      const names = d.memory.labelsList().map((l) => l.name);
      expect(names).toContain('tasks');
      expect(names).not.toContain('housework');
      expect(names).not.toContain('chores');
      expect(labelOn(d, 'tasks').fact_count).toBe(2);
      const history = earlier(d, 'tasks');
      expect(history).toContainEqual(['housework', 'merged']);
      expect(history).toContainEqual(['chores', 'merged']);
      expect(history).toContainEqual(['chores', 'renamed']);
    }
    expect(await remoteVersions('housework')).toBe(1);
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0 });
  });

  it("a merge that wins over an earlier rename synced after it: the rename, the loser, is in the merged-into label's history", async () => {
    await a.memory.encode({ content: 'Book the car service', label: 'errands' });
    await a.memory.encode({ content: 'Renew the library card', label: 'todo' });
    await converge();
    // The merge's deletion is stamped with the wall clock: the rename must come before it.
    const t = Date.now() - 60_000;
    a.clock.set(t);
    await a.memory.renameLabel(labelOn(a, 'errands').id, 'outings');
    b.memory.mergeLabels(labelOn(b, 'errands').id, labelOn(b, 'todo').id);
    await sync(b);
    const late = await sync(a);
    expect(late.conflicts).toBeGreaterThanOrEqual(1);
    await converge();
    for (const d of [a, b]) {
      const names = d.memory.labelsList().map((l) => l.name);
      expect(names).not.toContain('outings');
      expect(names).not.toContain('errands');
      expect(labelOn(d, 'todo').fact_count).toBe(2);
      expect(earlier(d, 'todo')).toContainEqual(['outings', 'conflict']);
    }
    expect(await remoteVersions('outings')).toBe(1);
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });

  describe('killed mid-sync', () => {
    const versionUids = async (labelUid: string) =>
      (
        await remote.pool.query<{ uid: string }>(
          'SELECT uid::text AS uid FROM label_versions WHERE label_uid = $1 ORDER BY uid',
          [labelUid],
        )
      ).rows.map((r) => r.uid);
    const localUids = (d: Device, labelUid: string) =>
      (
        d.memory.db
          .prepare('SELECT uid FROM label_versions WHERE label_uid = ? ORDER BY uid')
          .all(labelUid) as Array<{
          uid: string;
        }>
      ).map((r) => r.uid);
    const uidOfLabel = (d: Device, name: string) =>
      (d.memory.db.prepare('SELECT uid FROM labels WHERE id = ?').get(labelOn(d, name).id) as { uid: string })
        .uid;

    it('after Postgres committed a batch but before the device recorded it, the next sync adds nothing twice', async () => {
      await a.memory.encode({ content: 'Pack the tent and the stove', label: 'camping' });
      await converge();
      stagger(0);
      const id = labelOn(a, 'camping').id;
      await a.memory.renameLabel(id, 'hiking');
      await a.memory.renameLabel(id, 'trekking');
      const labelUid = uidOfLabel(a, 'trekking');
      // The push's Postgres transaction commits; the process dies before markPushed.
      const local = new LocalSide(a.memory.db);
      const state = local.currentState()!;
      const client = await remote.pool.connect();
      try {
        await pushBatch(client, local, local.dirtyBatch(state.pushed_seq, 100), local.deviceId());
      } finally {
        client.release();
      }
      const pushed = await versionUids(labelUid);
      expect(pushed).toHaveLength(2);
      await converge();
      expect(await versionUids(labelUid)).toEqual(pushed);
      expect(localUids(a, labelUid)).toEqual(pushed);
      expect(localUids(b, labelUid)).toEqual(pushed);
      expect(earlier(b, 'trekking')).toEqual([
        ['hiking', 'renamed'],
        ['camping', 'renamed'],
      ]);
    });

    it('a batch that fails inside Postgres leaves nothing of it there; the next sync sends it whole', async () => {
      stagger(0);
      const id = labelOn(a, 'trekking').id;
      await a.memory.renameLabel(id, 'boom');
      await a.memory.renameLabel(id, 'walking');
      const labelUid = uidOfLabel(a, 'walking');
      const before = await versionUids(labelUid);
      // A server-side failure at the second history row of the batch, after the label was written.
      await remote.pool.query(`
        CREATE FUNCTION test_fail_on_boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.name = 'boom' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER test_fail_on_boom BEFORE INSERT ON label_versions
          FOR EACH ROW EXECUTE FUNCTION test_fail_on_boom();`);
      try {
        await expect(sync(a)).rejects.toThrow(/disk full/);
        expect(await versionUids(labelUid)).toEqual(before);
        const name = await remote.pool.query('SELECT name FROM labels WHERE uid = $1', [labelUid]);
        expect(name.rows[0].name).toBe('trekking');
      } finally {
        await remote.pool.query(
          'DROP TRIGGER test_fail_on_boom ON label_versions; DROP FUNCTION test_fail_on_boom();',
        );
      }
      await converge();
      expect(await versionUids(labelUid)).toHaveLength(before.length + 2);
      for (const d of [a, b]) {
        expect(labelOn(d, 'walking')).toBeDefined();
        expect(earlier(d, 'walking').slice(0, 2)).toEqual([
          ['boom', 'renamed'],
          ['trekking', 'renamed'],
        ]);
      }
      expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0 });
    });
  });
});
