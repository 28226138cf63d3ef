import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FactsRepo } from '../../../src/main/memory/facts-repo';
import { openDb } from '../../../src/main/memory/open-db';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

/**
 * Word recall ranks facts holding the query's words side by side above facts holding them apart
 * (word-proximity.ts), the same way from the in-memory word index, from FTS5 itself, and from
 * the Postgres store.
 */
const FACTS = [
  // The query's words far apart.
  'The blood test came back fine, and the pressure at work eased off in spring.',
  'My blood pressure was 128 over 84 at the checkup.',
  'Tyre pressure for the bike: 4.5 bar front, 5 bar back.',
  'Donated blood at the Red Cross on Tuesday.',
  'Pressure of blood in the legs rises when standing all day.',
  'Asked the doctor about blood sugar and eye pressure.',
];
const QUERIES = [
  'blood pressure',
  'tyre pressure bike',
  'pressure blood legs standing',
  'doctor blood sugar',
];

describe('word recall with the proximity bonus', () => {
  let pg: PgTestServer;
  let sqlite: ReturnType<typeof openLexicalMemory>;
  let store: PostgresStore;

  beforeAll(async () => {
    pg = await startPgServer();
    sqlite = openLexicalMemory({ embedder: null });
    store = await PostgresStore.open({ url: pg.url, embedder: null });
    const batch = FACTS.map((content) => ({ content, created_at: 1_700_000_000_000 }));
    expect(await store.encodeMany(batch)).toEqual(await sqlite.memory.encodeMany(batch));
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await sqlite?.close();
    await pg?.close();
  });

  it('puts the fact with the words side by side first', async () => {
    const hits = await sqlite.memory.recall('blood pressure', undefined, { trackAccess: false });
    expect(hits[0]!.content).toBe(FACTS[1]);
    // The reversed pair, one word between, is next; the fact with them far apart comes after.
    const order = hits.map((h) => FACTS.indexOf(h.content));
    expect(order.indexOf(4)).toBeLessThan(order.indexOf(0));
  });

  it('weighs pairs by the same idfs from the word index and from FTS5', () => {
    const { db } = openDb(sqlite.dbPath);
    try {
      const facts = new FactsRepo(db);
      const words = ['blood', 'pressure', 'bike', 'unheard', 'standing'];
      const fromIndex = facts.wordIdfs(words);
      // Inside a transaction the index steps aside and FTS5's own counts answer.
      const fromFts5 = db.transaction(() => facts.wordIdfs(words))();
      expect(fromIndex.every((x) => x >= 0)).toBe(true);
      expect(fromIndex[3]).toBe(0);
      expect(fromIndex[0]).toBeGreaterThan(0);
      fromFts5.forEach((x, i) => expect(x).toBeCloseTo(fromIndex[i]!, 12));
    } finally {
      db.close();
    }
  });

  it('says in explain what the closeness added, alike in both stores', async () => {
    const opts = { trackAccess: false, explain: true };
    const a = await sqlite.memory.recall('blood pressure', undefined, opts);
    const b = await store.recall('blood pressure', undefined, opts);
    expect(a[0]!.explain!.words!.proximity).toBeGreaterThan(0);
    expect(a[0]!.explain!.matched_words).toEqual(['blood', 'pressure']);
    const apart = a.find((r) => r.content === FACTS[0])!;
    expect(apart.explain!.words!.proximity).toBe(0);
    expect(b.map((r) => r.explain)).toEqual(a.map((r) => r.explain));
  });

  it('reads a word being typed or misspelt as the word it stands for, and leaves known words alone', async () => {
    const top = async (q: string) =>
      (await sqlite.memory.recall(q, undefined, { trackAccess: false, explain: true }))[0]?.content;
    expect(await top('tyre pres')).toBe(FACTS[2]);
    expect(await top('donatd')).toBe(FACTS[3]);
    // Both misspelt words found (closeness counts only for words as typed).
    expect(await top('blod presure')).toMatch(/blood.*pressure/i);
    // Without expansion, the misspelt words find nothing.
    const plain = openLexicalMemory({
      embedder: null,
      dbPath: sqlite.dbPath,
      tuning: { expandUnknownWords: false },
    });
    try {
      expect(await plain.memory.recall('donatd', undefined, { trackAccess: false })).toEqual([]);
      const known = await plain.memory.recall('blood pressure', undefined, { trackAccess: false });
      const expanded = await sqlite.memory.recall('blood pressure', undefined, { trackAccess: false });
      expect(expanded).toEqual(known);
    } finally {
      await plain.memory.close();
    }
  });

  it('says in explain which unknown word was read as which word of the fact, alike in both stores', async () => {
    const opts = { trackAccess: false, explain: true };
    const a = await sqlite.memory.recall('tyre pres', undefined, opts);
    const b = await store.recall('tyre pres', undefined, opts);
    expect(a[0]!.content).toBe(FACTS[2]);
    expect(a[0]!.explain!.matched_words).toEqual(['tyre']);
    expect(a[0]!.explain!.expanded_words).toEqual([{ word: 'pres', as: 'pressure' }]);
    expect(b.map((r) => r.explain!.expanded_words)).toEqual(a.map((r) => r.explain!.expanded_words));
    // A look into the past searches FTS5 as stored, without expanding, in both stores.
    const past = { ...opts, as_of: '2100-01-01T00:00:00Z' };
    const c = await sqlite.memory.recall('donatd', undefined, past);
    const d = await store.recall('donatd', undefined, past);
    expect(c).toEqual([]);
    expect(d).toEqual([]);
  });

  it('ranks alike in SQLite and Postgres', async () => {
    for (const q of QUERIES) {
      const a = await sqlite.memory.recall(q, undefined, { trackAccess: false });
      const b = await store.recall(q, undefined, { trackAccess: false });
      expect(
        b.map((r) => r.content),
        q,
      ).toEqual(a.map((r) => r.content));
      b.forEach((r, i) => expect(r.score, q).toBeCloseTo(a[i]!.score, 12));
    }
  });
});
