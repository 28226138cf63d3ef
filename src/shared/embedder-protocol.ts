/**
 * Messages between the embedder client (main process / CLI) and the embedder worker
 * (Electron utilityProcess in the app, child_process.fork under Node). Both sides use
 * structured-clone serialization, so Float32Array travels as is.
 */
import type { ErrorPayload } from './errors';
import type { ModelRuntime } from './model-catalog';

/** MiniLM's width: the dimension of the vector tables a new database starts with. */
export const EMBEDDING_DIMS = 384;
/** sentence-transformers' window for all-MiniLM-L6-v2, in tokens including [CLS] and [SEP]. */
export const MODEL_MAX_TOKENS = 256;

export type ToWorker =
  /** `model` says how to pool and how wide the output is; absent means MiniLM (mean, 384). */
  | { type: 'init'; modelDir: string; threads?: number; model?: ModelRuntime }
  | { type: 'embed'; id: number; texts: string[] }
  | { type: 'shutdown' };

export type FromWorker =
  | { type: 'ready'; modelId: string; dims: number }
  | { type: 'init-failed'; error: ErrorPayload }
  | { type: 'result'; id: number; vectors: Float32Array[] }
  | { type: 'error'; id: number; error: ErrorPayload };
