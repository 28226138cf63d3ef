import { describe, expect, it } from 'vitest';
import { interleave, schedule } from '../../../bench/lib/interleave';

describe('schedule', () => {
  it('spreads each stream evenly over the timeline, ties in stream order', () => {
    const order = schedule({ a: 4, b: 2 }).map((c) => `${c.stream}${c.index}`);
    expect(order).toEqual(['a0', 'b0', 'a1', 'a2', 'b1', 'a3']);
  });

  it('keeps each stream in index order and schedules every call exactly once', () => {
    const calls = schedule({ floor: 200, recall: 200, filtered: 100, encode: 100, text: 7 });
    expect(calls).toHaveLength(607);
    for (const [stream, n] of Object.entries({
      floor: 200,
      recall: 200,
      filtered: 100,
      encode: 100,
      text: 7,
    })) {
      expect(calls.filter((c) => c.stream === stream).map((c) => c.index)).toEqual(
        Array.from({ length: n }, (_, i) => i),
      );
    }
  });

  it('equal counts alternate, and a stream of zero calls is left out', () => {
    expect(schedule({ x: 2, y: 2, z: 0 }).map((c) => c.stream)).toEqual(['x', 'y', 'x', 'y']);
  });
});

describe('interleave', () => {
  it('runs the calls one at a time in schedule order and times each, per stream', async () => {
    const seen: string[] = [];
    let running = 0;
    const stream = (name: string, count: number) => ({
      count,
      run: async (i: number) => {
        running++;
        expect(running).toBe(1);
        seen.push(`${name}${i}`);
        await new Promise((r) => setImmediate(r));
        running--;
      },
    });
    const out = await interleave({ a: stream('a', 4), b: stream('b', 2) });
    expect(seen).toEqual(['a0', 'b0', 'a1', 'a2', 'b1', 'a3']);
    expect(out.a).toHaveLength(4);
    expect(out.b).toHaveLength(2);
    for (const d of [...out.a, ...out.b]) expect(d).toBeGreaterThanOrEqual(0);
  });
});
