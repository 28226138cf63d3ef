/** One kind of measured call: `count` calls of `run(i)`, i = 0..count-1 in order. */
export interface Stream {
  count: number;
  run: (i: number) => Promise<unknown>;
}

export interface ScheduledCall {
  stream: string;
  index: number;
}

/**
 * Spreads every stream's calls evenly over one timeline (call i of a stream of n sits at (i + 0.5) / n),
 * ties broken by stream order. A figure and its baseline then see the same machine load, which is
 * what makes their ratio meaningful on a shared, noisy machine.
 */
export function schedule(counts: Record<string, number>): ScheduledCall[] {
  const calls: Array<ScheduledCall & { at: number; order: number }> = [];
  Object.entries(counts).forEach(([stream, n], order) => {
    for (let index = 0; index < n; index++) calls.push({ stream, index, at: (index + 0.5) / n, order });
  });
  calls.sort((a, b) => a.at - b.at || a.order - b.order);
  return calls.map(({ stream, index }) => ({ stream, index }));
}

/** Runs the streams one call at a time in schedule() order; returns each call's wall time in ms. */
export async function interleave<K extends string>(streams: Record<K, Stream>): Promise<Record<K, number[]>> {
  const entries = Object.entries(streams) as Array<[K, Stream]>;
  const out = Object.fromEntries(entries.map(([k]) => [k, [] as number[]])) as Record<K, number[]>;
  const counts = Object.fromEntries(entries.map(([k, s]) => [k, s.count])) as Record<K, number>;
  for (const call of schedule(counts)) {
    const key = call.stream as K;
    const started = performance.now();
    await streams[key].run(call.index);
    out[key].push(performance.now() - started);
  }
  return out;
}
