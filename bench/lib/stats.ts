/** Latency summary of one measured phase, in milliseconds. */
export interface LatencySummary {
  n: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * The p-th percentile (0..100) of ascending-sorted samples, interpolating linearly between the two
 * nearest ranks (numpy's default), so P50 of an even count is the mean of the middle pair.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) throw new RangeError('cannot summarize an empty sample');
  if (samples.some((s) => !Number.isFinite(s))) throw new RangeError('samples must be finite numbers');
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    n: sorted.length,
    min: sorted[0]!,
    mean: sorted.reduce((sum, s) => sum + s, 0) / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
  };
}

/** value / baseline, or null when the baseline is not a positive number (a ratio would mislead). */
export function ratio(value: number, baseline: number): number | null {
  return baseline > 0 && Number.isFinite(baseline) && Number.isFinite(value) ? value / baseline : null;
}

/** Runs fn once per item, one at a time, and returns each call's wall time in ms. */
export async function timeEach<T>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<unknown>,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const started = performance.now();
    await fn(items[i]!, i);
    out.push(performance.now() - started);
  }
  return out;
}
