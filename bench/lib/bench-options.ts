import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { IMPORT_CHUNK_SIZE } from '../../src/cli/import-command';

export interface BenchOptions {
  /** Facts imported before measuring (the first N lines of the fact stream). */
  facts: number;
  /** Measured hybrid recalls, each with a query text never embedded before. */
  recalls: number;
  /** Measured recalls filtered by category. */
  filteredRecalls: number;
  /** Measured text-only recalls (no embedder). */
  textOnlyRecalls: number;
  /** Measured single encodes of sentences not yet in the memory. */
  encodes: number;
  /** Unmeasured calls before each phase (JIT, SQLite page cache, onnxruntime arenas). */
  warmup: number;
  /** Samples of the embedding floor: single 16-token texts, and batches of 32 × 40-token texts. */
  embedOneSamples: number;
  embedBatchSamples: number;
  /** Facts per chunk (one transaction) of the import, measured through Memory.importInChunks as `hippo import` runs it. */
  chunk: number;
  /** onnxruntime intra-op threads in each embedder worker. */
  threads: number;
  /** The model of this run (one of `models`; the suite runs each size with each). */
  model: BenchModel;
  /**
   * The models the suite runs every size with (--model LIST): the generated twins of
   * test/.models, and `real`, the model in HIPPO_MODEL_DIR. By default the fp32 twin, and the
   * real model too whenever HIPPO_MODEL_DIR holds one.
   */
  models: BenchModel[];
  /** Embedder worker processes (`hippo serve` runs one; more form an EmbedderPool). */
  workers: number;
  /** Results per recall. */
  limit: number;
  /** Wire the engine's SQLite embedding cache into the client, as the app does. */
  diskCache: boolean;
  /** Run the HTTP recall phases (--no-http skips them). */
  http: boolean;
  /** Length of each HTTP load phase, and of the unmeasured warm-up load before them, in seconds. */
  httpSeconds: number;
  httpWarmupSeconds: number;
  /** Connections of each HTTP load phase. */
  httpConnections: number[];
  /** Memory sizes of the suite, each a full run (--sizes). */
  sizes: number[];
  /** Where unmeasured base memories are cached; null rebuilds them (--no-cache). */
  cacheDir: string | null;
  /** Measured single-text embeds of the query ceiling. */
  ceilingQueries: number;
  /** SciFact nDCG@10 quality check (--no-quality skips it). */
  quality: boolean;
  /** Exit 1 when a target is missed (off by default: shared machines are noisy). */
  strict: boolean;
  quick: boolean;
  /** Results file; default bench/results/<name>-<timestamp>.json plus latest.json. */
  out: string | null;
  name: string | null;
  help: boolean;
}

type Sizes = Pick<
  BenchOptions,
  | 'facts'
  | 'recalls'
  | 'filteredRecalls'
  | 'textOnlyRecalls'
  | 'encodes'
  | 'warmup'
  | 'embedOneSamples'
  | 'embedBatchSamples'
  | 'chunk'
  | 'httpSeconds'
  | 'httpWarmupSeconds'
  | 'httpConnections'
  | 'ceilingQueries'
>;

export const FULL_SIZES: Readonly<Sizes> = {
  facts: 10_000,
  recalls: 200,
  filteredRecalls: 100,
  textOnlyRecalls: 200,
  encodes: 100,
  warmup: 20,
  embedOneSamples: 200,
  embedBatchSamples: 10,
  // As `hippo import` chunks a file: the measured import is its pipelined path.
  chunk: IMPORT_CHUNK_SIZE,
  httpSeconds: 15,
  httpWarmupSeconds: 3,
  httpConnections: [1, 8, 32],
  ceilingQueries: 400,
};

/** The suite's default sizes (issue 7). */
export const DEFAULT_SIZES: readonly number[] = [1000, 10_000, 100_000];
export const DEFAULT_CACHE_DIR = path.join(os.tmpdir(), 'hippo-perf', 'bench-cache');

/** Small enough for a smoke test to finish in seconds; the numbers mean little. */
export const QUICK_SIZES: Readonly<Sizes> = {
  facts: 256,
  recalls: 20,
  filteredRecalls: 10,
  textOnlyRecalls: 20,
  encodes: 10,
  warmup: 3,
  embedOneSamples: 20,
  embedBatchSamples: 2,
  // Several chunks even in the quick slice of 128 facts, so the pipeline runs.
  chunk: 32,
  httpSeconds: 2,
  httpWarmupSeconds: 1,
  httpConnections: [1, 8],
  ceilingQueries: 40,
};

export const USAGE = `Usage: tsx bench/run.ts [options]

Builds a memory from the SciFact fact stream (../shared/data, or $HIPPO_SHARED_DIR/data) with the
twin MiniLM model and measures import, recall and encode against the raw embedding floor.

  --sizes LIST        memory sizes, comma-separated, each a full run (default ${DEFAULT_SIZES.join(',')};
                      quick ${QUICK_SIZES.facts}); facts past the 44,435 sentences follow issue 7's rule
  --facts N           one size (the same as --sizes N)
  --cache DIR         cache of the unmeasured base memories (default ${DEFAULT_CACHE_DIR})
  --no-cache          build every base memory anew, and cache nothing
  --ceiling N         measured single-text embeds of the query ceiling (default ${FULL_SIZES.ceilingQueries})
  --no-quality        skip the SciFact nDCG@10 check
  --recalls N         measured hybrid recalls (default ${FULL_SIZES.recalls})
  --filtered N        measured category-filtered recalls (default ${FULL_SIZES.filteredRecalls})
  --text-only N       measured text-only recalls (default ${FULL_SIZES.textOnlyRecalls})
  --encodes N         measured single encodes (default ${FULL_SIZES.encodes})
  --warmup N          unmeasured calls before each phase (default ${FULL_SIZES.warmup})
  --embed-one N       embedding-floor samples, one 16-token text (default ${FULL_SIZES.embedOneSamples})
  --embed-batch N     embedding-floor samples, 32 texts of 40 tokens (default ${FULL_SIZES.embedBatchSamples})
  --chunk N           facts per import chunk, one transaction each (default ${FULL_SIZES.chunk}, as hippo import)
  --workers N         embedder worker processes (default 1, as hippo serve runs)
  --threads N         onnxruntime threads per worker (default 2)
  --model LIST        models to run every size with, comma-separated: twin (fp32 twin),
                      twin-int8 (the int8-quantized twin, as \`hippo model fetch --int8\` gives
                      users) or real (the model in HIPPO_MODEL_DIR); default twin, plus real
                      whenever HIPPO_MODEL_DIR holds a model
  --limit N           results per recall (default 10)
  --http-seconds N    length of each HTTP recall load phase (default ${FULL_SIZES.httpSeconds}; quick ${QUICK_SIZES.httpSeconds})
  --http-connections LIST
                      connections of each HTTP phase, comma-separated (default ${FULL_SIZES.httpConnections.join(',')}; quick ${QUICK_SIZES.httpConnections.join(',')})
  --no-http           skip the HTTP recall phases
  --no-disk-cache     do not wire the SQLite embedding cache into the embedder client
  --quick             small sizes for a smoke run (explicit size flags still win)
  --out FILE          write the results here instead of bench/results/<name>-<timestamp>.json + latest.json
  --name NAME         results name (default memory-<facts>)
  --strict            exit 1 when a target is missed
  -h, --help          show this help`;

const INT_FLAGS = {
  facts: 'facts',
  recalls: 'recalls',
  filtered: 'filteredRecalls',
  'text-only': 'textOnlyRecalls',
  encodes: 'encodes',
  warmup: 'warmup',
  'embed-one': 'embedOneSamples',
  'embed-batch': 'embedBatchSamples',
  chunk: 'chunk',
  threads: 'threads',
  workers: 'workers',
  limit: 'limit',
  'http-seconds': 'httpSeconds',
  ceiling: 'ceilingQueries',
} as const satisfies Record<string, keyof BenchOptions>;

/** Smallest value each size flag accepts (a phase of zero samples has no percentiles). */
// The batch floor is sampled before and after the import: at least one sample each side.
const MIN: Partial<Record<keyof BenchOptions, number>> = { warmup: 0, embedBatchSamples: 2 };

/** Parses bench flags; throws an Error naming the bad flag. */
export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      ...Object.fromEntries(Object.keys(INT_FLAGS).map((k) => [k, { type: 'string' as const }])),
      'no-disk-cache': { type: 'boolean' },
      'no-http': { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      'no-quality': { type: 'boolean' },
      cache: { type: 'string' },
      model: { type: 'string' },
      sizes: { type: 'string' },
      'http-connections': { type: 'string' },
      quick: { type: 'boolean' },
      strict: { type: 'boolean' },
      out: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const quick = values.quick === true;
  const opts: BenchOptions = {
    ...(quick ? QUICK_SIZES : FULL_SIZES),
    threads: 2,
    ...parseModels(values.model, env),
    workers: 1,
    limit: 10,
    diskCache: values['no-disk-cache'] !== true,
    http: values['no-http'] !== true,
    strict: values.strict === true,
    quick,
    sizes: quick ? [QUICK_SIZES.facts] : [...DEFAULT_SIZES],
    cacheDir:
      values['no-cache'] === true
        ? null
        : path.resolve(typeof values.cache === 'string' ? values.cache : DEFAULT_CACHE_DIR),
    quality: values['no-quality'] !== true,
    httpConnections: [...(quick ? QUICK_SIZES : FULL_SIZES).httpConnections],
    out: typeof values.out === 'string' ? values.out : null,
    name: typeof values.name === 'string' ? values.name : null,
    help: values.help === true,
  };
  for (const [flag, key] of Object.entries(INT_FLAGS)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (raw === undefined) continue;
    const min = MIN[key] ?? 1;
    const n = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
      throw new Error(`--${flag}: expected an integer >= ${min}, got ${JSON.stringify(raw)}`);
    }
    opts[key] = n;
  }
  if (typeof values.sizes === 'string') opts.sizes = parseSizes(values.sizes);
  else if ((values as Record<string, unknown>).facts !== undefined) opts.sizes = [opts.facts];
  const conns = values['http-connections'];
  if (typeof conns === 'string') opts.httpConnections = parseConnections(conns);
  if (opts.httpSeconds > 600) throw new Error(`--http-seconds: at most 600, got ${opts.httpSeconds}`);
  if (opts.limit > 100) throw new Error(`--limit: at most 100, got ${opts.limit}`);
  if (opts.chunk > 10_000) throw new Error(`--chunk: at most 10000 (encodeMany's limit), got ${opts.chunk}`);
  if (opts.name !== null && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(opts.name)) {
    throw new Error(
      `--name: letters, digits, dots, dashes and underscores only, got ${JSON.stringify(opts.name)}`,
    );
  }
  return opts;
}

/** The models the bench can run with: the generated twins (`npm run models`) and the real one. */
export const BENCH_MODELS = ['twin', 'twin-int8', 'real'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

const MODEL_FILES = ['model.onnx', 'model_quantized.onnx'];

/** HIPPO_MODEL_DIR when it holds a model's weights, else null. */
export function realModelDir(env: NodeJS.ProcessEnv): string | null {
  const dir = env.HIPPO_MODEL_DIR?.trim();
  return dir && MODEL_FILES.some((f) => fs.existsSync(path.join(dir, 'onnx', f))) ? dir : null;
}

/** The folder of a bench model; throws naming what is missing. */
export function benchModelDir(model: BenchModel, repoRoot: string, env: NodeJS.ProcessEnv): string {
  if (model === 'real') {
    const dir = realModelDir(env);
    if (!dir) {
      throw new Error(
        `--model real: HIPPO_MODEL_DIR (${JSON.stringify(env.HIPPO_MODEL_DIR ?? '')}) holds no onnx/model.onnx or onnx/model_quantized.onnx`,
      );
    }
    return dir;
  }
  const dir = path.join(repoRoot, 'test', '.models', model);
  if (!MODEL_FILES.some((f) => fs.existsSync(path.join(dir, 'onnx', f)))) {
    throw new Error(`${model} model not found in ${dir}: run \`npm run models\` first`);
  }
  return dir;
}

function parseModels(raw: unknown, env: NodeJS.ProcessEnv): { model: BenchModel; models: BenchModel[] } {
  if (raw === undefined) {
    const models: BenchModel[] = realModelDir(env) ? ['twin', 'real'] : ['twin'];
    return { model: models[0]!, models };
  }
  const models: BenchModel[] = [];
  for (const part of String(raw)
    .split(',')
    .map((p) => p.trim())) {
    const found = BENCH_MODELS.find((m) => m === part);
    if (!found) throw new Error(`--model: one of ${BENCH_MODELS.join(', ')}, got ${JSON.stringify(part)}`);
    if (found === 'real' && !realModelDir(env)) {
      throw new Error('--model real: HIPPO_MODEL_DIR holds no onnx/model.onnx or onnx/model_quantized.onnx');
    }
    if (!models.includes(found)) models.push(found);
  }
  return { model: models[0]!, models };
}

/** "1,8,32" → [1, 8, 32]: distinct integers from 1 to 1024, in the order given. */
export function parseConnections(raw: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  const out: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 1024 || out.includes(n)) {
      throw new Error(
        `--http-connections: expected distinct integers from 1 to 1024 separated by commas, got ${JSON.stringify(raw)}`,
      );
    }
    out.push(n);
  }
  return out;
}

/** "1000,10000" → [1000, 10000]: distinct sizes from 2 to 1,000,000, in the order given. */
export function parseSizes(raw: string): number[] {
  const out: number[] = [];
  for (const p of raw.split(',').map((x) => x.trim())) {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 2 || n > 1_000_000 || out.includes(n)) {
      throw new Error(
        `--sizes: expected distinct integers from 2 to 1000000 separated by commas, got ${JSON.stringify(raw)}`,
      );
    }
    out.push(n);
  }
  return out;
}
