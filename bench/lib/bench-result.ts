import { z } from 'zod';
import { ratio, type LatencySummary } from './stats';

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();

export const LatencySummarySchema = z.strictObject({
  n: z.number().int().positive(),
  min: nonNegative,
  mean: nonNegative,
  p50: nonNegative,
  p95: nonNegative,
  p99: nonNegative,
  max: nonNegative,
});

export const TargetCheckSchema = z.strictObject({
  id: z.string(),
  label: z.string(),
  value: z.number().finite(),
  op: z.enum(['<=', '>=']),
  target: z.number().finite(),
  unit: z.string(),
  pass: z.boolean(),
});
export type TargetCheck = z.infer<typeof TargetCheckSchema>;

const count = z.number().int().nonnegative();

/** One HTTP load phase: autocannon at a fixed number of connections for a fixed time. */
export const HttpPhaseSchema = z.strictObject({
  connections: z.number().int().positive(),
  seconds: positive,
  /** 2xx responses; throughput and latency count only these. */
  requests: count,
  reqPerSec: nonNegative,
  /** ms from request written to response read, as the load generator saw it. */
  latency: LatencySummarySchema,
  non2xx: count,
  errors: count,
  timeouts: count,
  /** The server process's own event-loop delay during the phase (perf_hooks.monitorEventLoopDelay), ms. */
  eventLoopDelay: z.strictObject({
    resolutionMs: positive,
    mean: nonNegative,
    p50: nonNegative,
    p99: nonNegative,
    max: nonNegative,
  }),
  /** Server process CPU time / wall time (1 = one core busy); the embedder worker is not included. */
  serverCpu: nonNegative,
  /**
   * Synchronous database steps on the server's thread during the phase (Memory.onQueryTimed):
   * per step type (knn, fts, ...) how many ran and their mean ms, and `busy`, their total time
   * over the phase's wall time (the share of the event loop SQLite held).
   */
  db: z.strictObject({
    steps: z.record(z.string(), z.strictObject({ n: count, meanMs: nonNegative })),
    busy: nonNegative,
  }),
  /** Embedder worker traffic during the phase: batches sent, texts in them, cache hits (should be 0). */
  embedding: z.strictObject({ batches: count, texts: count, cacheHits: count }),
  /** Requests that had to reuse a query because the pool ran out. */
  queriesReused: count,
});
export type HttpPhaseRaw = z.infer<typeof HttpPhaseSchema>;

export const HttpPhaseWithRatiosSchema = HttpPhaseSchema.extend({
  /** HTTP latency over the in-process recall (same percentile) and over the embed-one floor. */
  ratios: z.strictObject({
    p50xRecall: positive,
    p95xRecall: positive,
    p50xFloor: positive,
    p95xFloor: positive,
  }),
});
export type HttpPhase = z.infer<typeof HttpPhaseWithRatiosSchema>;

export const HttpResultSchema = z.strictObject({
  /** Requested length of each measured phase, and of the unmeasured warm-up load before them. */
  phaseSeconds: positive,
  warmupSeconds: nonNegative,
  /** Queries are the first queryWords words of unused sentences; pool size. */
  queryWords: z.number().int().positive(),
  queries: z.number().int().positive(),
  phases: z.array(HttpPhaseWithRatiosSchema).min(1),
});
export type HttpResult = z.infer<typeof HttpResultSchema>;

/** A search step of recall alone: the engine's in-memory index against its exact SQLite baseline. */
export const StepComparisonSchema = z.strictObject({
  queries: z.number().int().positive(),
  k: z.number().int().positive(),
  /** Entries in the in-memory index. */
  size: z.number().int().nonnegative(),
  /** Building the in-memory index from SQLite, ms. */
  loadMs: nonNegative,
  index: LatencySummarySchema,
  /** sqlite-vec's exact float scan (vectors) or FTS5's bm25 (words). */
  baseline: LatencySummarySchema,
  /** Share of the baseline's top k the index returned, mean and worst query. */
  recallAtK: z.number().min(0).max(1),
  minRecallAtK: z.number().min(0).max(1),
  /** Queries whose ranked list equals the baseline's exactly. */
  identical: z.number().int().nonnegative(),
});
export type StepComparison = z.infer<typeof StepComparisonSchema>;

/** Bump when a field changes meaning, so old results files are not compared with new ones by mistake. */
export const RESULT_VERSION = 1;

export const BenchResultSchema = z.strictObject({
  version: z.literal(RESULT_VERSION),
  name: z.string(),
  timestamp: z.string(),
  command: z.string(),
  machine: z.strictObject({
    platform: z.string(),
    arch: z.string(),
    node: z.string(),
    cpus: z.number().int().positive(),
    cpuModel: z.string(),
    totalMemMb: positive,
    loadavg: z.array(nonNegative),
  }),
  config: z.strictObject({
    quick: z.boolean(),
    facts: z.number().int().positive(),
    recalls: z.number().int().positive(),
    filteredRecalls: z.number().int().positive(),
    textOnlyRecalls: z.number().int().positive(),
    encodes: z.number().int().positive(),
    warmup: z.number().int().nonnegative(),
    chunk: z.number().int().positive(),
    threads: z.number().int().positive(),
    /** Embedder worker processes (absent in results written before the pool: one). */
    workers: z.number().int().positive().optional(),
    limit: z.number().int().positive(),
    diskCache: z.boolean(),
    /** Near-duplicate merge threshold the memory ran with (above 1 = merging off). */
    mergeThreshold: positive,
    model: z.string(),
    modelId: z.string(),
    /** Where unmeasured base memories are cached (null: --no-cache; absent in older results). */
    cacheDir: z.string().nullable().optional(),
    dataDir: z.string(),
  }),
  /**
   * The embedding floor through the same client, disk cache bypassed, unique texts: the one-text
   * samples interleaved with the recalls and encodes, the batch samples with the import chunks.
   */
  baseline: z.strictObject({
    /** One text of 16 tokens ([CLS] and [SEP] included) per call. */
    embedOneTokens: z.number().int().positive(),
    /** Batches of this many texts of embedBatchTokens tokens; per-text time = batch time / size. */
    embedBatchSize: z.number().int().positive(),
    embedBatchTokens: z.number().int().positive(),
    embedOne: LatencySummarySchema,
    embedBatchPerText: LatencySummarySchema,
    /** The first and second half of the one-text samples: how much the machine drifted. */
    embedOneEarly: LatencySummarySchema,
    embedOneLate: LatencySummarySchema,
  }),
  import: z.strictObject({
    /** Facts of the measured slice (the last ones imported; older results: the whole import). */
    facts: z.number().int().positive(),
    /** Facts in the memory before the slice, imported unmeasured or copied from the cache. */
    baseFacts: z.number().int().nonnegative().optional(),
    baseCached: z.boolean().optional(),
    seconds: positive,
    factsPerSec: positive,
    msPerFact: positive,
    /**
     * 'importInChunks': one pipelined Memory.importInChunks call, as `hippo import` runs
     * (absent in older results: encodeMany chunk by chunk, floor samples between the chunks).
     */
    method: z.enum(['importInChunks']).optional(),
    /** Wall time per chunk (for importInChunks, between the ends of consecutive chunks' writes). */
    chunkMs: LatencySummarySchema,
    /** The batch floor per text sampled right before and right after the import (importInChunks). */
    floorBefore: LatencySummarySchema.optional(),
    floorAfter: LatencySummarySchema.optional(),
    /**
     * Bare batched inference (batches of 32, sorted by length as the import groups them) of
     * texts like the imported ones: the next facts of the stream, half before and half after
     * the import. Absent in older results.
     */
    ceiling: z
      .strictObject({
        texts: z.number().int().positive(),
        textsPerSec: positive,
        beforePerSec: positive,
        afterPerSec: positive,
      })
      .optional(),
    /** Model tokens per imported fact, [CLS] and [SEP] included: compare with the 40-token batch floor. */
    tokensPerFact: z.strictObject({ mean: positive, p50: positive, p95: positive }),
    created: z.number().int().nonnegative(),
    duplicate: z.number().int().nonnegative(),
    merged: z.number().int().nonnegative(),
  }),
  recall: LatencySummarySchema,
  recallFiltered: LatencySummarySchema,
  recallTextOnly: LatencySummarySchema,
  encode: LatencySummarySchema,
  /** Each figure over the floor measured in the same run; the noise-robust way to compare runs. */
  ratios: z.strictObject({
    recallP50: positive,
    recallP95: positive,
    recallFilteredP50: positive,
    recallFilteredP95: positive,
    recallTextOnlyP50: positive,
    encodeP50: positive,
    encodeP95: positive,
    importMsPerFact: positive,
  }),
  /** Averages of results per measured recall (an empty recall would be suspiciously fast). */
  recallResults: z.strictObject({ hybrid: nonNegative, filtered: nonNegative, textOnly: nonNegative }),
  /** Embedding-cache hits during measured calls; anything but 0 means a figure hides embedding cost. */
  measuredCacheHits: z.number().int().nonnegative(),
  db: z.strictObject({ facts: z.number().int().positive(), bytes: positive }),
  /** Recall's database part alone for an embedded query: word + vector search at recall's depth, rows. */
  dbStep: LatencySummarySchema.optional(),
  /**
   * Bare embedding throughput: queriesPerSec, single-text calls with `concurrency` in flight;
   * textsPerSec, 1000 / the batch floor's P50 ms per text (batches of 32, all the worker's threads).
   */
  embedCeiling: z
    .strictObject({
      concurrency: z.number().int().positive(),
      queries: z.number().int().positive(),
      queriesPerSec: positive,
      textsPerSec: positive,
    })
    .optional(),
  /**
   * Peak RSS (MB) of the bench process (memory, server, bench data: informational) and of its
   * embedder worker after all the bench's load (null where /proc is missing).
   */
  rss: z.strictObject({ benchMb: positive, embedderMb: positive.nullable() }).optional(),
  /**
   * A fresh process opening the database and answering its first hybrid recall, ms; then, once its
   * indexes loaded and it answered `rss.steadyRecalls` more recalls, its RSS and its embedder
   * worker's, MB: the app with the memory open and none of the bench's data. `runner` and `rss` are
   * absent in results from before they were recorded (the probe then ran under tsx).
   */
  coldStart: z
    .strictObject({
      totalMs: positive,
      bootMs: nonNegative,
      openMs: nonNegative,
      firstRecallMs: nonNegative,
      results: z.number().int().nonnegative(),
      mode: z.string(),
      /** 'bundled': plain JavaScript bundled as the CLI is; 'tsx': TypeScript under the tsx loader. */
      runner: z.enum(['bundled', 'tsx']).optional(),
      rss: z
        .strictObject({
          steadyRecalls: z.number().int().nonnegative(),
          appPeakMb: positive,
          appMb: positive.nullable(),
          workerPeakMb: positive.nullable(),
          workerMb: positive.nullable(),
        })
        .optional(),
    })
    .optional(),
  /** Recall's two search steps alone (absent in results written before the in-memory indexes). */
  searchSteps: z.strictObject({ vector: StepComparisonSchema, text: StepComparisonSchema }).optional(),
  /** HTTP recall under load (absent with --no-http). */
  http: HttpResultSchema.optional(),
  targets: z.array(TargetCheckSchema),
  pass: z.boolean(),
});
export type BenchResult = z.infer<typeof BenchResultSchema>;

/** The targets on a 2-core machine. */
export const TARGETS = {
  recallP50Ms: 15,
  recallP95Ms: 40,
  encodeP50Ms: 25,
  importFactsPerSec: 150,
  /** HTTP recall at HTTP_TARGET_CONNECTIONS connections. */
  httpReqPerSec: 200,
  httpP95Ms: 50,
  /** Share of exact search's top 10 the approximate vector step must keep. */
  vectorRecallAt10: 0.99,
} as const;

export const HTTP_TARGET_CONNECTIONS = 8;

export function checkTargets(m: {
  recall: LatencySummary;
  encode: LatencySummary;
  factsPerSec: number;
  /** Mean recall@k of the in-memory vector index against exact search. */
  vectorRecallAtK?: number;
  /** HTTP phases; the targets apply to the one at HTTP_TARGET_CONNECTIONS, if any. */
  http?: ReadonlyArray<Pick<HttpPhaseRaw, 'connections' | 'reqPerSec' | 'latency'>>;
}): TargetCheck[] {
  const le = (id: string, label: string, value: number, target: number): TargetCheck => ({
    id,
    label,
    value,
    op: '<=',
    target,
    unit: 'ms',
    pass: value <= target,
  });
  const checks: TargetCheck[] = [
    le('recall-p50', 'recall P50', m.recall.p50, TARGETS.recallP50Ms),
    le('recall-p95', 'recall P95', m.recall.p95, TARGETS.recallP95Ms),
    le('encode-p50', 'encode P50', m.encode.p50, TARGETS.encodeP50Ms),
    {
      id: 'import-rate',
      label: 'import',
      value: m.factsPerSec,
      op: '>=',
      target: TARGETS.importFactsPerSec,
      unit: 'facts/s',
      pass: m.factsPerSec >= TARGETS.importFactsPerSec,
    },
  ];
  if (m.vectorRecallAtK !== undefined) {
    checks.push({
      id: 'vector-recall',
      label: 'vector index recall@10 vs exact',
      value: m.vectorRecallAtK,
      op: '>=',
      target: TARGETS.vectorRecallAt10,
      unit: 'share',
      pass: m.vectorRecallAtK >= TARGETS.vectorRecallAt10,
    });
  }
  const http = m.http?.find((p) => p.connections === HTTP_TARGET_CONNECTIONS);
  if (http) {
    const c = HTTP_TARGET_CONNECTIONS;
    checks.push(
      {
        id: `http-rate-${c}`,
        label: `HTTP recall, ${c} connections`,
        value: http.reqPerSec,
        op: '>=',
        target: TARGETS.httpReqPerSec,
        unit: 'req/s',
        pass: http.reqPerSec >= TARGETS.httpReqPerSec,
      },
      le(`http-p95-${c}`, `HTTP recall P95, ${c} connections`, http.latency.p95, TARGETS.httpP95Ms),
    );
  }
  return checks;
}

/** Each HTTP phase's latency over the in-process recall and over the embed-one floor of the same run. */
export function withHttpRatios(
  phases: readonly HttpPhaseRaw[],
  m: { recall: LatencySummary; embedOne: LatencySummary },
): HttpPhase[] {
  const r = (value: number, baseline: number): number => {
    const x = ratio(value, baseline);
    if (x === null) throw new Error(`cannot take a ratio against a baseline of ${baseline} ms`);
    return x;
  };
  return phases.map((p) => ({
    ...p,
    ratios: {
      p50xRecall: r(p.latency.p50, m.recall.p50),
      p95xRecall: r(p.latency.p95, m.recall.p95),
      p50xFloor: r(p.latency.p50, m.embedOne.p50),
      p95xFloor: r(p.latency.p95, m.embedOne.p95),
    },
  }));
}

/** Ratios against the floor; a zero floor (impossible in practice) would make them meaningless. */
export function computeRatios(m: {
  embedOne: LatencySummary;
  embedBatchPerText: LatencySummary;
  recall: LatencySummary;
  recallFiltered: LatencySummary;
  recallTextOnly: LatencySummary;
  encode: LatencySummary;
  msPerFact: number;
}): BenchResult['ratios'] {
  const r = (value: number, baseline: number): number => {
    const x = ratio(value, baseline);
    if (x === null) throw new Error(`cannot take a ratio against a baseline of ${baseline} ms`);
    return x;
  };
  return {
    recallP50: r(m.recall.p50, m.embedOne.p50),
    recallP95: r(m.recall.p95, m.embedOne.p95),
    recallFilteredP50: r(m.recallFiltered.p50, m.embedOne.p50),
    recallFilteredP95: r(m.recallFiltered.p95, m.embedOne.p95),
    recallTextOnlyP50: r(m.recallTextOnly.p50, m.embedOne.p50),
    encodeP50: r(m.encode.p50, m.embedOne.p50),
    encodeP95: r(m.encode.p95, m.embedOne.p95),
    importMsPerFact: r(m.msPerFact, m.embedBatchPerText.p50),
  };
}

/** File-name-safe UTC timestamp: 2025-11-24T05-41-07Z. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

/** memory-10k, memory-2.5k, memory-500. */
export function defaultResultName(facts: number): string {
  return facts >= 1000 ? `memory-${+(facts / 1000).toFixed(1)}k` : `memory-${facts}`;
}
