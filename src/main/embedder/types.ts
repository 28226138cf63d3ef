import type { FromWorker, ToWorker } from '../../shared/embedder-protocol';

/** Turns texts into L2-normalized vectors (384 or 768 floats, by model), one per text, in order. */
export interface Embedder {
  /** Identifies the loaded weights (part of every cache key); null until the model is ready. */
  readonly modelId: string | null;
  /** The width of its vectors; absent means 384 (MiniLM). */
  readonly dims?: number;
  /**
   * Loads the model if needed. Resolves false (never throws) when no model files are found,
   * so callers can run in text-only mode; `lastError` then says why.
   */
  ready(): Promise<boolean>;
  readonly lastError: { code: string; message: string } | null;
  /** Throws HippoError MODEL_MISSING when there is no model, MODEL_FAILED when it cannot run. */
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]>;
  close(): Promise<void>;
  /** Optional: use this persistent cache (the engine's SQLite table) from now on. */
  attachCache?(cache: EmbeddingCacheStore): void;
  detachCache?(cache: EmbeddingCacheStore): void;
}

export interface EmbedOptions {
  /**
   * Keep the vectors in the persistent cache too (default true). Recall passes false: a query is
   * rarely asked twice, and writing each one to disk would cost the server a write per request;
   * the in-memory LRU still catches repeats.
   */
  persist?: boolean;
  /**
   * The texts are recall queries: the model's query instruction (bge-base's "Represent this
   * sentence for searching relevant passages: ") is put before each. Stored facts never get it.
   */
  query?: boolean;
}

/**
 * A process that runs src/utility/embedder-worker. Under Node it is child_process.fork
 * (node-worker-host.ts); in the app it is Electron's utilityProcess (src/main/utility-host.ts).
 */
export interface WorkerHost {
  post(msg: ToWorker): void;
  onMessage(cb: (msg: FromWorker) => void): void;
  /** Called once when the process ends, for whatever reason. */
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type WorkerHostFactory = () => WorkerHost;

/** Persistent embedding cache (SQLite table in the engine); keys are hex sha256 strings. */
export interface EmbeddingCacheStore {
  getMany(keys: string[]): Map<string, Float32Array>;
  putMany(entries: Array<[string, Float32Array]>): void;
}
