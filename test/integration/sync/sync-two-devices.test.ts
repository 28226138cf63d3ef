import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncStatus, syncWithPostgres } from '../../../src/main/sync/sync-engine';
import { idOf, openDevice, openRemote, remoteHead, snapshot, uidOf, type Device } from './sync-helpers';
import { Memory } from '../../../src/main/memory/memory';

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

/** Both devices synced until neither has anything left to exchange. */
async function converge() {
  await sync(a);
  await sync(b);
  await sync(a);
}

describe('two devices syncing through one Postgres', () => {
  it('facts, labels and vectors travel; the second device embeds nothing again', async () => {
    await a.memory.encode({ content: 'The dentist appointment is on Tuesday at nine', label: 'health' });
    await a.memory.encode({ content: 'Passport renewal needs two photos', category: 'travel' });
    await a.memory.encode({ content: 'Blood type is O negative', label: 'health', confidence: 0.9 });
    const first = await sync(a);
    expect(first).toMatchObject({ pulled: 0, conflicts: 0, pending_local: 0 });
    expect(first.pushed).toBeGreaterThanOrEqual(4);

    // Device B has loaded its model (as the app does at start), then syncs.
    expect(await b.embedder.ready()).toBe(true);
    await b.memory.stats();
    const before = b.embedder.texts;
    const second = await sync(b);
    expect(second).toMatchObject({ pushed: 0, conflicts: 0 });
    expect(second.pulled).toBeGreaterThanOrEqual(4);
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    expect(snapshot(b.memory).facts.every((f) => f.has_vector && f.embedded_model !== null)).toBe(true);
    expect((await b.memory.stats()).pending_embeddings).toBe(0);
    await b.memory.embedPending();
    expect(b.embedder.texts).toBe(before);
    // The pulled vectors serve recall: the query is embedded, the facts are not.
    const hits = await b.memory.recall('when is the dentist appointment');
    expect(hits[0]?.content).toContain('dentist');
    expect(b.memory.labelsList().map((l) => [l.name, l.fact_count])).toEqual([['health', 2]]);
  });

  it('a second sync changes nothing on either side', async () => {
    const head = await remoteHead(remote.pool);
    const sa = snapshot(a.memory);
    const sb = snapshot(b.memory);
    for (const d of [a, b]) expect(await sync(d)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
    expect(await remoteHead(remote.pool)).toBe(head);
    expect(snapshot(a.memory)).toEqual(sa);
    expect(snapshot(b.memory)).toEqual(sb);
    expect(syncStatus(a.memory)).toMatchObject({
      last_result: 'ok',
      last_error: null,
      pushed: 0,
      pulled: 0,
      pending_local: 0,
      remote: expect.not.stringContaining(':postgres@'),
    });
  });

  it('edits, forgets and restores on both devices converge', async () => {
    const facts = a.memory.list().facts;
    const passport = facts.find((f) => f.content.startsWith('Passport'))!;
    const blood = facts.find((f) => f.content.startsWith('Blood'))!;
    a.clock.set(a.clock.now() + 1000);
    await a.memory.update(passport.id, { content: 'Passport renewal needs two photos and the old passport' });
    a.memory.forget(blood.id);
    await b.memory.encode({ content: 'The car insurance renews in March', category: 'finance' });
    await converge();
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    const bBlood = idOf(b.memory, uidOf(a.memory, blood.id));
    expect(b.memory.get(bBlood).deleted_at).not.toBeNull();
    b.clock.set(a.clock.now() + 1000);
    b.memory.restore(bBlood);
    await converge();
    expect(a.memory.get(blood.id).deleted_at).toBeNull();
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    expect(a.memory.list().total).toBe(4);
  });

  it('concurrent edits of one fact: the later one wins on both, the other is kept as history', async () => {
    const dentist = a.memory.list().facts.find((f) => f.content.includes('dentist'))!;
    const uid = uidOf(a.memory, dentist.id);
    const onB = idOf(b.memory, uid);
    const t = Math.max(a.clock.now(), b.clock.now());
    a.clock.set(t + 1000);
    b.clock.set(t + 2000);
    await a.memory.update(dentist.id, { content: 'The dentist appointment moved to Wednesday at ten' });
    await b.memory.update(onB, { content: 'The dentist appointment moved to Thursday at eight' });
    await sync(a);
    const resolved = await sync(b);
    expect(resolved.conflicts).toBe(1);
    await sync(a);
    for (const [d, id] of [
      [a, dentist.id],
      [b, onB],
    ] as const) {
      expect(d.memory.get(id).content).toBe('The dentist appointment moved to Thursday at eight');
      expect(d.memory.history(id).map((h) => h.content)).toContain(
        'The dentist appointment moved to Wednesday at ten',
      );
    }
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0 });
    expect(await sync(b)).toMatchObject({ pushed: 0, pulled: 0 });
  });

  it('a tie on time is broken the same way on both devices (version, then device id)', async () => {
    const car = a.memory.list().facts.find((f) => f.content.includes('car insurance'))!;
    const onB = idOf(b.memory, uidOf(a.memory, car.id));
    const t = Math.max(a.clock.now(), b.clock.now()) + 1000;
    a.clock.set(t);
    b.clock.set(t);
    await a.memory.update(car.id, { category: 'insurance' });
    await b.memory.update(onB, { category: 'bills' });
    await converge();
    const devA = a.memory.db
      .prepare("SELECT value FROM meta WHERE key = 'device_id'")
      .pluck()
      .get() as string;
    const devB = b.memory.db
      .prepare("SELECT value FROM meta WHERE key = 'device_id'")
      .pluck()
      .get() as string;
    const expected = devA > devB ? 'insurance' : 'bills';
    expect(a.memory.get(car.id).category).toBe(expected);
    expect(b.memory.get(onB).category).toBe(expected);
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });

  it('a purge travels: the fact and its history leave every device, and Postgres keeps no words of it', async () => {
    const dentist = a.memory.list().facts.find((f) => f.content.includes('dentist'))!;
    const uid = uidOf(a.memory, dentist.id);
    a.memory.forget(dentist.id);
    a.memory.purge(dentist.id);
    await converge();
    expect(b.memory.db.prepare('SELECT count(*) FROM facts WHERE uid = ?').pluck().get(uid)).toBe(0);
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    const left = await remote.pool.query(
      "SELECT count(*)::int AS n FROM facts WHERE content LIKE '%dentist%'",
    );
    expect(left.rows[0].n).toBe(0);
  });

  it('label renames and merges travel', async () => {
    await a.memory.encode({ content: 'Gym on Mondays and Thursdays', label: 'fitness' });
    await a.memory.encode({ content: 'Run five kilometres on Sunday', label: 'running' });
    await converge();
    const labels = () => new Map(b.memory.labelsList().map((l) => [l.name, l]));
    expect(labels().has('fitness')).toBe(true);
    const fitness = a.memory.labelsList().find((l) => l.name === 'fitness')!;
    const running = a.memory.labelsList().find((l) => l.name === 'running')!;
    a.clock.set(a.clock.now() + 1000);
    await a.memory.renameLabel(fitness.id, 'exercise');
    a.memory.mergeLabels(running.id, fitness.id);
    await converge();
    expect([...labels().keys()]).toContain('exercise');
    expect([...labels().keys()]).not.toContain('running');
    expect(labels().get('exercise')!.fact_count).toBe(2);
    expect(b.memory.list({ label: 'exercise' }).total).toBe(2);
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });

  it('the same label made on both devices becomes one label', async () => {
    await a.memory.encode({ content: 'Buy oat milk', label: 'groceries' });
    await b.memory.encode({ content: 'Buy rye bread', label: 'Groceries' });
    await converge();
    for (const d of [a, b]) {
      const groceries = d.memory.labelsList().filter((l) => l.name.toLowerCase() === 'groceries');
      expect(groceries).toHaveLength(1);
      expect(groceries[0]!.fact_count).toBe(2);
    }
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });

  it('the same words stored on both devices before syncing end as one fact on both, the other as its history', async () => {
    await a.memory.encode({ content: 'The bike lock code is 4711', category: 'home' });
    await b.memory.encode({ content: 'the bike lock code is 4711.', category: 'home' });
    await converge();
    for (const d of [a, b]) {
      const live = d.memory
        .list({ category: 'home', limit: 100 })
        .facts.filter((f) => /bike lock/i.test(f.content));
      expect(live).toHaveLength(1);
      expect(d.memory.history(live[0]!.id)).toHaveLength(1);
    }
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0 });
    expect(await sync(b)).toMatchObject({ pushed: 0, pulled: 0 });
  });

  it('a forget on one device and an edit on the other: the later wins, the other is kept as history', async () => {
    const milk = a.memory.list().facts.find((f) => f.content === 'Buy oat milk')!;
    const onB = idOf(b.memory, uidOf(a.memory, milk.id));
    const t = Math.max(a.clock.now(), b.clock.now());
    a.clock.set(t + 2000);
    b.clock.set(t + 1000);
    a.memory.forget(milk.id);
    await b.memory.update(onB, { content: 'Buy oat milk and oat flakes' });
    await converge();
    for (const [d, id] of [
      [a, milk.id],
      [b, onB],
    ] as const) {
      const fact = d.memory.get(id);
      expect(fact.deleted_at).not.toBeNull();
      expect(fact.content).toBe('Buy oat milk');
      expect(d.memory.history(id).map((h) => h.content)).toContain('Buy oat milk and oat flakes');
    }
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });

  it('concurrent label renames: the later one wins on both; a rename onto a name taken meanwhile becomes "name (2)"', async () => {
    await a.memory.encode({ content: 'Water the ferns on Saturday', label: 'plants' });
    await a.memory.encode({ content: 'Repot the cactus in spring', label: 'garden' });
    await converge();
    const onA = (name: string) => a.memory.labelsList().find((l) => l.name === name)!;
    const onB = (name: string) => b.memory.labelsList().find((l) => l.name === name)!;
    const t = Math.max(a.clock.now(), b.clock.now());
    a.clock.set(t + 1000);
    b.clock.set(t + 2000);
    await a.memory.renameLabel(onA('plants').id, 'houseplants');
    await b.memory.renameLabel(onB('plants').id, 'indoor plants');
    await converge();
    for (const d of [a, b]) {
      const names = d.memory.labelsList().map((l) => l.name);
      expect(names).toContain('indoor plants');
      expect(names).not.toContain('houseplants');
    }
    // B renames "garden" to "outdoors" while A creates a new label "outdoors".
    await b.memory.renameLabel(onB('garden').id, 'outdoors');
    await a.memory.encode({ content: 'Clean the patio chairs', label: 'outdoors' });
    await sync(a);
    await converge();
    for (const d of [a, b]) {
      const names = d.memory.labelsList().map((l) => l.name);
      expect(names).toEqual(expect.arrayContaining(['outdoors', 'outdoors (2)']));
    }
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });

  it('two devices syncing at the same moment converge', async () => {
    await a.memory.encodeMany(
      Array.from({ length: 30 }, (_, i) => ({ content: `Parallel A ${i}`, category: 'parallel' })),
    );
    await b.memory.encodeMany(
      Array.from({ length: 30 }, (_, i) => ({ content: `Parallel B ${i}`, category: 'parallel' })),
    );
    await Promise.all([sync(a, { batchSize: 4 }), sync(b, { batchSize: 4 })]);
    await converge();
    expect(a.memory.list({ category: 'parallel', limit: 100 }).total).toBe(60);
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    expect(await sync(a)).toMatchObject({ pushed: 0, pulled: 0 });
    expect(await sync(b)).toMatchObject({ pushed: 0, pulled: 0 });
  });

  it('facts stored without the model are embedded once, by a device that has it, and the vectors reach the others', async () => {
    const c = Memory.open({ dbPath: `${a.dbPath}.text-only.db` });
    const syncC = () => syncWithPostgres(c, remote.pool, { url: remote.server.url });
    try {
      await syncC();
      await c.encode({ content: 'The smoke alarm battery was changed in May', category: 'home' });
      await c.encode({ content: 'The water meter is read in January', category: 'home' });
      await syncC();
      const before = b.embedder.texts;
      await sync(b);
      expect((await b.memory.stats()).pending_embeddings).toBe(2);
      await b.memory.embedPending();
      expect(b.embedder.texts).toBe(before + 2);
      expect(await sync(b)).toMatchObject({ pushed: 2, conflicts: 0 });
      await syncC();
      await sync(a);
      const embedded = (s: ReturnType<typeof snapshot>) =>
        s.facts.filter((f) => /smoke alarm|water meter/.test(f.content));
      for (const s of [snapshot(a.memory), snapshot(c)]) {
        expect(embedded(s)).toHaveLength(2);
        expect(embedded(s).every((f) => f.has_vector && f.embedded_model === b.embedder.modelId)).toBe(true);
      }
      expect(snapshot(c)).toEqual(snapshot(a.memory));
    } finally {
      await c.close();
    }
  });

  it('pointed at another server, a device sends it everything, rows it pulled from the first one too', async () => {
    const other = await openRemote();
    try {
      const summary = await syncWithPostgres(b.memory, other.pool, { url: other.server.url });
      // Labels' earlier names (label_versions) go too.
      const versions = (
        b.memory.db.prepare('SELECT count(*) AS n FROM label_versions').get() as { n: number }
      ).n;
      expect(versions).toBeGreaterThan(0);
      expect(summary.pushed).toBe(
        snapshot(b.memory).facts.length + snapshot(b.memory).labels.length + versions,
      );
      expect(summary.pending_local).toBe(0);
      // A fresh device syncing with the second server gets the same memory.
      const c = Memory.open({ dbPath: `${b.dbPath}.third.db` });
      try {
        await syncWithPostgres(c, other.pool, { url: other.server.url });
        expect(snapshot(c).facts.map((f) => ({ ...f, has_vector: true }))).toEqual(
          snapshot(b.memory).facts.map((f) => ({ ...f, has_vector: true })),
        );
        expect(snapshot(c).labels).toEqual(snapshot(b.memory).labels);
      } finally {
        await c.close();
      }
      // And back on the first server, B finds nothing new to exchange.
      expect(await sync(b)).toMatchObject({ pulled: 0, conflicts: 0 });
      expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    } finally {
      await other.close();
    }
  });
});
