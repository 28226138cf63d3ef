import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Memory } from '../../../src/main/memory/memory';
import { HealthResponse } from '../../../src/main/server/api-spec';
import { checkHealth } from '../../../src/main/server/health';
import { syncStatus, syncWithPostgres, type SyncProgress } from '../../../src/main/sync/sync-engine';
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

const sync = (memory: Memory, opts: Parameters<typeof syncWithPostgres>[2] = {}) =>
  syncWithPostgres(memory, remote.pool, { url: remote.server.url, ...opts });

async function remoteFacts(): Promise<number> {
  const r = await remote.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM facts');
  return r.rows[0]!.n;
}

describe('an interrupted sync', () => {
  it('stopped between push batches: only whole batches are in Postgres, and the next sync finishes', async () => {
    await a.memory.encodeMany(
      Array.from({ length: 40 }, (_, i) => ({
        content: `Note number ${i} about topic ${i * 7}`,
        category: 'notes',
      })),
    );
    expect(checkHealth(a.memory, null).sync).toEqual({
      state: 'never',
      last_sync_at: null,
      pending_changes: 40,
    });
    const stop = new AbortController();
    const seen: SyncProgress[] = [];
    await expect(
      sync(a.memory, {
        batchSize: 7,
        signal: stop.signal,
        onProgress: (p) => {
          seen.push(p);
          if (p.pushed >= 14) stop.abort();
        },
      }),
    ).rejects.toThrow(/stopped before the end; run it again/);
    expect(await remoteFacts()).toBe(14);
    expect(seen[0]).toMatchObject({ phase: 'push', pushed: 0, pushTotal: 40 });
    const status = syncStatus(a.memory);
    expect(status).toMatchObject({ last_result: 'failed', pushed: 14, pending_local: 26 });
    const health = checkHealth(a.memory, null);
    expect(HealthResponse.parse(health).sync).toEqual({
      state: 'failed',
      last_sync_at: status.last_sync_at,
      pending_changes: 26,
    });
    expect(JSON.stringify(health)).not.toContain('postgres://');

    const done = await sync(a.memory, { batchSize: 7 });
    expect(done).toMatchObject({ pushed: 26, pending_local: 0 });
    expect(await remoteFacts()).toBe(40);
    expect(checkHealth(a.memory, null).sync).toMatchObject({ state: 'ok', pending_changes: 0 });
  });

  it('stopped between pull batches: the cursor keeps what was applied, and the next sync finishes', async () => {
    const stop = new AbortController();
    await expect(
      sync(b.memory, {
        batchSize: 9,
        signal: stop.signal,
        onProgress: (p) => {
          if (p.phase === 'pull' && p.pulled >= 18) stop.abort();
        },
      }),
    ).rejects.toThrow(/stopped/);
    expect(b.memory.list().total).toBe(18);
    const rest = await sync(b.memory, { batchSize: 9 });
    expect(rest).toMatchObject({ pushed: 0, pulled: 22 });
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });

  it('a push that crashed after Postgres committed but before the device noted it is a no-op the next time', async () => {
    const first = a.memory.list({ limit: 1 }).facts[0]!;
    a.clock.set(a.clock.now() + 1000);
    await a.memory.update(first.id, { confidence: 0.4 });
    // Run the push, then put the device's marks back as if the process died before noting it.
    const marks = a.memory.db.prepare('SELECT pushed_seq FROM sync_state').get() as { pushed_seq: number };
    const base = a.memory.db.prepare('SELECT remote_seq FROM facts WHERE id = ?').pluck().get(first.id);
    await sync(a.memory);
    const head = await remoteHead(remote.pool);
    a.memory.db.prepare('UPDATE sync_state SET pushed_seq = ?').run(marks.pushed_seq);
    a.memory.db.prepare('UPDATE facts SET remote_seq = ? WHERE id = ?').run(base, first.id);
    const again = await sync(a.memory);
    expect(again).toMatchObject({ pushed: 1, conflicts: 0 });
    expect(await remoteHead(remote.pool)).toBe(head);
    await sync(b.memory);
    expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
  });
});

describe('sync while the app writes', () => {
  it('a second connection syncs (as the CLI would) while the app encodes; the app sees pulled facts in recall', async () => {
    // The "CLI": its own Memory on the app's file, without a model.
    const cli = Memory.open({ dbPath: a.dbPath });
    try {
      await b.memory.encode({ content: 'The spare house key is under the blue flowerpot', category: 'home' });
      await sync(b.memory);
      // Warm the app's in-memory indexes, so the pulled fact must reach them through the change log.
      await a.memory.recall('house key');
      const writes = (async () => {
        for (let i = 0; i < 10; i++) {
          await a.memory.encode({ content: `Written during the sync, item ${i}`, category: 'notes' });
          await new Promise((r) => setImmediate(r));
        }
      })();
      const [summary] = await Promise.all([sync(cli, { batchSize: 3 }), writes]);
      expect(summary.pulled).toBeGreaterThanOrEqual(1);
      const hits = await a.memory.recall('where is the spare house key');
      expect(hits[0]?.content).toBe('The spare house key is under the blue flowerpot');
      // Whatever the app wrote after the push phase waits for the next sync, which sends it.
      await sync(cli);
      expect(syncStatus(a.memory).pending_local).toBe(0);
      await sync(b.memory);
      expect(b.memory.list({ category: 'notes', limit: 100 }).total).toBe(50);
      expect(snapshot(b.memory)).toEqual(snapshot(a.memory));
    } finally {
      await cli.close();
    }
  });
});
