import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { syncWithPostgres } from '../../../src/main/sync/sync-engine';
import type { Fact } from '../../../src/shared/contract';
import { HippoError } from '../../../src/shared/errors';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';
import { openDevice, uidOf } from './sync-helpers';

/** The thrown HippoError's code and message, or a failure when nothing was thrown. */
async function refusal(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(HippoError);
    return { code: (e as HippoError).code, message: (e as HippoError).message };
  }
  throw new Error('expected a HippoError');
}

/** What a person sees of a fact, without ids and times (each store keeps its own). */
const seen = (f: Fact) => ({
  content: f.content,
  category: f.category,
  confidence: f.confidence,
  label: f.label,
  source: f.source,
  deleted: f.deleted_at !== null,
});

describe('PostgresStore fact edits', () => {
  let server: PgTestServer;
  let embedder: EmbedderClient;
  let store: PostgresStore;
  beforeAll(async () => {
    server = await startPgServer();
    embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
    store = await PostgresStore.open({ url: server.url, embedder, device: 'pg-test' });
  });
  afterAll(async () => {
    await store?.close();
    await embedder?.close();
    await server?.close();
  });

  const row = async (id: number) =>
    (
      await store.pool.query<{
        version: string;
        origin_device: string;
        embedded_model: string | null;
        has: boolean;
      }>(
        'SELECT version, origin_device, embedded_model, embedding IS NOT NULL AS has FROM facts WHERE id = $1',
        [id],
      )
    ).rows[0]!;

  it('updates like SQLite: in place, re-embedding new content; bad input changes nothing', async () => {
    const sqlite = openLexicalMemory();
    try {
      const input = { content: 'The boiler service is due in March', category: 'home', space: 'edits' };
      const { id } = await store.encode(input);
      const sq = await sqlite.memory.encode(input);
      const patch = {
        content: 'The boiler service is due in April',
        label: 'House',
        confidence: 0.7,
        source: 'mail',
      };
      const a = await store.update(id, patch, { space: 'edits' });
      const b = await sqlite.memory.update(sq.id, patch, { space: 'edits' });
      expect(seen(a)).toEqual(seen(b));
      expect(a).toMatchObject({ id, superseded_by: null, label: 'House' });
      // A content edit is an edit, not a merge: no older wording is kept, in either store.
      expect(await store.history(id, { space: 'edits' })).toEqual([]);
      expect(sqlite.memory.history(sq.id, { space: 'edits' })).toEqual([]);
      const stored = await row(id);
      expect(stored).toMatchObject({ origin_device: 'pg-test', embedded_model: embedder.modelId, has: true });
      const hits = await store.recall('boiler april', undefined, { space: 'edits' });
      expect(hits[0]).toMatchObject({ fact_id: id, content: patch.content });
      expect(hits[0]!.similarity).not.toBeNull();
      expect(await store.recall('march', undefined, { space: 'edits' })).toEqual([]);
      expect(await store.labelsList({ space: 'edits' })).toMatchObject([{ name: 'House', fact_count: 1 }]);

      const before = await store.get(id, { space: 'edits' });
      const version = (await row(id)).version;
      for (const [bad, code, message] of [
        [{}, 'BAD_INPUT', /nothing to update/],
        [{ confidence: 2 }, 'BAD_INPUT', /confidence/],
        [{ colour: 'red' }, 'BAD_INPUT', /colour/],
        [{ content: '   ' }, 'BAD_INPUT', /content/],
      ] as const) {
        const pgErr = await refusal(store.update(id, bad, { space: 'edits' }));
        const sqErr = await refusal(sqlite.memory.update(sq.id, bad, { space: 'edits' }));
        expect(pgErr.code, JSON.stringify(bad)).toBe(code);
        expect(pgErr.message).toMatch(message);
        expect(pgErr.message).toBe(sqErr.message);
      }
      expect(await refusal(store.update(999_999, { category: 'x' }, { space: 'edits' }))).toEqual({
        code: 'NOT_FOUND',
        message: 'no fact with id 999999 in space "edits"',
      });
      expect(await refusal(store.update(id, { category: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.get(id, { space: 'edits' })).toEqual(before);
      expect((await row(id)).version).toBe(version);
    } finally {
      await sqlite.close();
    }
  });

  it('keeps older wordings as history, and purges a forgotten fact with them; devices that synced purge too', async () => {
    const sqlite = openLexicalMemory();
    const device = await openDevice();
    try {
      const space = 'cars';
      const first = { content: 'Parking spot is B12 on level two', category: 'car', space };
      const second = { content: 'The parking spot is B12 on level two', category: 'car', space };
      const a1 = await store.encode(first);
      const a2 = await store.encode(second);
      await sqlite.memory.encode(first);
      const b2 = await sqlite.memory.encode(second);
      expect(a2).toMatchObject({ id: a1.id, status: 'merged' });
      expect(b2.status).toBe('merged');
      const hist = await store.history(a1.id, { space });
      expect(hist.map(seen)).toEqual(sqlite.memory.history(b2.id, { space }).map(seen));
      expect(hist).toMatchObject([{ content: first.content, superseded_by: a1.id, label: null }]);

      // The device holds the fact and its history before the purge.
      await syncWithPostgres(device.memory, store.pool);
      const onDevice = device.memory.list({ space }).facts;
      expect(onDevice.map((f) => f.content)).toEqual([second.content]);
      const deviceUid = uidOf(device.memory, onDevice[0]!.id);

      expect(await refusal(store.purge(a1.id, { space }))).toEqual({
        code: 'BAD_INPUT',
        message: `fact ${a1.id} is not deleted; forget it first, then purge`,
      });
      expect(await store.history(a1.id, { space })).toHaveLength(1);
      expect(await refusal(store.purge(999_999, { space }))).toMatchObject({ code: 'NOT_FOUND' });

      await store.forget(a1.id, { space });
      const statsBefore = await store.stats({ space });
      expect(statsBefore.deleted).toBe(1);
      await store.purge(a1.id, { space });
      expect(await refusal(store.get(a1.id, { space }))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refusal(store.restore(a1.id, { space }))).toMatchObject({ code: 'NOT_FOUND' });
      expect((await store.list({ space, deleted: 'include' })).total).toBe(0);
      expect(await store.stats({ space })).toMatchObject({ facts: 0, deleted: 0 });
      const exported: unknown[] = [];
      for await (const r of store.exportRecords({ space })) exported.push(r);
      expect(exported).toEqual([]);
      // Nothing of what was said is left in Postgres: the rows are sync's tombstones.
      const left = await store.pool.query<{ content: string; content_hash: string }>(
        "SELECT content, content_hash FROM facts WHERE space = 'cars'",
      );
      expect(left.rows).toEqual([
        { content: '', content_hash: 'purged' },
        { content: '', content_hash: 'purged' },
      ]);
      expect(await store.recall('parking spot', undefined, { space })).toEqual([]);
      // bm25 counts documents as FTS5 does: the purged rows are gone from its N and lengths.
      const bm25 = await store.pool.query<{ docs: number; total_len: number; rows: number; lens: number }>(
        `SELECT docs::int, total_len::int,
                (SELECT count(*)::int FROM facts WHERE content_hash <> 'purged') AS rows,
                (SELECT coalesce(sum(doc_len), 0)::int FROM fact_doc_lengths) AS lens
           FROM bm25_state`,
      );
      const n = bm25.rows[0]!;
      expect(n.docs).toBe(n.rows);
      expect(n.total_len).toBe(n.lens);

      await syncWithPostgres(device.memory, store.pool);
      expect(device.memory.list({ space, deleted: 'include' }).total).toBe(0);
      expect(
        device.memory.db
          .prepare('SELECT count(*) AS n FROM facts WHERE uid = ? OR space = ?')
          .get(deviceUid, space),
      ).toEqual({ n: 0 });
    } finally {
      await device.close();
      await sqlite.close();
    }
  });

  it('a device syncing against this Postgres pulls an edit the store made', async () => {
    const device = await openDevice();
    try {
      const { id } = await store.encode({ content: 'The spare key is under the blue pot', space: 'keys' });
      await syncWithPostgres(device.memory, store.pool);
      const local = device.memory.list({ space: 'keys' }).facts[0]!;
      expect(local.content).toBe('The spare key is under the blue pot');

      await store.update(
        id,
        { content: 'The spare key is with the neighbour', category: 'home' },
        { space: 'keys' },
      );
      const summary = await syncWithPostgres(device.memory, store.pool);
      expect(summary.pulled).toBeGreaterThan(0);
      expect(device.memory.get(local.id, { space: 'keys' })).toMatchObject({
        content: 'The spare key is with the neighbour',
        category: 'home',
      });
    } finally {
      await device.close();
    }
  });

  it('embedPending embeds what was stored while the model was missing, and nothing twice', async () => {
    const textOnly = await PostgresStore.open({ url: server.url, embedder: null, space: 'later' });
    try {
      const stored = await textOnly.encodeMany([
        { content: 'Grandma birthday is on the ninth of May', label: 'Family' },
        { content: 'The library card number ends in 4471' },
        { content: 'Swimming lessons start at seven' },
      ]);
      expect(textOnly.mode).toBe('text-only');
      expect((await store.stats({ space: 'later' })).pending_embeddings).toBe(3);
      // Labels created without a vector wait too: "Family" here, "House" from the edit above.
      const labelsWaiting = await store.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM labels WHERE deleted_at IS NULL AND embedding IS NULL',
      );
      expect(labelsWaiting.rows[0]!.n).toBe(2);
      const progress: Array<{ done: number; total: number }> = [];
      const done = await store.embedPending({ onProgress: (p) => progress.push(p) });
      expect(done).toEqual({ done: 5, total: 5 });
      expect(progress.at(-1)).toEqual({ done: 5, total: 5 });
      expect((await store.stats({ space: 'later' })).pending_embeddings).toBe(0);
      for (const r of stored)
        expect(await row(r.id)).toMatchObject({ has: true, embedded_model: embedder.modelId });
      const label = await store.pool.query<{ has: boolean; vector_count: number }>(
        "SELECT embedding IS NOT NULL AS has, vector_count FROM labels WHERE space = 'later'",
      );
      expect(label.rows).toEqual([{ has: true, vector_count: 1 }]);
      const hits = await store.recall('library card', undefined, { space: 'later' });
      expect(hits[0]).toMatchObject({ fact_id: stored[1]!.id });
      expect(hits[0]!.similarity).not.toBeNull();
      expect(await store.embedPending()).toEqual({ done: 0, total: 0 });
      // Without a model it only counts.
      await textOnly.encode({ content: 'The bike lock code is 3-1-4' });
      expect(await textOnly.embedPending()).toEqual({ done: 0, total: 1 });
    } finally {
      await textOnly.close();
    }
  });

  it('imports exported records in one transaction: one bad record stores nothing', async () => {
    const count = async () =>
      (await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM facts')).rows[0]!.n;
    const before = await count();
    const err = await refusal(
      store.importRecords(
        [
          { content: 'Valid record' },
          { content: 'Bad confidence', confidence: 3 } as never,
          { content: 'Another valid record' },
        ],
        { space: 'imports' },
      ),
    );
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/^records\[1\]\.confidence/);
    expect(await count()).toBe(before);

    const records = [
      {
        content: 'Passport expires in 2031',
        category: 'documents',
        label: 'Papers',
        confidence: 0.9,
        source: 'drawer',
        created_at: '2024-01-02T03:04:05.000Z',
        updated_at: '2024-02-02T03:04:05.000Z',
      },
      {
        content: 'Old gym locker is 17',
        category: 'general',
        confidence: 1,
        created_at: '2023-05-06T07:08:09.000Z',
        updated_at: '2023-05-06T07:08:09.000Z',
        deleted_at: '2023-06-01T00:00:00.000Z',
      },
    ];
    const results = await store.importRecords(records, { space: 'imports' });
    expect(results.map((r) => r.status)).toEqual(['created', 'created']);
    const back: unknown[] = [];
    for await (const r of store.exportRecords({ space: 'imports' })) back.push(r);
    expect(back).toEqual(records);
  });

  it('exports page by page from one snapshot (writes made meanwhile are not in it) and gives its connection back', async () => {
    const textOnly = await PostgresStore.open({ url: server.url, embedder: null, space: 'many' });
    try {
      const records = Array.from({ length: 1_050 }, (_, i) => ({ content: `Numbered fact ${i}` }));
      await textOnly.importRecords(records);
      // PGlite serves one session: while a transaction is open on one connection, the others wait,
      // so a write during the export can only be made against a real server (HIPPO_TEST_PG_URL).
      const concurrent = server.kind === 'external';
      const seenContents: string[] = [];
      for await (const r of textOnly.exportRecords()) {
        // Written while the export reads: after its first page, and before its second.
        if (concurrent && seenContents.length === 0)
          await textOnly.encode({ content: 'Written during the export' });
        seenContents.push(r.content);
      }
      expect(seenContents).toEqual(records.map((r) => r.content));
      if (!concurrent) await textOnly.encode({ content: 'Written after the export' });
      const again: string[] = [];
      for await (const r of textOnly.exportRecords()) again.push(r.content);
      expect(again).toHaveLength(1_051);
      // A reader that stops early gives its connection back.
      for await (const _r of textOnly.exportRecords()) break;
      expect(textOnly.pool.totalCount - textOnly.pool.idleCount).toBe(0);
    } finally {
      await textOnly.close();
    }
  });
});
