/**
 * The vector index's first pass on one core and split across two, interleaved query by query in
 * one process: two indexes of the same random unit vectors, one with helper threads off.
 * Prints P50 per search (whole search, and the first pass alone) and whether every answer matched.
 *
 *   npx tsx scripts/perf/parallel-scan.ts [--vectors 100000] [--queries 300]
 */
import { parseArgs } from 'node:util';
import { summarize } from '../../bench/lib/stats';
import { VectorIndex, type SearchTiming } from '../../src/main/memory/vector-index';
import { normalize } from '../../src/main/memory/vector';
import { mulberry32 } from '../model-gen/prng';

const { values } = parseArgs({
  options: { vectors: { type: 'string', default: '100000' }, queries: { type: 'string', default: '300' } },
});
const n = Number(values.vectors);
const queries = Number(values.queries);
const dim = 384;
const next = mulberry32(7);
const random = (): Float32Array =>
  normalize(Float32Array.from({ length: dim }, () => next() / 4294967296 - 0.5));
const meta = { space: 'personal', category: 'general', confidence: 1, createdAt: 0, labelId: 0 };

async function main(): Promise<void> {
  const alone = new VectorIndex({ helpers: 0 });
  const split = new VectorIndex({ helpers: 1 });
  for (let i = 0; i < n; i++) {
    const v = random();
    alone.upsert({ id: i + 1, vector: v, ...meta });
    split.upsert({ id: i + 1, vector: v, ...meta });
  }
  const qs = Array.from({ length: queries }, random);
  // The first search starts the helper; wait until it is ready.
  split.search('personal', qs[0]!, 50);
  const until = Date.now() + 10_000;
  while (split.helperThreads === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  if (split.helperThreads === 0) throw new Error('no helper thread became ready (one core only?)');
  const ms = {
    alone: [] as number[],
    split: [] as number[],
    aloneFirst: [] as number[],
    splitFirst: [] as number[],
  };
  const timing: SearchTiming = { firstPassMs: 0, rescoreMs: 0 };
  let same = 0;
  for (const q of qs) {
    let t = performance.now();
    const a = alone.search('personal', q, 50, {}, timing);
    ms.alone.push(performance.now() - t);
    ms.aloneFirst.push(timing.firstPassMs - (timing.selectMs ?? 0));
    t = performance.now();
    const b = split.search('personal', q, 50, {}, timing);
    ms.split.push(performance.now() - t);
    ms.splitFirst.push(timing.firstPassMs - (timing.selectMs ?? 0));
    if (a.map((h) => `${h.id}:${h.rank}`).join() === b.map((h) => `${h.id}:${h.rank}`).join()) same++;
  }
  const p50 = (xs: number[]) => summarize(xs).p50.toFixed(2);
  console.log(`${n} vectors of ${dim} dimensions, ${queries} queries, k = 50, P50 ms`);
  console.log(`one core:  search ${p50(ms.alone)}  kernel ${p50(ms.aloneFirst)}`);
  console.log(`two cores: search ${p50(ms.split)}  kernel ${p50(ms.splitFirst)}`);
  console.log(`identical answers: ${same}/${queries}`);
  alone.close();
  split.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
