import { describe, expect, it } from 'vitest';
import {
  CONFIDENCE_BOOST,
  fuseRanks,
  fuseRecall,
  RECENCY_BOOST,
  RECENCY_HALF_LIFE_DAYS,
  RRF_K,
  TIE_BREAK_MAX,
  tieBreakIds,
  type FactStanding,
} from '../../../src/main/memory/fuse-ranks';

describe('fuseRanks', () => {
  it('scores each id by the sum of weight / (k + rank) over the lists', () => {
    const fused = fuseRanks([
      { ids: [1, 2, 3], weight: 1 },
      { ids: [3, 1], weight: 1 },
    ]);
    expect(fused.map((f) => f.id)).toEqual([1, 3, 2]);
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 2));
    expect(fused[2]!.score).toBeCloseTo(1 / (RRF_K + 2));
  });

  it('lets a heavier list win and breaks exact ties by id', () => {
    expect(
      fuseRanks([
        { ids: [7], weight: 1 },
        { ids: [5], weight: 2 },
      ]).map((f) => f.id),
    ).toEqual([5, 7]);
    expect(
      fuseRanks([
        { ids: [9], weight: 1 },
        { ids: [4], weight: 1 },
      ]).map((f) => f.id),
    ).toEqual([4, 9]);
  });

  it('returns nothing for no lists', () => {
    expect(fuseRanks([])).toEqual([]);
  });
});

describe('fuseRecall', () => {
  const tuning = { vectorWeight: 1, textWeight: 1, contextWeight: 0.3, minVectorSimilarity: 0.15 };

  it('fuses the vector list, the query words and the context words at their weights, cut to the limit', () => {
    const fused = fuseRecall(
      {
        vector: [
          { id: 1, distance: 0.1 },
          { id: 2, distance: 0.2 },
        ],
        words: [2, 3],
        contextWords: [3],
      },
      tuning,
      10,
    );
    expect(fused.map((f) => f.id)).toEqual([2, 3, 1]);
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 2) + 1 / (RRF_K + 1));
    expect(fused[1]!.score).toBeCloseTo(1 / (RRF_K + 2) + 0.3 / (RRF_K + 1));
    expect(
      fuseRecall({ vector: null, words: [5, 6, 7], contextWords: [] }, tuning, 2).map((f) => f.id),
    ).toEqual([5, 6]);
  });

  it('drops a vector-only neighbour below minVectorSimilarity, but keeps one the words found', () => {
    // Distance 0.9 is similarity 0.1: below 0.15.
    const c = {
      vector: [
        { id: 1, distance: 0.9 },
        { id: 2, distance: 0.9 },
      ],
      words: [] as number[],
      contextWords: [2],
    };
    const fused = fuseRecall(c, tuning, 10);
    expect(fused.map((f) => f.id)).toEqual([2]);
    // Once 1 is dropped, the vector list ranks 2 first.
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 1) + 0.3 / (RRF_K + 1));
  });
});

describe('fuseRecall tie-breakers', () => {
  const tuning = { vectorWeight: 1, textWeight: 1, contextWeight: 0.3, minVectorSimilarity: 0.15 };
  const NOW = Date.parse('2024-03-15T00:00:00Z');
  const DAY = 86_400_000;
  const standing = (entries: Array<[number, number, number]>) =>
    new Map<number, FactStanding>(
      entries.map(([id, daysOld, confidence]) => [id, { createdAt: NOW - daysOld * DAY, confidence }]),
    );

  it('orders equal matches newer first, then more confident first', () => {
    // Three facts the words score alike (equal bm25): they share rank 1.
    const c = { vector: null, words: [1, 2, 3], wordScores: [-2.5, -2.5, -2.5], contextWords: [] };
    const untied = fuseRecall(c, tuning, 10);
    expect(untied.map((h) => h.score)).toEqual([1 / (RRF_K + 1), 1 / (RRF_K + 1), 1 / (RRF_K + 1)]);
    expect(untied.map((h) => h.id)).toEqual([1, 2, 3]);
    const tieBreak = {
      now: NOW,
      standing: standing([
        [1, 300, 1],
        [2, 1, 0.5],
        [3, 1, 0.9],
      ]),
    };
    expect(fuseRecall(c, tuning, 10, { tieBreak }).map((h) => h.id)).toEqual([3, 2, 1]);
  });

  it('never lets a newer, more confident weaker match overtake an exact match', () => {
    // 1 is the exact match: first by words and by vector; 2 is second in both, brand new and sure.
    const hybrid = {
      vector: [
        { id: 1, distance: 0.05 },
        { id: 2, distance: 0.3 },
      ],
      words: [1, 2],
      wordScores: [-9, -3],
      contextWords: [],
    };
    const tieBreak = {
      now: NOW,
      standing: standing([
        [1, 3650, 0],
        [2, 0, 1],
      ]),
    };
    expect(fuseRecall(hybrid, tuning, 10, { tieBreak }).map((h) => h.id)).toEqual([1, 2]);
    const wordsOnly = { vector: null, words: [1, 2], wordScores: [-9, -3], contextWords: [] };
    expect(fuseRecall(wordsOnly, tuning, 10, { tieBreak }).map((h) => h.id)).toEqual([1, 2]);
    // The guarantee in numbers: the largest boost is below the smallest gap at the top of a list.
    expect(TIE_BREAK_MAX).toBeLessThan(1 / (RRF_K + 1) - 1 / (RRF_K + 2));
  });

  it('boosts recency by half-life from the reference date and confidence linearly', () => {
    const c = { vector: null, words: [1], contextWords: [] };
    const [hit] = fuseRecall(c, tuning, 1, {
      tieBreak: { now: NOW, standing: standing([[1, RECENCY_HALF_LIFE_DAYS, 0.4]]) },
      explain: true,
    });
    expect(hit!.explain!.boosts.recency).toBeCloseTo(RECENCY_BOOST / 2, 12);
    expect(hit!.explain!.boosts.confidence).toBeCloseTo(CONFIDENCE_BOOST * 0.4, 12);
    expect(hit!.score).toBeCloseTo(1 / (RRF_K + 1) + RECENCY_BOOST / 2 + CONFIDENCE_BOOST * 0.4, 12);
    // A fact dated after the reference date counts as new, not newer than new.
    const [future] = fuseRecall(c, tuning, 1, {
      tieBreak: { now: NOW, standing: standing([[1, -10, 1]]) },
      explain: true,
    });
    expect(future!.explain!.boosts.recency).toBe(RECENCY_BOOST);
  });

  it('tieBreakIds asks only for the facts that could still move into the results', () => {
    const words = Array.from({ length: 60 }, (_, i) => i + 1);
    const c = { vector: null, words, contextWords: [] };
    // Rank 40 scores 1/100: rank 41 (1/101) lies within 0.0001 below it, rank 42 (1/102) not.
    expect(tieBreakIds(c, tuning, 40)).toEqual(words.slice(0, 41));
    // At the top the ranks are further apart than any boost: only the results themselves.
    expect(tieBreakIds(c, tuning, 10)).toEqual(words.slice(0, 10));
    expect(tieBreakIds({ vector: null, words: [3, 4], contextWords: [] }, tuning, 10)).toEqual([3, 4]);
  });
});

describe('fuseRecall explain', () => {
  const tuning = { vectorWeight: 1, textWeight: 1, contextWeight: 0.3, minVectorSimilarity: 0.15 };

  it("says each list's rank and RRF term, the boosts and the final score", () => {
    const hits = fuseRecall(
      {
        vector: [
          { id: 1, distance: 0.2 },
          { id: 2, distance: 0.4 },
        ],
        words: [2],
        contextWords: [1, 2],
      },
      tuning,
      10,
      { explain: true },
    );
    expect(hits.map((h) => h.id)).toEqual([2, 1]);
    expect(hits[0]!.explain).toEqual({
      vector: { rank: 2, similarity: expect.closeTo(0.6, 9), contribution: 1 / (RRF_K + 2) },
      words: { rank: 1, contribution: 1 / (RRF_K + 1) },
      context: { rank: 2, contribution: 0.3 / (RRF_K + 2) },
      boosts: { recency: 0, confidence: 0 },
      base_score: hits[0]!.score,
      score: hits[0]!.score,
    });
    expect(hits[1]!.explain).toMatchObject({ vector: { rank: 1 }, words: null, context: { rank: 1 } });
    const sum = (e: NonNullable<(typeof hits)[0]['explain']>) =>
      (e.vector?.contribution ?? 0) + (e.words?.contribution ?? 0) + (e.context?.contribution ?? 0);
    for (const h of hits) expect(sum(h.explain!)).toBeCloseTo(h.score, 15);
    // Without explain, nothing extra travels.
    expect(fuseRecall({ vector: null, words: [1], contextWords: [] }, tuning, 1)[0]).toEqual({
      id: 1,
      score: 1 / (RRF_K + 1),
    });
  });
});
