import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SPACE, type SearchResult } from '../../src/shared/contract';
import { createHash } from 'node:crypto';
import { createNodeEmbedderPool } from '../../src/main/embedder/embedder-client';
import { MIGRATIONS } from '../../src/main/memory/migrations';
import type { ManagedEmbedder } from '../../src/main/embedder/embedder-pool';
import { Memory } from '../../src/main/memory/memory';
import { loadTokenizer } from '../../src/utility/tokenize';
import {
  CATEGORY_COUNT,
  categoryOf,
  factStream,
  pickFact,
  pickQueryText,
  readJsonl,
  resolveDataFiles,
  textsOfTokenCount,
  UniqueTexts,
  type FactLine,
} from './bench-data';
import { benchModelDir, type BenchOptions } from './bench-options';
import {
  BenchResultSchema,
  checkTargets,
  computeRatios,
  defaultResultName,
  RESULT_VERSION,
  withHttpRatios,
  type BenchResult,
  type HttpPhaseRaw,
} from './bench-result';
import { firstWords, HTTP_POOL_RATE, HTTP_QUERY_WORDS, httpQueries, runHttpBench } from './http-bench';
import { interleave } from './interleave';
import { summarize, timeEach } from './stats';
import { SwitchableCache } from './switchable-cache';
import { runSearchStepBench } from './search-step-bench';
import { bundleColdStartProbe, measureColdStart } from './cold-start';
import { childPids, ownPeakRssMb, peakRssMb } from './proc-rss';

/** Facts of the measured import slice: the last ones imported, on top of a (cached) memory of the rest. */
export const IMPORT_SLICE = 5000;
/** Concurrent single-text embed calls of the query ceiling (the HTTP target's 8 connections). */
export const CEILING_CONCURRENCY = 8;
/** Recalls the cold-start process answers after its indexes loaded, before its RSS is read. */
export const COLD_STEADY_RECALLS = 30;

/** The measured slice of an import of `facts`: IMPORT_SLICE, or half of a smaller memory. */
export function importSliceOf(facts: number): number {
  return Math.min(IMPORT_SLICE, Math.ceil(facts / 2));
}

/** The cache file of a memory's unmeasured base: one per (size, data, model, schema). */
export function baseCacheFile(
  dir: string,
  key: { baseFacts: number; dataHash: string; modelId: string; schema: number },
): string {
  const model = key.modelId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return path.join(dir, `base-${key.baseFacts}-${key.dataHash}-${model}-s${key.schema}.db`);
}

/** Results per query in the search-step comparison: the recall@10 the quality guard reads. */
const STEP_K = 10;

export interface BenchEnv {
  repoRoot: string;
  env?: Record<string, string | undefined>;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /** Recorded in the results so a figure can be reproduced. */
  command?: string;
  now?: () => Date;
}

/** One 16-token text per call ([CLS] + 14 + [SEP]), and batches of 32 texts of 40 tokens. */
const EMBED_ONE_TOKENS = 16;
const EMBED_BATCH_SIZE = 32;
const EMBED_BATCH_TOKENS = 40;
/** Texts of the import's own ceiling (bare batched inference of texts like the imported ones). */
const IMPORT_CEILING_TEXTS = 320;

/**
 * The twin's random weights put every pair of texts near cosine 0.9, so the default near-duplicate
 * merge (0.95) would fold most of the import into a few facts. The merge check (a KNN per new fact)
 * still runs; only merging is off, which keeps every sentence a fact as it would be with the real model.
 */
export const BENCH_TUNING = { mergeThreshold: 1.01 } as const;

function* iterate<T>(items: readonly T[], from = 0): Generator<T> {
  for (let i = from; i < items.length; i++) yield items[i]!;
}

function* chain<T>(...parts: Iterator<T>[]): Generator<T> {
  for (const part of parts) {
    for (let next = part.next(); !next.done; next = part.next()) yield next.value;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Builds a memory of real sentences with the twin MiniLM model in a temp database on disk, then
 * measures, one call at a time: bulk import as `hippo import` runs it (pipelined chunks, the batch
 * embedding floor sampled right before and after), then hybrid / filtered / text-only recall, single encodes and the one-text embedding
 * floor, interleaved so each figure and its floor share the machine's load. Every embedded text is
 * new to the client, so no figure is a cache hit.
 */
export async function runMemoryBench(opts: BenchOptions, benv: BenchEnv): Promise<BenchResult> {
  const log = benv.log ?? (() => undefined);
  const env = benv.env ?? process.env;
  const started = (benv.now ?? (() => new Date()))();
  const data = resolveDataFiles(benv.repoRoot, env);
  const modelDir = benchModelDir(opts.model, benv.repoRoot, env);

  // --- texts: every measured call gets one nobody embedded before ---
  const lines = readJsonl(data.facts, pickFact);
  const queries = readJsonl(data.queries, pickQueryText);
  // Issue 7's fact stream: the sentences, then same-source pairs, triples...; what follows the
  // imported facts is the pool of fresh texts for measured calls.
  const stream = factStream(lines);
  const importFacts: FactLine[] = [];
  while (importFacts.length < opts.facts) {
    const next = stream.next();
    if (next.done) throw new Error(`--facts ${opts.facts}: the fact stream has only ${importFacts.length}`);
    importFacts.push(next.value);
  }
  const unique = new UniqueTexts();
  unique.reserve(importFacts.map((f) => f.content));
  const fresh = stream;
  const freshTexts = (function* () {
    for (const f of fresh) yield f.content;
  })();
  // The facts right after the import in the stream: texts like the imported ones (at 100k, pairs
  // and triples of sentences, longer than the 40-token ceiling texts), for the import's own ceiling.
  const importCeilingTexts = unique
    .take<FactLine>(fresh, IMPORT_CEILING_TEXTS, 'import ceiling texts', (f) => f.content)
    .map((f) => f.content);
  const encodeFacts = unique.take<FactLine>(fresh, opts.warmup + opts.encodes, 'encodes', (f) => f.content);
  const queryPool = chain(iterate(queries), freshTexts);
  const recallQueries = unique.take(queryPool, opts.recalls, 'recalls');
  const filteredQueries = unique.take(queryPool, opts.filteredRecalls, 'filtered recalls');
  const recallWarmup = unique.take(freshTexts, opts.warmup * 2 + 1, 'recall warm-up');
  const coldQuery = unique.take(freshTexts, 1, 'cold-start query')[0]!;
  const steadyQueries = unique.take(freshTexts, COLD_STEADY_RECALLS, 'cold-start steady queries');
  // Query-like texts (the first words of a sentence, as the HTTP queries) for the query ceiling.
  const ceilingTexts = unique.take(
    (function* () {
      for (const t of freshTexts) yield firstWords(t, HTTP_QUERY_WORDS);
    })(),
    opts.ceilingQueries + CEILING_CONCURRENCY,
    'ceiling queries',
  );
  const tokenizer = loadTokenizer(modelDir);
  const countTokens = (t: string): number => tokenizer.encodeContent(t).length;
  const oneTexts = unique.take(
    textsOfTokenCount(freshTexts, countTokens, EMBED_ONE_TOKENS - 2),
    opts.warmup + opts.embedOneSamples,
    '16-token texts',
  );
  const batchTexts = unique.take(
    textsOfTokenCount(freshTexts, countTokens, EMBED_BATCH_TOKENS - 2),
    EMBED_BATCH_SIZE * (1 + opts.embedBatchSamples),
    '40-token texts',
  );

  const factTokens = summarize(importFacts.map((f) => countTokens(f.content) + 2));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-bench-'));
  const dbPath = path.join(tmp, 'bench.db');
  const cache = new SwitchableCache();
  let embedder: ManagedEmbedder | null = null;
  let memory: Memory | null = null;
  let textMemory: Memory | null = null;
  try {
    embedder = createNodeEmbedderPool({
      modelDir,
      threads: opts.threads,
      workers: opts.workers,
      cache: opts.diskCache ? cache : undefined,
    });
    const t0 = performance.now();
    if (!(await embedder.ready())) {
      throw new Error(`the embedder did not start: ${embedder.lastError?.message ?? 'unknown error'}`);
    }
    log(`model loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s (${embedder.modelId})`);
    const client = embedder;
    const cacheHits = (): number => client.stats().lruHits + client.stats().diskHits;
    let measuredCacheHits = 0;
    const measured = async <T>(run: () => Promise<T>): Promise<T> => {
      const before = cacheHits();
      const out = await run();
      measuredCacheHits += cacheHits() - before;
      return out;
    };

    // --- the embedding floor: unique texts, disk cache bypassed ---
    const floorOne = (t: string): Promise<unknown> => withoutDiskCache(() => client.embed([t]));
    const floorBatch = (b: string[]): Promise<unknown> => withoutDiskCache(() => client.embed(b));
    const withoutDiskCache = async <T>(run: () => Promise<T>): Promise<T> => {
      cache.enabled = false;
      try {
        return await run();
      } finally {
        cache.enabled = true;
      }
    };
    const batches = chunks(batchTexts, EMBED_BATCH_SIZE);
    const oneWarmup = oneTexts.slice(0, opts.warmup);
    const oneMeasured = oneTexts.slice(opts.warmup);
    await timeEach(oneWarmup, floorOne);
    await floorBatch(batches[0]!);

    // --- the memory: an unmeasured base of all but the last facts (cached across runs), then the
    // measured slice imported on top of it, with the batch floor sampled right before and after ---
    const items = importFacts.map((f) => ({
      content: f.content,
      source: f.source,
      category: categoryOf(f.source),
    }));
    const sliceCount = importSliceOf(items.length);
    const baseItems = items.slice(0, items.length - sliceCount);
    const sliceItems = items.slice(items.length - sliceCount);
    const dataHash = createHash('sha256').update(fs.readFileSync(data.facts)).digest('hex').slice(0, 12);
    const schema = Math.max(...MIGRATIONS.map((m) => m.version));
    const cacheFile =
      opts.cacheDir && baseItems.length > 0
        ? baseCacheFile(opts.cacheDir, {
            baseFacts: baseItems.length,
            dataHash,
            modelId: client.modelId ?? 'unknown',
            schema,
          })
        : null;
    let cached = false;
    if (cacheFile && fs.existsSync(cacheFile)) {
      fs.copyFileSync(cacheFile, dbPath);
      cached = true;
      log(`base of ${baseItems.length} facts from the cache (${cacheFile})`);
    } else if (baseItems.length > 0) {
      const base = Memory.open({ dbPath, embedder: client, tuning: BENCH_TUNING });
      cache.target = base.embeddingCache;
      try {
        const chunkCount = Math.ceil(baseItems.length / opts.chunk);
        const every = Math.max(1, Math.ceil(chunkCount / 20));
        let chunk = 0;
        const t = performance.now();
        await base.importInChunks(baseItems, {
          chunkSize: opts.chunk,
          onChunk: (_results, done) => {
            if (++chunk % every === 0 || done === baseItems.length) {
              log(
                `base ${done}/${baseItems.length} (unmeasured, ${(done / ((performance.now() - t) / 1000)).toFixed(0)} facts/s)`,
              );
            }
          },
        });
      } finally {
        cache.target = null;
        await base.close();
      }
      if (cacheFile) {
        // Closing the last connection checkpoints the WAL into the file, so the file alone is the memory.
        if (fs.existsSync(`${dbPath}-wal`) && fs.statSync(`${dbPath}-wal`).size > 0) {
          throw new Error(`${dbPath}-wal is not empty after close: cannot cache the base`);
        }
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        const part = `${cacheFile}.${process.pid}.part`;
        fs.copyFileSync(dbPath, part);
        fs.renameSync(part, cacheFile);
        log(`cached the base as ${cacheFile}`);
      }
    }
    memory = Memory.open({ dbPath, embedder: client, tuning: BENCH_TUNING });
    cache.target = memory.embeddingCache;
    const mem = memory;
    // Memory.open loads the in-memory indexes in the background; until they are in, the import's
    // near-duplicate checks fall back to sqlite-vec's exact scan. A user's import starts long after
    // the app opened, so the clock starts once they are loaded (and one recall has run).
    await mem.indexesLoaded();
    await mem.recall(recallWarmup[recallWarmup.length - 1]!, undefined, { limit: opts.limit });
    // The import as `hippo import` runs it: one Memory.importInChunks call over the slice, the next
    // chunk embedded while the current one is written. Interleaving floor samples between chunks
    // would break that pipeline, so the batch floor is sampled right before and right after it.
    const statuses = { created: 0, duplicate: 0, merged: 0 };
    const floorSamples = opts.embedBatchSamples;
    const floorBeforeCount = Math.ceil(floorSamples / 2);
    const floorRun = (from: number, count: number): Promise<number[]> =>
      timeEach(batches.slice(1 + from, 1 + from + count), floorBatch);
    const chunkCount = Math.ceil(sliceItems.length / opts.chunk);
    const logEvery = Math.max(1, Math.ceil(chunkCount / 10));
    const chunkMs: number[] = [];
    // Bare batched inference of texts like the imported ones, sorted by length as the import
    // groups them (so both pad alike), half before and half after the import.
    const sameTexts = [...importCeilingTexts].sort((a, b) => a.length - b.length);
    const sameBatches = chunks(sameTexts, EMBED_BATCH_SIZE);
    const sameRun = async (part: string[][]): Promise<{ texts: number; ms: number }> => {
      const t = performance.now();
      for (const b of part) await floorBatch(b);
      return { texts: part.reduce((n, b) => n + b.length, 0), ms: performance.now() - t };
    };
    // Alternate halves so each side holds short and long texts alike.
    const sameBefore = sameBatches.filter((_, i) => i % 2 === 0);
    const sameAfter = sameBatches.filter((_, i) => i % 2 === 1);
    const importPhase = await measured(async () => {
      const before = await floorRun(0, floorBeforeCount);
      const ceilingBefore = await sameRun(sameBefore);
      let chunk = 0;
      const t0 = performance.now();
      let last = t0;
      await mem.importInChunks(sliceItems, {
        chunkSize: opts.chunk,
        onChunk: (results, done) => {
          const now = performance.now();
          chunkMs.push(now - last);
          last = now;
          for (const r of results) statuses[r.status]++;
          if (++chunk % logEvery === 0 || done === sliceItems.length) {
            log(`import ${done}/${sliceItems.length} (${(done / ((now - t0) / 1000)).toFixed(0)} facts/s)`);
          }
        },
      });
      const importMs = performance.now() - t0;
      const after = await floorRun(floorBeforeCount, floorSamples - floorBeforeCount);
      const ceilingAfter = await sameRun(sameAfter);
      return { importMs, before, after, ceilingBefore, ceilingAfter };
    });
    const importCeiling = {
      texts: importPhase.ceilingBefore.texts + importPhase.ceilingAfter.texts,
      textsPerSec:
        (importPhase.ceilingBefore.texts + importPhase.ceilingAfter.texts) /
        ((importPhase.ceilingBefore.ms + importPhase.ceilingAfter.ms) / 1000),
      beforePerSec: importPhase.ceilingBefore.texts / (importPhase.ceilingBefore.ms / 1000),
      afterPerSec: importPhase.ceilingAfter.texts / (importPhase.ceilingAfter.ms / 1000),
    };
    log(
      `import ceiling on texts like the imported ones: ${importCeiling.textsPerSec.toFixed(0)} texts/s ` +
        `(${importCeiling.beforePerSec.toFixed(0)} before, ${importCeiling.afterPerSec.toFixed(0)} after)`,
    );
    const importSeconds = importPhase.importMs / 1000;
    const floorBatchSamples = [...importPhase.before, ...importPhase.after];

    // --- recall (hybrid, filtered, text only), encode and the one-text floor, interleaved ---
    textMemory = Memory.open({ dbPath, embedder: null });
    const textMem = textMemory;
    const resultCounts = { hybrid: [] as number[], filtered: [] as number[], textOnly: [] as number[] };
    const category = (i: number): string => `topic-${i % CATEGORY_COUNT}`;
    const encodeInput = (f: FactLine) => ({
      content: f.content,
      source: f.source,
      category: categoryOf(f.source),
    });
    const recallOn = (m: Memory, q: string, i: number, filtered: boolean): Promise<SearchResult[]> =>
      m.recall(q, undefined, { limit: opts.limit, ...(filtered ? { category: category(i) } : {}) });
    const recallWarmupFiltered = recallWarmup.slice(opts.warmup);
    const encodeWarmup = encodeFacts.slice(0, opts.warmup);
    const encodeMeasured = encodeFacts.slice(opts.warmup);
    await interleave({
      recall: { count: opts.warmup, run: (i) => recallOn(mem, recallWarmup[i]!, i, false) },
      filtered: { count: opts.warmup, run: (i) => recallOn(mem, recallWarmupFiltered[i]!, i, true) },
      textOnly: { count: opts.warmup, run: (i) => recallOn(textMem, recallWarmup[i]!, i, false) },
      encode: { count: opts.warmup, run: (i) => mem.encode(encodeInput(encodeWarmup[i]!)) },
    });
    log('measuring recall, encode and the embedding floor, interleaved');
    const phase = await measured(() =>
      interleave({
        floorOne: { count: opts.embedOneSamples, run: (i) => floorOne(oneMeasured[i]!) },
        recall: {
          count: opts.recalls,
          run: async (i) =>
            resultCounts.hybrid.push((await recallOn(mem, recallQueries[i]!, i, false)).length),
        },
        filtered: {
          count: opts.filteredRecalls,
          run: async (i) =>
            resultCounts.filtered.push((await recallOn(mem, filteredQueries[i]!, i, true)).length),
        },
        encode: { count: opts.encodes, run: (i) => mem.encode(encodeInput(encodeMeasured[i]!)) },
        // Text-only recall embeds nothing, so reusing the hybrid queries hides no cost.
        textOnly: {
          count: opts.textOnlyRecalls,
          run: async (i) =>
            resultCounts.textOnly.push(
              (await recallOn(textMem, recallQueries[i % recallQueries.length]!, i, false)).length,
            ),
        },
      }),
    );
    log(
      `recall P50 ${summarize(phase.recall).p50.toFixed(2)} ms, encode P50 ${summarize(phase.encode).p50.toFixed(2)} ms`,
    );

    // --- the bare query ceiling: CEILING_CONCURRENCY single-text embeds in flight, no cache ---
    const ceilingWarm = ceilingTexts.slice(0, CEILING_CONCURRENCY);
    const ceilingMeasured = ceilingTexts.slice(CEILING_CONCURRENCY);
    const ceilingSeconds = await measured(() =>
      withoutDiskCache(async () => {
        await Promise.all(ceilingWarm.map((t) => client.embed([t])));
        let next = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: CEILING_CONCURRENCY }, async () => {
            while (next < ceilingMeasured.length) await client.embed([ceilingMeasured[next++]!]);
          }),
        );
        return (performance.now() - t0) / 1000;
      }),
    );
    log(
      `query ceiling: ${(ceilingMeasured.length / ceilingSeconds).toFixed(0)} queries/s at ${CEILING_CONCURRENCY} in flight`,
    );

    // The text-only memory is done; closing it now keeps its connection and indexes out of the
    // server's process while the server is measured.
    await textMem.close();
    textMemory = null;

    // --- recall's search steps alone: in-memory indexes vs sqlite-vec's exact scan and FTS5 ---
    const stepTexts = [...recallQueries, ...filteredQueries];
    const stepVectors = await client.embed(stepTexts);
    const { dbStep, ...searchSteps } = runSearchStepBench(
      dbPath,
      DEFAULT_SPACE,
      stepTexts.map((text, i) => ({ text, vector: stepVectors[i]! })),
      STEP_K,
      opts.limit,
    );
    log(
      `vector step P50 ${searchSteps.vector.index.p50.toFixed(2)} ms (sqlite-vec ${searchSteps.vector.baseline.p50.toFixed(2)} ms), ` +
        `recall@${STEP_K} ${searchSteps.vector.recallAtK.toFixed(4)}; word step P50 ${searchSteps.text.index.p50.toFixed(2)} ms ` +
        `(FTS5 ${searchSteps.text.baseline.p50.toFixed(2)} ms), ${searchSteps.text.identical}/${searchSteps.text.queries} identical`,
    );

    // --- HTTP recall under load: the same memory behind the real server, autocannon in a child ---
    let httpPhases: HttpPhaseRaw[] | null = null;
    let httpQueryCount = 0;
    if (opts.http) {
      // Sized for HTTP_POOL_RATE req/s over every phase; the texts nothing above has used.
      const loadSeconds = opts.httpWarmupSeconds + opts.httpSeconds * opts.httpConnections.length;
      // Sentences from the first one not imported whole, wrapping round (at 100k all are imported;
      // a query is only their first words, new to the embedder all the same).
      const from = Math.min(opts.facts, lines.length);
      const pool = httpQueries(
        (function* () {
          for (let i = 0; i < lines.length; i++) yield lines[(from + i) % lines.length]!.content;
        })(),
        unique,
        Math.ceil(loadSeconds * HTTP_POOL_RATE),
      );
      httpQueryCount = pool.length;
      log(
        `HTTP recall: ${opts.httpConnections.join(', ')} connections, ${opts.httpSeconds} s each, ` +
          `${pool.length} distinct queries`,
      );
      httpPhases = await runHttpBench({
        memory: mem,
        embedder: client,
        queries: pool,
        limit: opts.limit,
        connections: opts.httpConnections,
        seconds: opts.httpSeconds,
        warmupSeconds: opts.httpWarmupSeconds,
        tokenDir: path.join(tmp, 'api'),
        log,
      });
    }

    const stats = await mem.stats();
    cache.target = null;
    await mem.close();
    memory = null;

    // --- a fresh process opening this database and answering its first recall, then its RSS ---
    const probe = await bundleColdStartProbe(benv.repoRoot, log);
    const coldStart = await measureColdStart(dbPath, modelDir, coldQuery, steadyQueries, probe);
    const mb = (v: number | null): string => (v === null ? '?' : `${v.toFixed(0)} MB`);
    log(
      `cold start ${coldStart.totalMs.toFixed(0)} ms (${coldStart.runner}: boot ${coldStart.bootMs.toFixed(0)}, open ${coldStart.openMs.toFixed(0)}, ` +
        `first recall ${coldStart.firstRecallMs.toFixed(0)}, ${coldStart.mode}); after ${coldStart.rss.steadyRecalls} more recalls ` +
        `app RSS ${mb(coldStart.rss.appMb)} (peak ${mb(coldStart.rss.appPeakMb)}), its worker ${mb(coldStart.rss.workerMb)} (peak ${mb(coldStart.rss.workerPeakMb)})`,
    );
    // Peak RSS: the embedder worker(s) are this process's only children left.
    const workerRss = childPids(process.pid)
      .map(peakRssMb)
      .filter((v): v is number => v !== null);
    const rss = {
      benchMb: ownPeakRssMb(),
      embedderMb: workerRss.length > 0 ? Math.max(...workerRss) : null,
    };

    // --- summary ---
    const embedOne = summarize(phase.floorOne);
    const perText = (samples: number[]) => summarize(samples.map((t) => t / EMBED_BATCH_SIZE));
    const embedBatchPerText = perText(floorBatchSamples);
    const half = Math.ceil(phase.floorOne.length / 2);
    const recall = summarize(phase.recall);
    const recallFiltered = summarize(phase.filtered);
    const recallTextOnly = summarize(phase.textOnly);
    const encode = summarize(phase.encode);
    const factsPerSec = sliceItems.length / importSeconds;
    const msPerFact = (importSeconds * 1000) / sliceItems.length;
    const targets = checkTargets({
      recall,
      encode,
      factsPerSec,
      vectorRecallAtK: searchSteps.vector.recallAtK,
      ...(httpPhases ? { http: httpPhases } : {}),
    });
    const cpus = os.cpus();
    const result: BenchResult = {
      version: RESULT_VERSION,
      name: opts.name ?? defaultResultName(opts.facts),
      timestamp: started.toISOString(),
      command: benv.command ?? 'tsx bench/run.ts',
      machine: {
        platform: process.platform,
        arch: process.arch,
        node: process.version,
        cpus: cpus.length,
        cpuModel: cpus[0]?.model.trim() ?? 'unknown',
        totalMemMb: Math.round(os.totalmem() / 2 ** 20),
        loadavg: os.loadavg().map((l) => +l.toFixed(2)),
      },
      config: {
        quick: opts.quick,
        facts: opts.facts,
        recalls: opts.recalls,
        filteredRecalls: opts.filteredRecalls,
        textOnlyRecalls: opts.textOnlyRecalls,
        encodes: opts.encodes,
        warmup: opts.warmup,
        chunk: opts.chunk,
        threads: opts.threads,
        workers: opts.workers,
        limit: opts.limit,
        diskCache: opts.diskCache,
        mergeThreshold: BENCH_TUNING.mergeThreshold,
        model: opts.model,
        cacheDir: opts.cacheDir,
        modelId: client.modelId ?? 'unknown',
        dataDir: data.dir,
      },
      baseline: {
        embedOneTokens: EMBED_ONE_TOKENS,
        embedBatchSize: EMBED_BATCH_SIZE,
        embedBatchTokens: EMBED_BATCH_TOKENS,
        embedOne,
        embedBatchPerText,
        embedOneEarly: summarize(phase.floorOne.slice(0, half)),
        embedOneLate: summarize(phase.floorOne.slice(half)),
      },
      import: {
        facts: sliceItems.length,
        baseFacts: baseItems.length,
        baseCached: cached,
        seconds: importSeconds,
        factsPerSec,
        msPerFact,
        method: 'importInChunks',
        chunkMs: summarize(chunkMs),
        floorBefore: perText(importPhase.before),
        floorAfter: perText(importPhase.after),
        ceiling: importCeiling,
        tokensPerFact: { mean: factTokens.mean, p50: factTokens.p50, p95: factTokens.p95 },
        ...statuses,
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
      recallResults: {
        hybrid: mean(resultCounts.hybrid),
        filtered: mean(resultCounts.filtered),
        textOnly: mean(resultCounts.textOnly),
      },
      measuredCacheHits,
      db: { facts: stats.facts, bytes: stats.db_bytes },
      dbStep,
      embedCeiling: {
        concurrency: CEILING_CONCURRENCY,
        queries: ceilingMeasured.length,
        queriesPerSec: ceilingMeasured.length / ceilingSeconds,
        textsPerSec: 1000 / embedBatchPerText.p50,
      },
      rss,
      coldStart,
      searchSteps,
      ...(httpPhases
        ? {
            http: {
              phaseSeconds: opts.httpSeconds,
              warmupSeconds: opts.httpWarmupSeconds,
              queryWords: HTTP_QUERY_WORDS,
              queries: httpQueryCount,
              phases: withHttpRatios(httpPhases, { recall, embedOne }),
            },
          }
        : {}),
      targets,
      pass: targets.every((t) => t.pass),
    };
    // The same schema the tests use: a results file that does not parse is a bench bug.
    return BenchResultSchema.parse(result);
  } finally {
    await memory?.close().catch(() => undefined);
    await textMemory?.close().catch(() => undefined);
    await embedder?.close().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
