import { describe, expect, it } from 'vitest';
import { SeededRandom, mulberry32, normalTensor, seedFor } from '../../../scripts/model-gen/prng';

describe('prng', () => {
  it('is the reference mulberry32 (pinned outputs keep generated models stable across releases)', () => {
    const next = mulberry32(42);
    expect([next(), next(), next()]).toEqual([2581720956, 1925393290, 3661312704]);
  });

  it('gives every tensor name its own seed', () => {
    expect(seedFor(1, 'a')).not.toBe(seedFor(1, 'b'));
    expect(seedFor(1, 'a')).not.toBe(seedFor(2, 'a'));
    expect(seedFor(7, 'encoder.layer.0.attention.self.query.weight')).toBe(
      seedFor(7, 'encoder.layer.0.attention.self.query.weight'),
    );
  });

  it('draws roughly standard normal, bounded values', () => {
    const values = new SeededRandom(123).fillNormal(new Float32Array(100_000), 1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(2 * Math.sqrt(3) + 1e-6);
  });

  it('repeats exactly for the same seed and name', () => {
    expect(normalTensor(5, 'w', 64, 0.02)).toEqual(normalTensor(5, 'w', 64, 0.02));
    expect(normalTensor(5, 'w', 64, 0.02)).not.toEqual(normalTensor(5, 'v', 64, 0.02));
  });
});
