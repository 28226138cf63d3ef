import { describe, expect, it } from 'vitest';
import { clsPool, combineWindows, cosine, l2Normalize, meanPool } from '../../../src/utility/mean-pool';

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('clsPool', () => {
  it('takes each row\u2019s first position ([CLS]), whatever the rest holds', () => {
    const hidden = Float32Array.from([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 999, 999]);
    const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);
    const [a, b] = clsPool(hidden, mask, { batch: 2, seq: 3, dims: 2 });
    expect(Array.from(a!)).toEqual([1, 2]);
    expect(Array.from(b!)).toEqual([10, 20]);
  });

  it('rejects an output whose size does not match the batch', () => {
    expect(() => clsPool(new Float32Array(5), [1, 1], { batch: 1, seq: 2, dims: 3 })).toThrow(/expected/);
  });
});

describe('meanPool', () => {
  it('averages only the positions the attention mask keeps', () => {
    // batch 2, seq 3, dims 2; the second row has one padding position holding garbage.
    const hidden = Float32Array.from([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 999, 999]);
    const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);
    const [a, b] = meanPool(hidden, mask, { batch: 2, seq: 3, dims: 2 });
    expect(Array.from(a!)).toEqual([3, 4]);
    expect(Array.from(b!)).toEqual([20, 30]);
  });

  it('rejects an output whose size does not match the batch', () => {
    expect(() => meanPool(new Float32Array(5), [1, 1], { batch: 1, seq: 2, dims: 3 })).toThrow(/expected/);
  });
});

describe('normalization', () => {
  it('scales to unit length and leaves a zero vector finite', () => {
    expect(norm(l2Normalize(Float32Array.from([3, 4])))).toBeCloseTo(1, 6);
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('combines window vectors weighted by token count into a unit vector', () => {
    const x = Float32Array.from([1, 0]);
    const y = Float32Array.from([0, 1]);
    const v = combineWindows([x, y], [3, 1]);
    expect(norm(v)).toBeCloseTo(1, 6);
    expect(v[0]! / v[1]!).toBeCloseTo(3, 5);
    expect(cosine(combineWindows([x], [7]), x)).toBeCloseTo(1, 6);
  });
});
