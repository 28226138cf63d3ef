import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLexicalMemory } from '../../helpers/lexical-memory';

/**
 * The recall context (e.g. the surrounding conversation) disambiguates the query without
 * dominating it: "java" with coffee talk finds the coffee, with JVM talk the program, and a
 * fact that matches only the context never beats one that matches the query.
 */
const FACTS = [
  'Java build notes: the JVM garbage collector and class loading order',
  'Java beans from Indonesia make a dark espresso roast',
  'Descale the espresso machine and clean the coffee grinder burrs monthly',
];
const COFFEE = 'I am making espresso with my new coffee grinder this morning';
const PROGRAM = 'debugging a program compiled for the JVM with a garbage collector issue';

for (const mode of ['hybrid', 'words only'] as const) {
  describe(`recall context (${mode})`, () => {
    let env: ReturnType<typeof openLexicalMemory>;
    const ids: number[] = [];
    beforeAll(async () => {
      env = openLexicalMemory(mode === 'words only' ? { embedder: null } : {});
      for (const content of FACTS) ids.push((await env.memory.encode({ content })).id);
    });
    afterAll(async () => env.close());

    const order = async (context?: string) =>
      (await env.memory.recall('java', context)).map((h) => h.fact_id);

    it('puts the reading the context is about first', async () => {
      expect((await order(COFFEE))[0]).toBe(ids[1]);
      expect((await order(PROGRAM))[0]).toBe(ids[0]);
    });

    it('does not let a context-only match outrank the query matches', async () => {
      const coffee = await order(COFFEE);
      // The grinder fact shares only the context's words: it may come, but after both Javas.
      if (coffee.includes(ids[2]!)) expect(coffee.indexOf(ids[2]!)).toBeGreaterThan(1);
      expect(coffee.slice(0, 2).sort()).toEqual([ids[0], ids[1]].sort());
    });

    it('explains the context: its rank and its smaller share of the score', async () => {
      const hits = await env.memory.recall('java', COFFEE, { explain: true });
      const top = hits[0]!;
      const e = top.explain!;
      expect(e.matched_words).toEqual(['java']);
      expect(e.words).toMatchObject({ rank: expect.any(Number) });
      // The grinder fact shares the most context words (rank 1) yet, matching no query word, ranks lower.
      expect(e.context).toMatchObject({ rank: 2 });
      const grinder = hits.find((h) => h.fact_id === ids[2]);
      if (grinder)
        expect(grinder.explain).toMatchObject({ words: null, context: { rank: 1 }, matched_words: [] });
      expect(e.context!.contribution).toBeLessThan(e.words!.contribution);
      if (mode === 'hybrid')
        expect(e.vector).toMatchObject({ rank: expect.any(Number), similarity: expect.any(Number) });
      else expect(e.vector).toBeNull();
      const sum = (e.vector?.contribution ?? 0) + e.words!.contribution + e.context!.contribution;
      expect(e.base_score).toBeCloseTo(sum, 12);
      expect(e.score).toBeCloseTo(e.base_score + e.boosts.recency + e.boosts.confidence, 12);
      expect(top.score).toBe(e.score);
    });
  });
}
