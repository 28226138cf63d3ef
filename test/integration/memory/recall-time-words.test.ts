import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLexicalMemory } from '../../helpers/lexical-memory';

// Wednesday 20 March 2024 noon UTC: this week is 18-24 March, last week 11-17 March.
const REF = '2024-03-20T12:00:00Z';
const at = { reference_date: REF, time_zone: 'UTC' };

const FACTS = [
  { content: 'Dentist appointment went fine, no cavities', created_at: '2024-03-12T09:00:00Z' },
  { content: 'Paid the dentist bill for the February cleaning', created_at: '2024-02-10T09:00:00Z' },
  { content: 'Bought coffee beans at a market in Lisbon', created_at: '2023-05-14T09:00:00Z' },
  { content: 'Booked the Lisbon hotel for the conference', created_at: '2024-03-19T08:00:00Z' },
  { content: 'May the plumber come early on Friday', created_at: '2024-03-19T07:00:00Z' },
];

describe('recall reads time words (SQLite, lexical model)', () => {
  let env: ReturnType<typeof openLexicalMemory>;
  const ids: number[] = [];
  beforeAll(async () => {
    env = openLexicalMemory({ now: () => Date.parse(REF) });
    for (const f of FACTS) ids.push((await env.memory.encode(f)).id);
  });
  afterAll(async () => env.close());

  it('keeps to the window the phrase names, searches the rest, and says how it read the phrase', async () => {
    const r = await env.memory.recallDetailed('dentist last week', undefined, at);
    expect(r.results.map((h) => h.fact_id)).toEqual([ids[0]]);
    expect(r.results[0]!.created_at).toBe('2024-03-12T09:00:00.000Z');
    expect(r.time).toEqual({
      phrases: [
        { phrase: 'last week', since: '2024-03-11T00:00:00.000Z', until: '2024-03-18T00:00:00.000Z' },
      ],
      since: '2024-03-11T00:00:00.000Z',
      until: '2024-03-18T00:00:00.000Z',
      query: 'dentist',
      reference_date: '2024-03-20T12:00:00.000Z',
      time_zone: 'UTC',
    });
    const lisbon = await env.memory.recallDetailed('Lisbon in May 2023', undefined, at);
    expect(lisbon.results.map((h) => h.fact_id)).toEqual([ids[2]]);
  });

  it('reads against the memory clock when no reference date is given', async () => {
    const r = await env.memory.recallDetailed('dentist last week', undefined, { time_zone: 'UTC' });
    expect(r.results.map((h) => h.fact_id)).toEqual([ids[0]]);
    expect(r.time?.reference_date).toBe('2024-03-20T12:00:00.000Z');
  });

  it('lists the window newest first when the query is only time words', async () => {
    const r = await env.memory.recallDetailed('what did I do this week', undefined, { ...at, explain: true });
    expect(r.results.map((h) => h.fact_id)).toEqual([ids[3], ids[4]]);
    expect(r.time).toMatchObject({ query: '', phrases: [{ phrase: 'this week' }] });
    expect(r.results[0]!.explain).toMatchObject({ by_recency: true, matched_words: [] });
    expect(r.results[0]!.score).toBeGreaterThan(r.results[1]!.score);
  });

  it('intersects the phrase with since/until, and an empty window finds nothing', async () => {
    const r = await env.memory.recallDetailed('dentist since 2024', undefined, {
      ...at,
      until: '2024-03-01',
    });
    expect(r.results.map((h) => h.fact_id)).toEqual([ids[1]]);
    expect(r.time).toMatchObject({ since: '2024-01-01T00:00:00.000Z', until: '2024-03-01T00:00:00.001Z' });
    const none = await env.memory.recallDetailed('dentist since 2025 before 2024', undefined, at);
    expect(none.results).toEqual([]);
    expect(none.time?.phrases).toHaveLength(2);
  });

  it('searches time words literally with time_words: false, and leaves "May" the verb alone', async () => {
    const literal = await env.memory.recallDetailed('dentist last week', undefined, {
      ...at,
      time_words: false,
    });
    expect(literal.time).toBeUndefined();
    expect(literal.results.map((h) => h.fact_id)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    const may = await env.memory.recallDetailed('may the plumber come', undefined, at);
    expect(may.time).toBeUndefined();
    expect(may.results[0]!.fact_id).toBe(ids[4]);
  });

  it('rejects a bad time zone or reference date, naming the field', async () => {
    await expect(env.memory.recall('dentist', undefined, { time_zone: 'Mars/Olympus' })).rejects.toThrow(
      /time_zone: must be an IANA time zone/,
    );
    await expect(env.memory.recall('dentist', undefined, { reference_date: 'last tuesday' })).rejects.toThrow(
      /reference_date/,
    );
  });
});

describe('recall tie-breakers (SQLite, words only)', () => {
  let env: ReturnType<typeof openLexicalMemory>;
  beforeAll(() => {
    env = openLexicalMemory({ embedder: null });
  });
  afterAll(async () => env.close());

  it('orders equal matches newer first, and never buries the exact match under a newer, surer one', async () => {
    const old = (
      await env.memory.encode({ content: 'Bob likes tea', confidence: 0.5, created_at: '2020-01-01' })
    ).id;
    const fresh = (
      await env.memory.encode({ content: 'Bob likes jam', confidence: 1, created_at: '2024-03-01' })
    ).id;
    const equal = await env.memory.recall('bob likes', undefined, {
      reference_date: '2024-03-02',
      explain: true,
    });
    expect(equal.map((h) => h.fact_id)).toEqual([fresh, old]);
    expect(equal[0]!.explain!.base_score).toBe(equal[1]!.explain!.base_score);
    expect(equal[0]!.explain!.boosts.recency).toBeGreaterThan(equal[1]!.explain!.boosts.recency);
    const exact = await env.memory.recall('bob tea', undefined, { reference_date: '2024-03-02' });
    expect(exact.map((h) => h.fact_id)).toEqual([old, fresh]);
  });
});
