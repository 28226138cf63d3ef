import { describe, expect, it } from 'vitest';
import { fuseRanks, fuseRecall, RRF_K } from '../../../src/main/memory/fuse-ranks';

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
