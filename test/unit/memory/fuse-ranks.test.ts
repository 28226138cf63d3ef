import { describe, expect, it } from 'vitest';
import { fuseRanks, RRF_K } from '../../../src/main/memory/fuse-ranks';

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
