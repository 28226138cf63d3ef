import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

const FACTS = [
  { content: 'I drink green tea every morning', category: 'habit', label: 'food' },
  { content: 'My sister lives in Lisbon', category: 'people' },
  { content: 'The dentist appointment is on Friday', category: 'todo' },
  { content: 'I prefer dark roast coffee over tea', category: 'habit' },
  { content: 'Lisbon has steep streets and yellow trams', category: 'travel' },
  { content: 'Running shoes are size 43', category: 'general' },
  { content: 'The cat likes tuna and runs at night', category: 'general' },
];

describe('PostgresStore', () => {
  let server: PgTestServer;
  let embedder: EmbedderClient;
  let store: PostgresStore;
  beforeAll(async () => {
    server = await startPgServer();
    embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
    store = await PostgresStore.open({ url: server.url, embedder });
  });
  afterAll(async () => {
    await store?.close();
    await embedder?.close();
    await server?.close();
  });

  it('encodes, dedups exact duplicates, and recalls like the SQLite Memory', async () => {
    const sqlite = openLexicalMemory();
    try {
      const pgIds = await store.encodeMany(FACTS);
      const sqIds = await sqlite.memory.encodeMany(FACTS);
      expect(pgIds.map((r) => r.status)).toEqual(sqIds.map((r) => r.status));
      expect(pgIds.map((r) => r.label)).toEqual(sqIds.map((r) => r.label));
      expect(pgIds.map((r) => r.id)).toEqual(sqIds.map((r) => r.id));
      expect(store.mode).toBe('hybrid');

      const dup = await store.encode({ content: '  i drink GREEN tea every morning.  ', confidence: 0.5 });
      expect(dup).toEqual({ id: pgIds[0]!.id, status: 'duplicate', label: 'food' });

      for (const q of ['tea', 'Lisbon trams', 'running', 'what does the cat eat', 'appointment friday']) {
        const a = await store.recall(q);
        const b = await sqlite.memory.recall(q);
        expect(
          a.map((r) => r.fact_id),
          q,
        ).toEqual(b.map((r) => r.fact_id));
        a.forEach((r, i) => {
          expect(r.score).toBeCloseTo(b[i]!.score, 9);
          expect(r.similarity!).toBeCloseTo(b[i]!.similarity!, 5);
          expect(r.label_name).toBe(b[i]!.label_name);
          expect(r.created_at).toBe(b[i]!.created_at.slice(0, 10) + r.created_at.slice(10));
        });
      }
      const filtered = await store.recall('tea', undefined, { category: 'habit', minConfidence: 0.9 });
      expect(filtered.map((r) => r.category)).toEqual(filtered.map(() => 'habit'));
      expect(filtered.length).toBeGreaterThan(0);
      expect(await store.recall('tea', undefined, { label: 'no such label' })).toEqual([]);
      expect((await store.recall('tea', undefined, { label: 'FOOD' })).map((r) => r.fact_id)).toEqual([
        pgIds[0]!.id,
      ]);
    } finally {
      await sqlite.close();
    }
  });

  it('merges near duplicates and files labels exactly as SQLite does', async () => {
    const sqlite = openLexicalMemory();
    try {
      // The same rows as the store holds: bm25's statistics span every fact, as in FTS5.
      await sqlite.memory.encodeMany(FACTS);
      const seq = [
        { content: 'Parking spot is B12 on level two', category: 'car', space: 'cars' },
        { content: 'The parking spot is B12 on level two', category: 'car', space: 'cars' },
        { content: 'Parking spot B12, level two, north garage', category: 'car', space: 'cars' },
        { content: 'Parking spot is B12 on level two', category: 'other', space: 'cars', label: 'Garage' },
        { content: 'garage door code is 4411', category: 'car', space: 'cars' },
      ];
      const pgOut = [];
      const sqOut = [];
      for (const f of seq) {
        pgOut.push(await store.encode(f));
        sqOut.push(await sqlite.memory.encode(f));
      }
      expect(pgOut.map((r) => [r.status, r.label])).toEqual(sqOut.map((r) => [r.status, r.label]));
      expect(pgOut.map((r) => r.status)).toContain('merged');
      const superseded = await store.pool.query<{ content: string }>(
        "SELECT content FROM facts WHERE space = 'cars' AND superseded_by IS NOT NULL ORDER BY id",
      );
      const sqSuperseded = sqlite.memory.db
        .prepare("SELECT content FROM facts WHERE space = 'cars' AND superseded_by IS NOT NULL ORDER BY id")
        .all();
      expect(superseded.rows).toEqual(sqSuperseded);
      const a = await store.recall('parking garage level', undefined, { space: 'cars' });
      const b = await sqlite.memory.recall('parking garage level', undefined, { space: 'cars' });
      expect(a.map((r) => [r.content, r.label_name])).toEqual(b.map((r) => [r.content, r.label_name]));
    } finally {
      await sqlite.close();
    }
  });

  it('runs on words alone without a model, and says so', async () => {
    const textOnly = await PostgresStore.open({ url: server.url, embedder: null });
    try {
      const r = await textOnly.recall('Lisbon');
      expect(textOnly.mode).toBe('text-only');
      expect(r.length).toBe(2);
      expect(r.every((x) => x.similarity === null)).toBe(true);
      const stats = await textOnly.stats();
      expect(stats.db_path).not.toContain('postgres:postgres@');
      expect(stats.facts).toBeGreaterThanOrEqual(FACTS.length);
    } finally {
      await textOnly.close();
    }
  });

  it('two stores encoding the same new fact at once store it once (the write lock)', async () => {
    const other = await PostgresStore.open({ url: server.url, embedder });
    try {
      const fact = { content: 'The spare key is under the blue flowerpot', space: 'race' };
      const [a, b] = await Promise.all([store.encode(fact), other.encode(fact)]);
      expect([a.status, b.status].sort()).toEqual(['created', 'duplicate']);
      expect(a.id).toBe(b.id);
      const n = await store.pool.query("SELECT count(*)::int AS n FROM facts WHERE space = 'race'");
      expect(n.rows[0].n).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('a batch with one bad item writes nothing and names the item', async () => {
    const before = await store.pool.query('SELECT count(*)::int AS n FROM facts');
    await expect(store.encodeMany([{ content: 'fine fact' }, { content: '   ' }])).rejects.toThrow(
      /facts\[1\]/,
    );
    const after = await store.pool.query('SELECT count(*)::int AS n FROM facts');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('ignores vectors another model made (a device on another model synced them)', async () => {
    await store.pool.query(
      `INSERT INTO facts (uid, space, content, content_hash, category, confidence, created_at, updated_at,
                          embedding, embedded_model, origin_device)
       SELECT '00000000-0000-4000-8000-0000000000aa', space, 'Qwxz vrrp', 'h-other-model', category, 1,
              created_at, updated_at, embedding, 'some-other-model', 'other-device'
         FROM facts WHERE content = 'My sister lives in Lisbon'`,
    );
    try {
      const hits = await store.recall('my sister lives in Lisbon');
      expect(hits[0]!.content).toBe('My sister lives in Lisbon');
      expect(hits.map((h) => h.content)).not.toContain('Qwxz vrrp');
      // Found by its words, it shows no similarity: its vector means nothing to this model.
      const byWords = await store.recall('qwxz');
      expect(byWords.map((h) => [h.content, h.similarity])).toEqual([['Qwxz vrrp', null]]);
    } finally {
      await store.pool.query("DELETE FROM facts WHERE uid = '00000000-0000-4000-8000-0000000000aa'");
    }
  });

  it("ranks words with Postgres's own ts_rank_cd over the gin index when asked", async () => {
    const native = await PostgresStore.open({ url: server.url, embedder: null, wordRanking: 'ts_rank_cd' });
    try {
      const r = await native.recall('streets of Lisbon');
      expect(r.map((x) => x.content)).toEqual([
        'Lisbon has steep streets and yellow trams',
        'My sister lives in Lisbon',
      ]);
      const [words] = await native.explainRecall('streets of Lisbon');
      expect(words!.sql).toMatch(/ts_rank_cd\(to_tsvector\('english', f\.content\), q\)/);
    } finally {
      await native.close();
    }
  });

  it('finds by words a fact another writer (sync) inserted, and forgets a purged one', async () => {
    const now = Date.now();
    await store.pool.query(
      `INSERT INTO facts (uid, space, content, content_hash, category, confidence, created_at, updated_at, origin_device)
       VALUES ('00000000-0000-4000-8000-000000000001', 'personal', 'Zanzibar spice farm visit', 'h-zanzibar',
               'travel', 1, $1, $1, 'other-device')`,
      [now],
    );
    const hits = await store.recall('zanzibar');
    expect(hits.map((h) => h.content)).toEqual(['Zanzibar spice farm visit']);
    const before = await store.pool.query('SELECT docs::int AS docs FROM bm25_state');
    await store.pool.query("DELETE FROM facts WHERE uid = '00000000-0000-4000-8000-000000000001'");
    const after = await store.pool.query('SELECT docs::int AS docs FROM bm25_state');
    expect(after.rows[0].docs).toBe(before.rows[0].docs - 1);
    const df = await store.pool.query("SELECT df::int AS df FROM term_doc_counts WHERE term = 'zanzibar'");
    expect(df.rows[0].df).toBe(0);
    expect(await store.recall('zanzibar')).toEqual([]);
  });
});
