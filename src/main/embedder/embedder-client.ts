import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { FromWorker } from '../../shared/embedder-protocol';
import { fromErrorPayload, HippoError, toErrorPayload, type ErrorPayload } from '../../shared/errors';
import { DEFAULT_MODEL, MODEL_CATALOG, type ModelSpec } from '../../shared/model-catalog';
import { defaultUserDataDir } from '../paths';
import { EmbedderPool, type ManagedEmbedder } from './embedder-pool';
import { LruCache } from './lru-cache';
import { modelSearchPaths, resolveModelDir } from './model-locate';
import { selectedModel } from './model-selection';
import { nodeWorkerHostFactory } from './node-worker-host';
import type { EmbedOptions, Embedder, EmbeddingCacheStore, WorkerHost, WorkerHostFactory } from './types';

export interface EmbedderClientOptions {
  hostFactory: WorkerHostFactory;
  /**
   * Returns the folder of the given model or throws HippoError MODEL_MISSING; called on every
   * worker start.
   */
  resolveModelDir: (model: ModelSpec) => string;
  /** The catalogue model to run (model-catalog.ts); default MiniLM. useModel() switches it. */
  model?: ModelSpec;
  /** Persistent cache (SQLite table in the engine), consulted after the in-memory LRU. */
  cache?: EmbeddingCacheStore;
  /** Vectors kept in memory (1.5 KB each). */
  lruSize?: number;
  /** Most texts per worker request. */
  maxBatch?: number;
  /**
   * A request also closes once its texts reach this many characters (a single longer text still
   * goes alone), so a query arriving behind a pile of long notes waits for a small request, not for
   * 32 × 50,000 characters.
   */
  maxBatchChars?: number;
  /** onnxruntime intra-op threads in the worker. */
  threads?: number;
  /**
   * A worker that has not answered a request by then is killed and treated as crashed. Requests
   * longer than maxBatchChars get this much time per maxBatchChars of text.
   */
  requestTimeoutMs?: number;
  /**
   * Worker requests allowed in flight while a full batch waits (bulk work): the worker then has
   * the next request in its own queue while this process is busy (an import's write
   * transaction) and cannot answer, instead of idling until it can. A lone request (a query)
   * still goes one at a time, so later queries pile into the next one.
   */
  maxInFlight?: number;
  /** Time allowed for the worker to load the model. */
  initTimeoutMs?: number;
  /** After a model fails to load, calls fail fast with that error for this long before retrying. */
  failureBackoffMs?: number;
}

export interface EmbedderStats {
  /** embed() calls and the texts they asked for. */
  requests: number;
  texts: number;
  lruHits: number;
  diskHits: number;
  /** Texts that shared a request with an identical text (same call or concurrent calls). */
  dedupHits: number;
  /** Requests sent to the worker (a retry counts again) and the texts in them. */
  workerBatches: number;
  workerTexts: number;
  /** Worker processes started after the first one. */
  restarts: number;
  /** Worker exits nobody asked for, timeouts included. */
  crashes: number;
  /** Disk cache reads or writes that failed (the texts were embedded anyway). */
  cacheErrors: number;
}

/** The text as embedded and as keyed: NFC, whitespace runs collapsed to one space, trimmed. */
export function normalizeForEmbedding(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Cache key: hex sha256 of (model id, normalized text), so new weights never hit old vectors. */
export function embeddingCacheKey(modelId: string, normalizedText: string): string {
  return createHash('sha256').update(`${modelId}\n${normalizedText}`).digest('hex');
}

interface LiveWorker {
  host: WorkerHost;
  modelId: string;
}

/** One unique text waiting for the worker; every caller asking for it shares the promise. */
interface Job {
  key: string;
  text: string;
  modelId: string;
  /** Write the vector to the persistent cache (any caller sharing the job may ask for it). */
  persist: boolean;
  promise: Promise<Float32Array>;
  resolve: (v: Float32Array) => void;
  reject: (e: HippoError) => void;
}

interface Batch {
  id: number;
  jobs: Job[];
  attempts: number;
  worker?: LiveWorker;
  timer?: NodeJS.Timeout;
  /** performance.now() when the batch went to the worker; only set while someone listens. */
  sentAt?: number;
}

/** Told how long each worker request took (sent → vectors back) and how many texts it held. */
export type BatchTimingListener = (seconds: number, texts: number) => void;

const DEFAULTS = {
  lruSize: 10_000,
  maxBatch: 32,
  maxBatchChars: 16_000,
  maxInFlight: 2,
  requestTimeoutMs: 60_000,
  initTimeoutMs: 120_000,
  failureBackoffMs: 30_000,
};

/**
 * Embedder that runs the model in a separate process. Concurrent embed() calls are coalesced into
 * worker requests of up to maxBatch unique texts (one request in flight at a time, so texts arriving
 * meanwhile pile into the next one), identical texts are embedded once, and vectors are cached by
 * (model id, normalized text) in an LRU and then the disk cache. A worker that crashes or stops
 * answering is restarted and its batch retried once; a second failure rejects that batch with
 * MODEL_FAILED.
 */
export class EmbedderClient implements Embedder {
  private readonly opts: Required<Omit<EmbedderClientOptions, 'cache' | 'threads' | 'model'>> &
    Pick<EmbedderClientOptions, 'cache' | 'threads'>;
  private spec: ModelSpec;
  private readonly lru: LruCache<string, Float32Array>;
  private worker: LiveWorker | null = null;
  private starting: Promise<LiveWorker> | null = null;
  private everStarted = false;
  private lastModelId: string | null = null;
  private error: ErrorPayload | null = null;
  private failedAt: number | null = null;
  private closed = false;
  private readonly pending = new Map<string, Job>();
  private queue: Job[] = [];
  private readonly inFlight = new Set<Batch>();
  private flushScheduled = false;
  private nextBatchId = 1;
  private readonly batchListeners = new Set<BatchTimingListener>();
  private readonly counters: EmbedderStats = {
    requests: 0,
    texts: 0,
    lruHits: 0,
    diskHits: 0,
    dedupHits: 0,
    workerBatches: 0,
    workerTexts: 0,
    restarts: 0,
    crashes: 0,
    cacheErrors: 0,
  };

  constructor(options: EmbedderClientOptions) {
    this.opts = {
      ...options,
      lruSize: options.lruSize ?? DEFAULTS.lruSize,
      maxBatch: Math.max(1, options.maxBatch ?? DEFAULTS.maxBatch),
      maxBatchChars: Math.max(1, options.maxBatchChars ?? DEFAULTS.maxBatchChars),
      maxInFlight: Math.max(1, options.maxInFlight ?? DEFAULTS.maxInFlight),
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      initTimeoutMs: options.initTimeoutMs ?? DEFAULTS.initTimeoutMs,
      failureBackoffMs: options.failureBackoffMs ?? DEFAULTS.failureBackoffMs,
    };
    this.lru = new LruCache(this.opts.lruSize);
    this.spec = options.model ?? MODEL_CATALOG[DEFAULT_MODEL];
  }

  /** The catalogue model this client runs (or will run at its next start). */
  get model(): ModelSpec {
    return this.spec;
  }

  /** The width of the vectors this client makes. */
  get dims(): number {
    return this.spec.dims;
  }

  /**
   * Runs another catalogue model from now on: the worker of the current one is shut down, and
   * every embed() still waiting for it fails with MODEL_FAILED (its vectors would be of the old
   * model, which the caller no longer stores). The next call starts a worker on the new model.
   */
  async useModel(spec: ModelSpec): Promise<void> {
    if (this.closed || spec.name === this.spec.name) return;
    this.spec = spec;
    this.lastModelId = null;
    this.error = null;
    this.failedAt = null;
    const switched = new HippoError('MODEL_FAILED', `the embedding model was switched to ${spec.name}`);
    for (const batch of [...this.inFlight]) this.failBatch(batch, switched);
    for (const job of this.queue) this.settle(job, switched);
    this.queue = [];
    this.error = null;
    const worker = this.worker ?? (await this.starting?.catch(() => null)) ?? null;
    // A start begun before the switch must not become the worker of the new model.
    if (this.worker === worker) this.worker = null;
    if (worker) await this.shutDown(worker);
  }

  get modelId(): string | null {
    return this.worker?.modelId ?? this.lastModelId;
  }

  get lastError(): ErrorPayload | null {
    return this.error;
  }

  stats(): EmbedderStats {
    return { ...this.counters };
  }

  /**
   * Calls the listener after every successful worker request (for metrics). Works whenever it is
   * added, before or after the worker starts; returns a function that removes it.
   */
  onBatchTimed(listener: BatchTimingListener): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  /** Texts waiting for the worker, not counting the request in flight. */
  queueDepth(): number {
    return this.queue.length;
  }

  async ready(): Promise<boolean> {
    try {
      await this.startWorker();
      return true;
    } catch {
      return false;
    }
  }

  async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    const persist = opts.persist ?? true;
    const prefix = opts.query ? this.spec.queryPrefix : '';
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      throw new HippoError('BAD_INPUT', 'embed() takes an array of strings');
    }
    this.counters.requests++;
    this.counters.texts += texts.length;
    if (texts.length === 0) return [];
    // With the worker up, everything up to the enqueue runs synchronously inside this call, so a
    // caller can do other work (recall searches the words) while the request is on its way.
    const { modelId } = this.worker ?? (await this.startWorker());

    const results: Array<Float32Array | undefined> = new Array(texts.length);
    const missing = new Map<string, { text: string; at: number[] }>();
    texts.forEach((raw, i) => {
      const text = normalizeForEmbedding(prefix + raw);
      const key = embeddingCacheKey(modelId, text);
      const hit = this.lru.get(key);
      if (hit) {
        this.counters.lruHits++;
        results[i] = hit;
        return;
      }
      const seen = missing.get(key);
      if (seen) {
        this.counters.dedupHits++;
        seen.at.push(i);
      } else {
        missing.set(key, { text, at: [i] });
      }
    });

    if (missing.size > 0 && this.opts.cache) {
      let stored = new Map<string, Float32Array>();
      try {
        stored = this.opts.cache.getMany([...missing.keys()]);
      } catch {
        this.counters.cacheErrors++;
      }
      for (const [key, vector] of stored) {
        const want = missing.get(key);
        if (!want) continue;
        this.lru.set(key, vector);
        for (const i of want.at) results[i] = vector;
        this.counters.diskHits += want.at.length;
        missing.delete(key);
      }
    }

    await Promise.all(
      [...missing].map(async ([key, { text, at }]) => {
        const vector = await this.enqueue(key, text, modelId, persist);
        for (const i of at) results[i] = vector;
      }),
    );
    // Copies, so a caller scribbling on its vector cannot corrupt the cache.
    return results.map((v) => Float32Array.from(v!));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = new HippoError('MODEL_FAILED', 'the embedder was closed');
    for (const batch of [...this.inFlight]) this.failBatch(batch, closedError);
    for (const job of this.queue) this.settle(job, closedError);
    this.queue = [];
    const worker = this.worker ?? (await this.starting?.catch(() => null)) ?? null;
    this.worker = null;
    if (worker) await this.shutDown(worker);
  }

  /** Asks the worker to finish and exit; kills it after 2 s. */
  private async shutDown(worker: LiveWorker): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        worker.host.kill();
        resolve();
      }, 2000);
      worker.host.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      worker.host.post({ type: 'shutdown' });
    });
  }

  private enqueue(key: string, text: string, modelId: string, persist: boolean): Promise<Float32Array> {
    const existing = this.pending.get(key);
    if (existing) {
      this.counters.dedupHits++;
      existing.persist ||= persist;
      return existing.promise;
    }
    let resolve!: (v: Float32Array) => void;
    let reject!: (e: HippoError) => void;
    const promise = new Promise<Float32Array>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: Job = { key, text, modelId, persist, promise, resolve, reject };
    this.pending.set(key, job);
    this.queue.push(job);
    if (!this.flushScheduled) {
      // Wait one macrotask so every embed() started in this turn lands in the queue before the
      // first batch is cut: a big encodeMany is then batched by length, not by arrival.
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.pump();
      });
    }
    return promise;
  }

  private pump(): void {
    if (this.closed || this.queue.length === 0) return;
    if (this.inFlight.size > 0 && (this.inFlight.size >= this.opts.maxInFlight || !this.fullBatchWaits()))
      return;
    // Every text of a batch is padded to its longest, so cut batches from texts of similar
    // length (shortest first, which also lets a short query overtake a long import).
    if (this.queue.length > this.opts.maxBatch) this.queue.sort((a, b) => a.text.length - b.text.length);
    let take = 0;
    let chars = 0;
    while (take < this.queue.length && take < this.opts.maxBatch) {
      const next = this.queue[take]!.text.length;
      if (take > 0 && chars + next > this.opts.maxBatchChars) break;
      chars += next;
      take++;
    }
    const jobs = this.queue.splice(0, take);
    this.dispatch({ id: this.nextBatchId++, jobs, attempts: 1 });
    this.pump();
  }

  private fullBatchWaits(): boolean {
    if (this.queue.length >= this.opts.maxBatch) return true;
    let chars = 0;
    for (const job of this.queue) if ((chars += job.text.length) >= this.opts.maxBatchChars) return true;
    return false;
  }

  private dispatch(batch: Batch): void {
    this.inFlight.add(batch);
    this.startWorker().then(
      (worker) => {
        if (!this.inFlight.has(batch)) return;
        batch.worker = worker;
        // The worker answers in order: a request behind others also waits for theirs.
        let queued = 0;
        for (const other of this.inFlight) if (other.worker === worker) queued += this.timeoutFor(other);
        batch.timer = setTimeout(() => this.onTimeout(batch), queued);
        this.counters.workerBatches++;
        this.counters.workerTexts += batch.jobs.length;
        batch.sentAt = this.batchListeners.size > 0 ? performance.now() : undefined;
        worker.host.post({ type: 'embed', id: batch.id, texts: batch.jobs.map((j) => j.text) });
      },
      (e: unknown) => {
        if (!this.inFlight.has(batch)) return;
        this.failBatch(batch, toHippoError(e));
        this.pump();
      },
    );
  }

  private timeoutFor(batch: Batch): number {
    const chars = batch.jobs.reduce((n, j) => n + j.text.length, 0);
    return this.opts.requestTimeoutMs * Math.max(1, Math.ceil(chars / this.opts.maxBatchChars));
  }

  private onTimeout(batch: Batch): void {
    if (!this.inFlight.has(batch) || !batch.worker) return;
    const worker = batch.worker;
    // Forget the worker before killing it so its exit is not reported as a second crash.
    if (this.worker === worker) this.worker = null;
    this.counters.crashes++;
    worker.host.kill();
    const why = `the embedder worker did not answer within ${this.timeoutFor(batch)} ms`;
    // Requests queued behind it on the same worker are lost with it.
    for (const b of this.batchesOn(worker)) this.retryOrFail(b, why);
  }

  private batchesOn(worker: LiveWorker): Batch[] {
    return [...this.inFlight].filter((b) => b.worker === worker).sort((a, b) => a.id - b.id);
  }

  private retryOrFail(batch: Batch, why: string): void {
    clearTimeout(batch.timer);
    batch.worker = undefined;
    batch.timer = undefined;
    if (batch.attempts < 2 && !this.closed) {
      batch.attempts++;
      this.dispatch(batch);
      return;
    }
    this.failBatch(
      batch,
      new HippoError('MODEL_FAILED', `embedding failed after a worker restart and one retry: ${why}`),
    );
    this.pump();
  }

  private failBatch(batch: Batch, error: HippoError): void {
    clearTimeout(batch.timer);
    this.inFlight.delete(batch);
    this.error = error.toPayload();
    for (const job of batch.jobs) this.settle(job, error);
  }

  private settle(job: Job, outcome: Float32Array | HippoError): void {
    this.pending.delete(job.key);
    if (outcome instanceof HippoError) job.reject(outcome);
    else job.resolve(outcome);
  }

  private onWorkerMessage(worker: LiveWorker, msg: FromWorker): void {
    if (msg.type !== 'result' && msg.type !== 'error') return;
    const batch = [...this.inFlight].find((b) => b.id === msg.id);
    if (!batch || batch.worker !== worker) return;
    clearTimeout(batch.timer);
    this.inFlight.delete(batch);
    if (msg.type === 'error') {
      this.failBatch(batch, fromErrorPayload(msg.error));
    } else if (msg.vectors.length !== batch.jobs.length) {
      this.failBatch(
        batch,
        new HippoError(
          'MODEL_FAILED',
          `worker returned ${msg.vectors.length} vectors for ${batch.jobs.length} texts`,
        ),
      );
    } else {
      this.store(batch.jobs, msg.vectors, worker.modelId);
      if (batch.sentAt !== undefined)
        this.reportBatch((performance.now() - batch.sentAt) / 1000, batch.jobs.length);
    }
    this.pump();
  }

  private reportBatch(seconds: number, texts: number): void {
    for (const listener of this.batchListeners) {
      try {
        listener(seconds, texts);
      } catch {
        // An observer must never break embedding.
      }
    }
  }

  private store(jobs: Job[], vectors: Float32Array[], workerModelId: string): void {
    const toDisk: Array<[string, Float32Array]> = [];
    jobs.forEach((job, i) => {
      const vector = vectors[i]!;
      // Weights swapped between keying and embedding: the vector is right, its key is not.
      if (job.modelId === workerModelId) {
        this.lru.set(job.key, vector);
        if (job.persist) toDisk.push([job.key, vector]);
      }
      this.settle(job, vector);
    });
    if (this.opts.cache && toDisk.length > 0) {
      try {
        this.opts.cache.putMany(toDisk);
      } catch {
        this.counters.cacheErrors++;
      }
    }
  }

  private onWorkerExit(worker: LiveWorker, code: number | null, signal: string | null): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.closed) return;
    this.counters.crashes++;
    for (const batch of this.batchesOn(worker)) {
      this.retryOrFail(batch, `the embedder worker exited (code ${code}, signal ${signal})`);
    }
  }

  /**
   * Gives a client built before the database its persistent cache; Memory.open calls this.
   * A cache given to the constructor wins.
   */
  attachCache(cache: EmbeddingCacheStore): void {
    this.opts.cache ??= cache;
  }

  /**
   * Forgets a failed model load, so the next call looks for the model again at once instead of
   * after the back-off: a download has just put a new one in place. A running worker keeps its model.
   */
  reload(): void {
    this.failedAt = null;
  }

  /** Forgets a cache whose database is closing. */
  detachCache(cache: EmbeddingCacheStore): void {
    if (this.opts.cache === cache) this.opts.cache = undefined;
  }

  private startWorker(): Promise<LiveWorker> {
    if (this.closed) return Promise.reject(new HippoError('MODEL_FAILED', 'the embedder was closed'));
    if (this.worker) return Promise.resolve(this.worker);
    // A model that failed to load (corrupt file, bad export) is not reloaded on every call:
    // each attempt costs a process and a second of CPU. A missing model is re-checked at once.
    if (!this.starting && this.failedAt !== null && Date.now() - this.failedAt < this.opts.failureBackoffMs) {
      return Promise.reject(fromErrorPayload(this.error!));
    }
    if (!this.starting) {
      this.starting = this.spawn().then(
        (worker) => {
          this.starting = null;
          this.worker = worker;
          this.lastModelId = worker.modelId;
          this.error = null;
          this.failedAt = null;
          return worker;
        },
        (e: unknown) => {
          this.starting = null;
          const error = toHippoError(e);
          this.error = error.toPayload();
          this.failedAt = error.code === 'MODEL_MISSING' ? null : Date.now();
          throw error;
        },
      );
    }
    return this.starting;
  }

  private async spawn(): Promise<LiveWorker> {
    // Re-resolved on every start so a model fetched while we run is picked up.
    const spec = this.spec;
    const modelDir = this.opts.resolveModelDir(spec);
    if (this.everStarted) this.counters.restarts++;
    this.everStarted = true;
    const host = this.opts.hostFactory();
    return new Promise<LiveWorker>((resolve, reject) => {
      let live: LiveWorker | null = null;
      const fail = (e: HippoError): void => {
        clearTimeout(timer);
        host.kill();
        reject(e);
      };
      const timer = setTimeout(
        () =>
          fail(
            new HippoError(
              'MODEL_FAILED',
              `the embedder worker did not load ${modelDir} within ${this.opts.initTimeoutMs} ms`,
            ),
          ),
        this.opts.initTimeoutMs,
      );
      host.onMessage((msg) => {
        if (live) {
          this.onWorkerMessage(live, msg);
        } else if (msg.type === 'ready') {
          clearTimeout(timer);
          if (this.closed) {
            host.kill();
            reject(new HippoError('MODEL_FAILED', 'the embedder was closed'));
            return;
          }
          if (spec !== this.spec) {
            host.kill();
            reject(new HippoError('MODEL_FAILED', `the embedding model was switched to ${this.spec.name}`));
            return;
          }
          if (msg.dims !== spec.dims) {
            host.kill();
            reject(
              new HippoError(
                'MODEL_FAILED',
                `${modelDir} makes ${msg.dims}-dimensional vectors; ${spec.name} makes ${spec.dims}`,
              ),
            );
            return;
          }
          live = { host, modelId: msg.modelId };
          resolve(live);
        } else if (msg.type === 'init-failed') {
          fail(fromErrorPayload(msg.error));
        }
      });
      host.onExit((code, signal) => {
        if (live) this.onWorkerExit(live, code, signal);
        else
          fail(
            new HippoError(
              'MODEL_FAILED',
              `the embedder worker exited (code ${code}, signal ${signal}) while loading ${modelDir}`,
            ),
          );
      });
      host.post({
        type: 'init',
        modelDir,
        threads: this.opts.threads,
        model: { name: spec.name, dims: spec.dims, pooling: spec.pooling },
      });
    });
  }
}

function toHippoError(e: unknown): HippoError {
  return e instanceof HippoError ? e : fromErrorPayload(toErrorPayload(e));
}

export interface NodeEmbedderOptions extends Omit<EmbedderClientOptions, 'hostFactory' | 'resolveModelDir'> {
  /** Environment for HIPPO_MODEL_DIR / HIPPO_HOME; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Packaged resources folder (Electron's process.resourcesPath). */
  resourcesPath?: string;
  /** User data root; defaults to defaultUserDataDir(env). */
  userDataDir?: string;
  /** Use this model folder instead of searching. */
  modelDir?: string;
  /** Built worker script; defaults to <package root>/dist/embedder-worker.mjs. */
  workerPath?: string;
}

/** An EmbedderClient whose worker is a child_process.fork, for the CLI, servers and tests. */
/**
 * An EmbedderClient whose worker is a child_process.fork, for the CLI, servers and tests. The model
 * is opts.model, else the one chosen in the settings (HIPPO_EMBEDDING_MODEL overriding them).
 */
export function createNodeEmbedder(opts: NodeEmbedderOptions = {}): EmbedderClient {
  const { env = process.env, resourcesPath, userDataDir, modelDir, workerPath, model, ...clientOpts } = opts;
  const root = userDataDir ?? defaultUserDataDir(env);
  return new EmbedderClient({
    ...clientOpts,
    model: model ?? selectedModel(env, root),
    hostFactory: nodeWorkerHostFactory({ workerPath }),
    resolveModelDir: (spec) =>
      resolveModelDir(
        modelDir ? [modelDir] : modelSearchPaths({ env, resourcesPath, userDataDir: root, model: spec }),
        spec,
      ),
  });
}

/**
 * Embedding for a server: `workers` node clients (default: two on a machine with two or more
 * cores, one otherwise), each worker single-threaded unless `threads` says otherwise.
 */
export function createNodeEmbedderPool(
  opts: NodeEmbedderOptions & { workers?: number; cores?: number } = {},
): ManagedEmbedder {
  const { workers, cores = availableParallelism(), ...rest } = opts;
  const n = Math.max(1, workers ?? Math.min(2, cores));
  if (n === 1) return createNodeEmbedder(rest);
  return new EmbedderPool(Array.from({ length: n }, () => createNodeEmbedder({ threads: 1, ...rest })));
}
