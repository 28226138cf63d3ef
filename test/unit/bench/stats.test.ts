import { describe, expect, it } from 'vitest';
import { percentile, ratio, summarize, timeEach } from '../../../bench/lib/stats';

describe('percentile', () => {
  it('interpolates linearly between the nearest ranks (numpy default)', () => {
    const xs = [1, 2, 3, 4];
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile(xs, 100)).toBe(4);
    expect(percentile(xs, 50)).toBe(2.5);
    expect(percentile(xs, 25)).toBeCloseTo(1.75, 12);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48, 12);
  });

  it('gives the single sample for any percentile of one', () => {
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 95)).toBe(7);
  });

  it('on 1..100, P50 is 50.5 and P95 is 95.05', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBeCloseTo(50.5, 12);
    expect(percentile(xs, 95)).toBeCloseTo(95.05, 12);
  });

  it('rejects no samples and percentiles outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(/between 0 and 100/);
    expect(() => percentile([1], 101)).toThrow(/between 0 and 100/);
    expect(() => percentile([1], Number.NaN)).toThrow(/between 0 and 100/);
  });
});

describe('summarize', () => {
  it('sorts a copy and reports n, min, mean, p50, p95, p99, max', () => {
    const samples = [5, 1, 4, 2, 3];
    const s = summarize(samples);
    expect(s).toEqual({
      n: 5,
      min: 1,
      mean: 3,
      p50: 3,
      p95: percentile([1, 2, 3, 4, 5], 95),
      p99: percentile([1, 2, 3, 4, 5], 99),
      max: 5,
    });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });

  it('keeps p50 <= p95 <= p99 <= max on skewed samples', () => {
    const s = summarize([1, 1, 1, 1, 1, 1, 1, 1, 1, 100]);
    expect(s.p50).toBe(1);
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
    expect(s.p99).toBeLessThanOrEqual(s.max);
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow(/finite/);
    expect(() => summarize([Number.NaN])).toThrow(/finite/);
  });
});

describe('ratio', () => {
  it('divides by a positive baseline and refuses a zero or non-finite one', () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(1, -2)).toBeNull();
    expect(ratio(1, Number.NaN)).toBeNull();
    expect(ratio(Number.POSITIVE_INFINITY, 2)).toBeNull();
  });
});

describe('timeEach', () => {
  it('runs the calls one at a time, in order, and returns one non-negative duration per item', async () => {
    const order: string[] = [];
    let running = 0;
    const durations = await timeEach(['a', 'b', 'c'], async (item, i) => {
      running++;
      expect(running).toBe(1);
      order.push(`${item}${i}`);
      await new Promise((r) => setImmediate(r));
      running--;
    });
    expect(order).toEqual(['a0', 'b1', 'c2']);
    expect(durations).toHaveLength(3);
    for (const d of durations) expect(d).toBeGreaterThanOrEqual(0);
  });
});
