import type { Embedder } from '../embedder/types';
import type { FactsRepo } from './facts-repo';
import type { LabelsRepo } from './labels-repo';
import type { Db } from './open-db';

export interface MemoryTuning {
  /** Cosine at or above which a new fact of the same category merges into an existing one. */
  mergeThreshold: number;
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
}

export const DEFAULT_TUNING: MemoryTuning = {
  mergeThreshold: 0.95,
  labelThreshold: 0.5,
  minVectorSimilarity: 0.15,
  candidateDepth: 50,
  vectorWeight: 1,
  textWeight: 1,
  contextWeight: 0.3,
};

/** What encode and recall share; owned by Memory. */
export interface MemoryContext {
  db: Db;
  facts: FactsRepo;
  labels: LabelsRepo;
  embedder: Embedder | null;
  tuning: MemoryTuning;
  /** The model id when embeddings can be made now, else null (text-only mode). */
  activeModel(): Promise<string | null>;
  now(): number;
}
