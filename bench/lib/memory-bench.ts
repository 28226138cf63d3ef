import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SearchResult } from '../../src/shared/contract';
import { createNodeEmbedder, type EmbedderClient } from '../../src/main/embedder/embedder-client';
import { Memory } from '../../src/main/memory/memory';
import { loadTokenizer } from '../../src/utility/tokenize';
import {
  CATEGORY_COUNT,
  categoryOf,
  pickFact,
  pickQueryText,
  readJsonl,
  resolveDataFiles,
  textsOfTokenCount,
  UniqueTexts,
  type FactLine,
} from './bench-data';
import type { BenchOptions } from './bench-options';
import {
  BenchResultSchema,
  checkTargets,
  computeRatios,
  defaultResultName,
  RESULT_VERSION,
  type BenchResult,
} from './bench-result';
import { summarize, timeEach } from './stats';
import { SwitchableCache } from './switchable-cache';

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

/**
 * The twin's random weights put every pair of texts near cosine 0.9, so the default near-duplicate
 * merge (0.95) would fold most of the import into a few facts. The merge check (a KNN per new fact)
 * still runs; only merging is off, which keeps every sentence a fact as it would be with the real model.
 */
export const BENCH_TUNING = { mergeThreshold: 1.01 } as const;

interface FloorSamples {
  one: number[];
  batchPerText: number[];
}

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
 * measures, one call at a time: the embedding floor, bulk import, hybrid / filtered / text-only
 * recall and single encodes. Every embedded text is new to the client, so no figure is a cache hit.
 */
export async function runMemoryBench(opts: BenchOptions, benv: BenchEnv): Promise<BenchResult> {
  const log = benv.log ?? (() => undefined);
  const env = benv.env ?? process.env;
  const started = (benv.now ?? (() => new Date()))();
  const data = resolveDataFiles(benv.repoRoot, env);
  const modelDir = path.join(benv.repoRoot, 'test', '.models', 'twin');
  if (!fs.existsSync(path.join(modelDir, 'onnx', 'model.onnx'))) {
    throw new Error(`twin model not found in ${modelDir}: run \`npm run models\` first`);
  }

  // --- texts: every measured call gets one nobody embedded before ---
  const lines = readJsonl(data.facts, pickFact);
  const queries = readJsonl(data.queries, pickQueryText);
  if (lines.length < opts.facts) {
    throw new Error(`--facts ${opts.facts}: ${data.facts} has only ${lines.length} facts`);
  }
  const unique = new UniqueTexts();
  const importFacts = lines.slice(0, opts.facts);
  unique.reserve(importFacts.map((f) => f.content));
  const fresh = iterate(lines, opts.facts);
  const freshTexts = (function* () {
    for (const f of fresh) yield f.content;
  })();
  const encodeFacts = unique.take<FactLine>(fresh, opts.warmup + opts.encodes, 'encodes', (f) => f.content);
  const queryPool = chain(iterate(queries), freshTexts);
  const recallQueries = unique.take(queryPool, opts.recalls, 'recalls');
  const filteredQueries = unique.take(queryPool, opts.filteredRecalls, 'filtered recalls');
  const recallWarmup = unique.take(freshTexts, opts.warmup * 2, 'recall warm-up');
  const tokenizer = loadTokenizer(modelDir);
  const countTokens = (t: string): number => tokenizer.encodeContent(t).length;
  const oneTexts = unique.take(
    textsOfTokenCount(freshTexts, countTokens, EMBED_ONE_TOKENS - 2),
    opts.warmup + opts.embedOneSamples * 2,
    '16-token texts',
  );
  const batchTexts = unique.take(
    textsOfTokenCount(freshTexts, countTokens, EMBED_BATCH_TOKENS - 2),
    EMBED_BATCH_SIZE * (1 + opts.embedBatchSamples * 2),
    '40-token texts',
  );

  const factTokens = summarize(importFacts.map((f) => countTokens(f.content) + 2));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-bench-'));
  const dbPath = path.join(tmp, 'bench.db');
  const cache = new SwitchableCache();
  let embedder: EmbedderClient | null = null;
  let memory: Memory | null = null;
  let textMemory: Memory | null = null;
  try {
    embedder = createNodeEmbedder({
      modelDir,
      threads: opts.threads,
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

    // --- the embedding floor, cache bypassed ---
    const oneIter = iterate(oneTexts);
    const batchIter = iterate(chunks(batchTexts, EMBED_BATCH_SIZE));
    const takeN = <T>(it: Iterator<T>, n: number): T[] =>
      Array.from({ length: n }, () => {
        const next = it.next();
        if (next.done) throw new Error('ran out of floor texts');
        return next.value;
      });
    const measureFloor = async (): Promise<FloorSamples> => {
      cache.enabled = false;
      try {
        return await measured(async () => ({
          one: await timeEach(takeN(oneIter, opts.embedOneSamples), (t) => client.embed([t])),
          batchPerText: (
            await timeEach(takeN(batchIter, opts.embedBatchSamples), (b) => client.embed(b))
          ).map((t) => t / EMBED_BATCH_SIZE),
        }));
      } finally {
        cache.enabled = true;
      }
    };
    cache.enabled = false;
    await timeEach(takeN(oneIter, opts.warmup), (t) => client.embed([t]));
    await client.embed(takeN(batchIter, 1)[0]!);
    cache.enabled = true;
    const floorBefore = await measureFloor();
    log(`floor: embed one P50 ${summarize(floorBefore.one).p50.toFixed(2)} ms`);

    // --- bulk import ---
    memory = Memory.open({ dbPath, embedder: client, tuning: BENCH_TUNING });
    cache.target = memory.embeddingCache;
    const mem = memory;
    const items = importFacts.map((f) => ({
      content: f.content,
      source: f.source,
      category: categoryOf(f.source),
    }));
    const statuses = { created: 0, duplicate: 0, merged: 0 };
    const parts = chunks(items, opts.chunk);
    const importStart = performance.now();
    const chunkMs = await timeEach(parts, async (part, i) => {
      for (const r of await mem.encodeMany(part)) statuses[r.status]++;
      const done = Math.min((i + 1) * opts.chunk, items.length);
      if ((i + 1) % Math.max(1, Math.ceil(parts.length / 10)) === 0 || i === parts.length - 1) {
        log(
          `import ${done}/${items.length} (${(done / ((performance.now() - importStart) / 1000)).toFixed(0)} facts/s)`,
        );
      }
    });
    const importSeconds = (performance.now() - importStart) / 1000;

    // --- recall: hybrid, then filtered by category ---
    const resultCounts = { hybrid: [] as number[], filtered: [] as number[], textOnly: [] as number[] };
    const count = (into: number[]) => (r: SearchResult[]) => into.push(r.length);
    await timeEach(recallWarmup.slice(0, opts.warmup), (q) =>
      mem.recall(q, undefined, { limit: opts.limit }),
    );
    const recallMs = await measured(() =>
      timeEach(recallQueries, (q) =>
        mem.recall(q, undefined, { limit: opts.limit }).then(count(resultCounts.hybrid)),
      ),
    );
    log(`recall P50 ${summarize(recallMs).p50.toFixed(2)} ms`);
    const category = (i: number): string => `topic-${i % CATEGORY_COUNT}`;
    await timeEach(recallWarmup.slice(opts.warmup), (q, i) =>
      mem.recall(q, undefined, { limit: opts.limit, category: category(i) }),
    );
    const filteredMs = await measured(() =>
      timeEach(filteredQueries, (q, i) =>
        mem
          .recall(q, undefined, { limit: opts.limit, category: category(i) })
          .then(count(resultCounts.filtered)),
      ),
    );

    // --- single encodes of sentences not in the memory yet ---
    const encodeInput = (f: FactLine) => ({
      content: f.content,
      source: f.source,
      category: categoryOf(f.source),
    });
    await timeEach(encodeFacts.slice(0, opts.warmup), (f) => mem.encode(encodeInput(f)));
    const encodeMs = await measured(() =>
      timeEach(encodeFacts.slice(opts.warmup), (f) => mem.encode(encodeInput(f))),
    );
    log(`encode P50 ${summarize(encodeMs).p50.toFixed(2)} ms`);

    const stats = await mem.stats();
    cache.target = null;
    await mem.close();
    memory = null;

    // --- text-only recall: the same database without a model ---
    textMemory = Memory.open({ dbPath, embedder: null });
    const textMem = textMemory;
    const textQueries = Array.from(
      { length: opts.textOnlyRecalls },
      (_, i) => recallQueries[i % recallQueries.length]!,
    );
    await timeEach(recallWarmup.slice(0, opts.warmup), (q) =>
      textMem.recall(q, undefined, { limit: opts.limit }),
    );
    const textOnlyMs = await timeEach(textQueries, (q) =>
      textMem.recall(q, undefined, { limit: opts.limit }).then(count(resultCounts.textOnly)),
    );
    await textMem.close();
    textMemory = null;

    const floorAfter = await measureFloor();

    // --- summary ---
    const embedOne = summarize([...floorBefore.one, ...floorAfter.one]);
    const embedBatchPerText = summarize([...floorBefore.batchPerText, ...floorAfter.batchPerText]);
    const recall = summarize(recallMs);
    const recallFiltered = summarize(filteredMs);
    const recallTextOnly = summarize(textOnlyMs);
    const encode = summarize(encodeMs);
    const factsPerSec = items.length / importSeconds;
    const msPerFact = (importSeconds * 1000) / items.length;
    const targets = checkTargets({ recall, encode, factsPerSec });
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
        limit: opts.limit,
        diskCache: opts.diskCache,
        mergeThreshold: BENCH_TUNING.mergeThreshold,
        model: 'twin',
        modelId: client.modelId ?? 'unknown',
        dataDir: data.dir,
      },
      baseline: {
        embedOneTokens: EMBED_ONE_TOKENS,
        embedBatchSize: EMBED_BATCH_SIZE,
        embedBatchTokens: EMBED_BATCH_TOKENS,
        embedOne,
        embedBatchPerText,
        embedOneBefore: summarize(floorBefore.one),
        embedOneAfter: summarize(floorAfter.one),
      },
      import: {
        facts: items.length,
        seconds: importSeconds,
        factsPerSec,
        msPerFact,
        chunkMs: summarize(chunkMs),
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
