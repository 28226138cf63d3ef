import {
  checkTargets,
  computeRatios,
  RESULT_VERSION,
  withHttpRatios,
  type BenchResult,
  type HttpPhaseRaw,
} from '../../../bench/lib/bench-result';
import { summarize } from '../../../bench/lib/stats';

/** One HTTP load phase with made-up figures. */
export function sampleHttpPhase(connections: number, latency: number[], reqPerSec = 250): HttpPhaseRaw {
  return {
    connections,
    seconds: 15,
    requests: Math.round(reqPerSec * 15),
    reqPerSec,
    latency: summarize(latency),
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    eventLoopDelay: { resolutionMs: 5, mean: 1.2, p50: 1.1, p99: 4.5, max: 9.8 },
    serverCpu: 0.6,
    db: { steps: { knn: { n: 3750, meanMs: 2.5 }, fts: { n: 3750, meanMs: 1.5 } }, busy: 0.6 },
    embedding: { batches: 1000, texts: 3750, cacheHits: 0 },
    queriesReused: 0,
  };
}

/** A well-formed results object built from made-up samples (no timing involved). */
export function sampleResult(
  over: {
    recall?: number[];
    encode?: number[];
    factsPerSec?: number;
    /** Add an http section (1, 8, 32 connections); `http8` overrides the 8-connection phase. */
    http?: boolean;
    http8?: { reqPerSec: number; latency: number[] };
  } = {},
): BenchResult {
  const embedOne = summarize([3, 3, 4, 5]);
  const embedBatchPerText = summarize([2, 2.5]);
  const recall = summarize(over.recall ?? [8, 9, 10, 30]);
  const recallFiltered = summarize([9, 10, 12]);
  const recallTextOnly = summarize([0.5, 0.6]);
  const encode = summarize(over.encode ?? [12, 14]);
  const factsPerSec = over.factsPerSec ?? 400;
  const msPerFact = 1000 / factsPerSec;
  const httpPhases =
    over.http || over.http8
      ? [
          sampleHttpPhase(1, [6, 7, 9], 140),
          sampleHttpPhase(8, over.http8?.latency ?? [25, 30, 45], over.http8?.reqPerSec ?? 260),
          sampleHttpPhase(32, [110, 120, 180], 270),
        ]
      : null;
  const targets = checkTargets({ recall, encode, factsPerSec, ...(httpPhases ? { http: httpPhases } : {}) });
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
    ...(httpPhases
      ? {
          http: {
            phaseSeconds: 15,
            warmupSeconds: 3,
            queryWords: 12,
            queries: 37_600,
            phases: withHttpRatios(httpPhases, { recall, embedOne }),
          },
        }
      : {}),
    targets,
    pass: targets.every((t) => t.pass),
  };
}
