import {
  checkTargets,
  computeRatios,
  RESULT_VERSION,
  type BenchResult,
} from '../../../bench/lib/bench-result';
import { summarize } from '../../../bench/lib/stats';

/** A well-formed results object built from made-up samples (no timing involved). */
export function sampleResult(
  over: { recall?: number[]; encode?: number[]; factsPerSec?: number } = {},
): BenchResult {
  const embedOne = summarize([3, 3, 4, 5]);
  const embedBatchPerText = summarize([2, 2.5]);
  const recall = summarize(over.recall ?? [8, 9, 10, 30]);
  const recallFiltered = summarize([9, 10, 12]);
  const recallTextOnly = summarize([0.5, 0.6]);
  const encode = summarize(over.encode ?? [12, 14]);
  const factsPerSec = over.factsPerSec ?? 400;
  const msPerFact = 1000 / factsPerSec;
  const targets = checkTargets({ recall, encode, factsPerSec });
  return {
    version: RESULT_VERSION,
    name: 'memory-10k',
    timestamp: '2025-11-24T05:41:07.123Z',
    command: 'tsx bench/run.ts',
    machine: {
      platform: 'linux',
      arch: 'x64',
      node: 'v20.19.0',
      cpus: 2,
      cpuModel: 'test cpu',
      totalMemMb: 4096,
      loadavg: [0.5, 0.4, 0.3],
    },
    config: {
      quick: false,
      facts: 10_000,
      recalls: 200,
      filteredRecalls: 100,
      textOnlyRecalls: 200,
      encodes: 100,
      warmup: 20,
      chunk: 256,
      threads: 2,
      limit: 10,
      diskCache: true,
      mergeThreshold: 1.01,
      model: 'twin',
      modelId: 'minilm:0123456789abcdef',
      dataDir: '/somewhere/shared/data',
    },
    baseline: {
      embedOneTokens: 16,
      embedBatchSize: 32,
      embedBatchTokens: 40,
      embedOne,
      embedBatchPerText,
      embedOneEarly: summarize([3, 4]),
      embedOneLate: summarize([3, 5]),
    },
    import: {
      facts: 10_000,
      seconds: 10_000 / factsPerSec,
      factsPerSec,
      msPerFact,
      chunkMs: summarize([600, 650]),
      tokensPerFact: { mean: 41, p50: 38, p95: 80 },
      created: 9990,
      duplicate: 10,
      merged: 0,
    },
    recall,
    recallFiltered,
    recallTextOnly,
    encode,
    ratios: computeRatios({
      embedOne,
      embedBatchPerText,
      recall,
      recallFiltered,
      recallTextOnly,
      encode,
      msPerFact,
    }),
    recallResults: { hybrid: 10, filtered: 9.5, textOnly: 7.25 },
    measuredCacheHits: 0,
    db: { facts: 10_120, bytes: 60_000_000 },
    targets,
    pass: targets.every((t) => t.pass),
  };
}
