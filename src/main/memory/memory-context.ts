import type { Embedder } from '../embedder/types';
import type { FactsRepo } from './facts-repo';
import type { LabelsRepo } from './labels-repo';
import type { Db } from './open-db';

export interface MemoryTuning {
  /** Cosine at or above which a new fact of the same category merges into an existing one. */
  mergeThreshold: number;
  /**
   * Cosine at or above which (and below mergeThreshold) a current fact sharing the new one's label
   * or category is offered as a possible update (see possible-updates.ts).
   */
  updateThreshold: number;
  /** Cosine at or above which a fact without an explicit label joins the nearest label. */
  labelThreshold: number;
  /**
   * A fact found only by its vector must be at least this similar to the query: KNN always
   * returns k neighbours, and for a query about nothing stored they are noise.
   */
  minVectorSimilarity: number;
  /** Candidates taken from each of the vector and text lists before fusion. */
  candidateDepth: number;
  /** RRF weights of the vector and text lists. */
  vectorWeight: number;
  textWeight: number;
  /** Weight of the optional recall context relative to the query when blending their vectors. */
  contextWeight: number;
  /**
   * A query word no fact holds stands for the words it starts (search as you type) or the one
   * it misspells (word-expansion.ts). Words some fact holds are never expanded.
   */
  expandUnknownWords: boolean;
}

export const DEFAULT_TUNING: MemoryTuning = {
  mergeThreshold: 0.95,
  labelThreshold: 0.5,
  updateThreshold: 0.55,
  minVectorSimilarity: 0.15,
  candidateDepth: 50,
  vectorWeight: 1,
  textWeight: 1,
  contextWeight: 0.3,
  expandUnknownWords: true,
};

/**
 * What a timed database step was: the vector scan and the word search of a recall, the
 * near-duplicate scan of an encode, the encode's write transaction, a list page.
 */
export type QueryType = 'knn' | 'fts' | 'encode_knn' | 'encode_write' | 'list';

/** Told how long a database step took, for metrics. */
export type QueryTimingListener = (type: QueryType, seconds: number) => void;

/** What encode and recall share; owned by Memory. */
export interface MemoryContext {
  db: Db;
  facts: FactsRepo;
  labels: LabelsRepo;
  embedder: Embedder | null;
  tuning: MemoryTuning;
  /** The model id when embeddings can be made now, else null (text-only mode). */
  activeModel(): Promise<string | null>;
  /**
   * The model whose vectors recall may search: the active one, or null (words only) while it
   * re-embeds after a model switch. Never a model other than the active one.
   */
  searchModel(): Promise<string | null>;
  now(): number;
  /** Empty unless metrics listen; timed() then costs nothing but a size check. */
  queryListeners: Set<QueryTimingListener>;
}

/** Runs a synchronous database step, timing it only when someone listens. */
export function timed<T>(ctx: Pick<MemoryContext, 'queryListeners'>, type: QueryType, step: () => T): T {
  if (ctx.queryListeners.size === 0) return step();
  const started = performance.now();
  try {
    return step();
  } finally {
    const seconds = (performance.now() - started) / 1000;
    for (const listener of ctx.queryListeners) {
      try {
        listener(type, seconds);
      } catch {
        // An observer must never break a query.
      }
    }
  }
}
