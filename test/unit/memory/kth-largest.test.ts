import { describe, expect, it } from 'vitest';
import { kthLargest } from '../../../src/main/memory/kth-largest';

describe('kthLargest', () => {
  it('agrees with sorting on random, repeated and constant values, for every k', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cases = [
      Array.from({ length: 200 }, random),
      Array.from({ length: 150 }, () => Math.floor(random() * 5)),
      Array.from({ length: 64 }, () => 0.5),
      [3],
      [2, 1],
    ];
    for (const values of cases) {
      const sorted = [...values].sort((a, b) => b - a);
      for (let k = 1; k <= values.length; k++) {
        expect(kthLargest(Float64Array.from(values), values.length, k)).toBe(sorted[k - 1]);
      }
    }
  });

  it('looks only at the first n values', () => {
    expect(kthLargest(Float64Array.from([1, 5, 3, 99, 100]), 3, 1)).toBe(5);
  });
});
