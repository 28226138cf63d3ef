import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import type { RecallResponse, SearchResult } from '../../../src/shared/contract';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

/**
 * Issue 8's recall features give the same answers from Postgres as from SQLite: time words (and
 * a time-only query listed by recency), tie-breakers, context and explain.
 */
const FACTS = [
  {
    content: 'Dentist appointment went fine, no cavities',
    created_at: '2024-03-12T09:00:00Z',
    confidence: 0.9,
  },
  { content: 'Paid the dentist bill for the cleaning', created_at: '2024-02-10T09:00:00Z', confidence: 1 },
  { content: 'Bob likes tea', created_at: '2020-01-01T00:00:00Z', confidence: 0.5 },
  { content: 'Bob likes jam', created_at: '2024-03-01T00:00:00Z', confidence: 1 },
  { content: 'Java build notes: the JVM garbage collector', created_at: '2024-01-05T09:00:00Z' },
  { content: 'Java beans from Indonesia make a dark espresso roast', created_at: '2024-01-05T09:00:00Z' },
  { content: 'Booked the Lisbon hotel for the conference', created_at: '2024-03-19T08:00:00Z' },
];
const AT = { reference_date: '2024-03-20T12:00:00Z', time_zone: 'UTC', explain: true };
const CASES: Array<[string, string | undefined]> = [
  ['dentist last week', undefined],
  ['dentist since February 2024', undefined],
  ['this month', undefined],
  ['what did I do this week', undefined],
  ['bob likes', undefined],
  ['bob tea', undefined],
  ['java', 'brewing espresso this morning'],
  ['java', 'the JVM garbage collector pauses'],
  ['dentist since 2025 before 2024', undefined],
];

function expectSame(a: RecallResponse, b: RecallResponse, what: string) {
  expect(a.time, what).toEqual(b.time);
  expect(
    a.results.map((r) => r.fact_id),
    what,
  ).toEqual(b.results.map((r) => r.fact_id));
  a.results.forEach((r: SearchResult, i) => {
    const s = b.results[i]!;
    expect(r.score, what).toBeCloseTo(s.score, 9);
    const { vector: rv, ...re } = r.explain!;
    const { vector: sv, ...se } = s.explain!;
    // The proximity bonus scales with idf, which each store counts over all its facts: this
    // Postgres database holds both runs' spaces, so only whether words stood close must agree.
    expect(re.words?.proximity !== undefined && re.words.proximity > 0, what).toBe(
      se.words?.proximity !== undefined && se.words.proximity > 0,
    );
    if (re.words && se.words) re.words = { ...re.words, proximity: se.words.proximity };
    expect(re, what).toEqual({
      ...se,
      base_score: expect.closeTo(se.base_score, 9),
      score: expect.closeTo(se.score, 9),
    });
    expect(rv === null, what).toBe(sv === null);
    if (rv && sv) {
      expect(rv.rank, what).toBe(sv.rank);
      expect(rv.similarity, what).toBeCloseTo(sv.similarity, 5);
    }
  });
}

describe('recall features: Postgres answers as SQLite does', () => {
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

  for (const mode of ['hybrid', 'words only'] as const) {
    it(`time words, tie-breakers, context and explain (${mode})`, async () => {
      const withModel = mode === 'hybrid';
      const space = withModel ? 'hybrid' : 'words';
      const store = await PostgresStore.open({
        url: server.url,
        embedder: withModel ? embedder : null,
        space,
      });
      const sqlite = openLexicalMemory(withModel ? {} : { embedder: null });
      try {
        const a = await store.encodeMany(FACTS);
        const b = await sqlite.memory.encodeMany(FACTS);
        expect(a.map((r) => r.status)).toEqual(b.map((r) => r.status));
        const idOf = new Map(b.map((r, i) => [r.id, a[i]!.id]));
        for (const [query, context] of CASES) {
          const pg = await store.recallDetailed(query, context, AT);
          const sq = await sqlite.memory.recallDetailed(query, context, AT);
          // Ids are each store's own; map SQLite's to Postgres's.
          const mapped = { ...sq, results: sq.results.map((r) => ({ ...r, fact_id: idOf.get(r.fact_id)! })) };
          expectSame(pg, mapped, `${query} / ${context ?? ''}`);
        }
        const ties = await store.recallDetailed('bob likes', undefined, AT);
        expect(ties.results.map((r) => r.content)).toEqual(['Bob likes jam', 'Bob likes tea']);
        const week = await store.recallDetailed('dentist last week', undefined, AT);
        expect(week.results.map((r) => r.content)).toEqual(['Dentist appointment went fine, no cavities']);
      } finally {
        await sqlite.close();
        await store.close();
      }
    });
  }
});
