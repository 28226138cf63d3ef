import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLexicalMemory } from '../../helpers/lexical-memory';

const FACTS = [
  { content: 'My sister Priya lives in Toronto and works as a nurse', category: 'family', confidence: 0.9 },
  { content: 'The wifi password at the cabin is maplesyrup42', category: 'home', confidence: 1 },
  { content: 'Dr. Okafor is my dentist; appointments on Tuesdays', category: 'health', confidence: 0.8 },
  { content: 'I am allergic to penicillin', category: 'health', confidence: 1, label: 'medical' },
  {
    content: 'Priya birthday is on March 3rd',
    category: 'family',
    confidence: 0.7,
    created_at: '2023-03-03',
  },
  { content: 'The car needs an oil change every 10000 km', category: 'car', confidence: 0.6 },
  { content: 'Favourite pizza: margherita with extra basil', category: 'food', confidence: 0.5 },
  { content: 'Team standup is at 9:30 every weekday', category: 'work', confidence: 0.9 },
];

describe('recall', () => {
  let env: ReturnType<typeof openLexicalMemory>;
  const ids: number[] = [];
  beforeAll(async () => {
    env = openLexicalMemory();
    for (const f of FACTS) ids.push((await env.memory.encode(f)).id);
  });
  afterAll(async () => env.close());

  it('returns the answering fact first with every SearchResult field', async () => {
    const hits = await env.memory.recall('where does Priya live');
    expect(hits[0]).toEqual({
      fact_id: ids[0],
      content: FACTS[0]!.content,
      category: 'family',
      confidence: 0.9,
      label_name: null,
      similarity: expect.any(Number),
      score: expect.any(Number),
      source: null,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    expect(env.memory.mode).toBe('hybrid');
  });

  it('does not write query embeddings to the persistent cache (facts only)', async () => {
    const before = env.memory.embeddingCache.count();
    await env.memory.recall('an unusual question nobody stored', 'with some context words');
    expect(env.memory.embeddingCache.count()).toBe(before);
  });

  it('fuses words and vectors: a fact found by either list is returned', async () => {
    // 'maplesyrup42' is one rare word: FTS finds it even if the vector list ranks it low.
    const byWord = await env.memory.recall('maplesyrup42');
    expect(byWord[0]!.fact_id).toBe(ids[1]);
    const byMeaning = await env.memory.recall('penicillin allergic');
    expect(byMeaning[0]!.fact_id).toBe(ids[3]);
    expect(byMeaning[0]!.label_name).toBe('medical');
  });

  it('applies limit, category, label, minConfidence, since and until', async () => {
    expect(await env.memory.recall('Priya', undefined, { limit: 1 })).toHaveLength(1);
    const family = await env.memory.recall('Priya', undefined, { category: 'family' });
    expect(family.map((h) => h.fact_id).sort()).toEqual([ids[0], ids[4]].sort());
    const sure = await env.memory.recall('Priya', undefined, { minConfidence: 0.8 });
    expect(sure.map((h) => h.fact_id)).toEqual([ids[0]]);
    const old = await env.memory.recall('Priya', undefined, { until: '2023-12-31' });
    expect(old.map((h) => h.fact_id)).toEqual([ids[4]]);
    const recent = await env.memory.recall('Priya birthday', undefined, { since: '2024-01-01' });
    expect(recent.map((h) => h.fact_id)).not.toContain(ids[4]);
    const medical = await env.memory.recall('allergic', undefined, { label: 'medical' });
    expect(medical.map((h) => h.fact_id)).toEqual([ids[3]]);
    expect(await env.memory.recall('allergic', undefined, { label: 'no-such-label' })).toEqual([]);
  });

  it('treats any user text as a safe query', async () => {
    const hostile = [
      '"',
      '"unbalanced',
      'AND',
      'OR OR OR',
      'NOT',
      '*',
      'pri*',
      '-priya',
      'NEAR(priya toronto)',
      'content: priya',
      "'; DROP TABLE facts; --",
      'SELECT * FROM facts WHERE 1=1',
      '😀🎉🔥',
      '(((',
      '^priya',
      '\u0000',
      'ünïcödé ñ',
      'a'.repeat(5000),
    ];
    for (const q of hostile) {
      const hits = await env.memory.recall(q);
      expect(Array.isArray(hits)).toBe(true);
    }
    expect((await env.memory.recall('"priya" AND toronto*'))[0]!.fact_id).toBe(ids[0]);
    expect(env.memory.list().total).toBe(FACTS.length);
  });

  it('rejects bad recall options with BAD_INPUT', async () => {
    await expect(env.memory.recall('')).rejects.toMatchObject({ code: 'BAD_INPUT', message: /query/ });
    await expect(env.memory.recall('x', undefined, { limit: 0 })).rejects.toMatchObject({ message: /limit/ });
    await expect(env.memory.recall('x', undefined, { limit: 101 })).rejects.toMatchObject({
      message: /limit/,
    });
    await expect(env.memory.recall('x', undefined, { minConfidence: 2 })).rejects.toMatchObject({
      message: /minConfidence/,
    });
    await expect(
      env.memory.recall('x', undefined, { bogus: true } as unknown as Record<string, never>),
    ).rejects.toMatchObject({ message: /unknown field/ });
  });

  it('records access counts in batches', async () => {
    await env.memory.recall('standup weekday');
    env.memory.flushAccess();
    expect(env.memory.get(ids[7]!).access_count).toBeGreaterThan(0);
    expect(env.memory.get(ids[7]!).last_accessed_at).not.toBeNull();
  });
});

describe('recall on an empty memory and across spaces', () => {
  it('uses the context to decide between facts the query alone cannot tell apart', async () => {
    const env = openLexicalMemory();
    try {
      const dentist = await env.memory.encode({ content: 'weekly appointment with the dentist on tuesday' });
      const physio = await env.memory.encode({
        content: 'weekly appointment with the physiotherapist on friday',
      });
      const first = async (context: string) =>
        (await env.memory.recall('weekly appointment', context))[0]!.fact_id;
      expect(await first('dentist')).toBe(dentist.id);
      expect(await first('physiotherapist')).toBe(physio.id);
    } finally {
      await env.close();
    }
  });

  it('returns an empty list from an empty memory', async () => {
    const env = openLexicalMemory();
    try {
      expect(await env.memory.recall('anything at all')).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it('keeps spaces apart for every read and write', async () => {
    const env = openLexicalMemory();
    try {
      const a = await env.memory.encode({ content: 'project falcon ships in May', space: 'work' });
      const b = await env.memory.encode({ content: 'project falcon ships in May', space: 'agent-7' });
      expect(b.status).toBe('created');
      expect(b.id).not.toBe(a.id);
      expect(await env.memory.recall('falcon')).toEqual([]);
      expect((await env.memory.recall('falcon', undefined, { space: 'work' })).map((h) => h.fact_id)).toEqual(
        [a.id],
      );
      expect(env.memory.list({ space: 'agent-7' }).facts.map((f) => f.id)).toEqual([b.id]);
      expect(() => env.memory.get(a.id)).toThrow(/no fact with id/);
      expect(env.memory.get(a.id, { space: 'work' }).space).toBe('work');
      expect((await env.memory.stats({ space: 'work' })).facts).toBe(1);
      expect((await env.memory.stats()).facts).toBe(0);
    } finally {
      await env.close();
    }
  });
});
