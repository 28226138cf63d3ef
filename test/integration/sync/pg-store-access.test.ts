import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { syncWithPostgres } from '../../../src/main/sync/sync-engine';
import type { Fact, RecallFilters, SearchResult } from '../../../src/shared/contract';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';
import { manualClock, openDevice } from './sync-helpers';

/** What the access test needs of either store; `settle` makes SQLite write its batched counts. */
interface CountingStore {
  encode(input: unknown): Promise<{ id: number }>;
  recall(
    query: string,
    context?: string,
    options?: RecallFilters & { trackAccess?: boolean },
  ): Promise<SearchResult[]>;
  get(id: number, opts?: { space?: string }): Fact | Promise<Fact>;
  list(input?: unknown): { facts: Fact[] } | Promise<{ facts: Fact[] }>;
  settle(): void;
  close(): Promise<void>;
}

describe('access counts', () => {
  let server: PgTestServer;
  let embedder: EmbedderClient;
  beforeAll(async () => {
    server = await startPgServer();
    embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
  });
  afterAll(async () => {
    await embedder?.close();
    await server?.close();
  });

  const clock = manualClock();
  const open: Record<'sqlite' | 'postgres', () => Promise<CountingStore>> = {
    async sqlite() {
      const { memory } = openLexicalMemory({ embedder, now: clock.now, space: 'access' });
      return {
        encode: (input) => memory.encode(input),
        recall: (query, context, options) => memory.recall(query, context, options),
        get: (id, opts) => memory.get(id, opts),
        list: (input) => memory.list(input),
        settle: () => memory.flushAccess(),
        // Not opened.close(): the embedder is shared with the Postgres store.
        close: () => memory.close(),
      };
    },
    async postgres() {
      const store = await PostgresStore.open({ url: server.url, embedder, now: clock.now, space: 'access' });
      return Object.assign(store, { settle: () => undefined });
    },
  };

  it.each(['sqlite', 'postgres'] as const)(
    '%s: recall twice counts 2 and sets last_accessed_at on the facts recalled; looking (trackAccess: false) does not count',
    async (kind) => {
      const store = await open[kind]();
      try {
        const boiler = await store.encode({ content: 'The boiler is serviced every March' });
        const bike = await store.encode({ content: 'The bike lock code is 3-1-4' });
        const before = await store.get(boiler.id);
        expect(before).toMatchObject({ access_count: 0, last_accessed_at: null });

        clock.set(1_800_000_100_000);
        expect((await store.recall('boiler serviced')).map((r) => r.fact_id)).toContain(boiler.id);
        clock.set(1_800_000_200_000);
        const second = await store.recall('boiler serviced');
        expect(second.map((r) => r.fact_id)).not.toContain(bike.id);
        // SQLite stamps its batched counts when it writes them, Postgres each recall: now, alike.
        store.settle();
        // The capture box's duplicate preview looks without recalling.
        clock.set(1_800_000_300_000);
        await store.recall('boiler serviced', undefined, { trackAccess: false });
        store.settle();

        const after = await store.get(boiler.id);
        expect(after.access_count).toBe(2);
        expect(after.last_accessed_at).toBe(new Date(1_800_000_200_000).toISOString());
        expect(await store.get(bike.id)).toMatchObject({ access_count: 0, last_accessed_at: null });
        const listed = (await store.list()).facts.find((f) => f.id === boiler.id);
        expect(listed).toMatchObject({ access_count: 2, last_accessed_at: after.last_accessed_at });
      } finally {
        await store.close();
      }
    },
  );

  it('recalls in Postgres change nothing a syncing device pulls (change_seq stays)', async () => {
    const store = await PostgresStore.open({ url: server.url, embedder, space: 'access-sync' });
    const device = await openDevice();
    try {
      const { id } = await store.encode({
        content: 'The spare key is under the blue pot',
        space: 'access-sync',
      });
      await syncWithPostgres(device.memory, store.pool);
      const seq = async () =>
        (await store.pool.query<{ s: string }>('SELECT max(change_seq)::text AS s FROM facts')).rows[0]!.s;
      const seqBefore = await seq();

      await store.recall('spare key');
      await store.recall('spare key');
      expect((await store.get(id)).access_count).toBe(2);
      expect(await seq()).toBe(seqBefore);
      const summary = await syncWithPostgres(device.memory, store.pool);
      expect(summary.pulled).toBe(0);
    } finally {
      await device.close();
      await store.close();
    }
  });
});
