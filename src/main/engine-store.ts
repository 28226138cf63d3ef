import type {
  EncodeResult,
  ExportedFact,
  Fact,
  FactVersion,
  Label,
  LabelVersion,
  ListResult,
  RecallFilters,
  RecallMode,
  RecallResponse,
  SearchResult,
  Stats,
} from '../shared/contract';
import type { EmbedPendingProgress, Memory, SourcedFact } from './memory/memory';
import type { QueryTimingListener } from './memory/memory-context';
import type { PostgresStore } from './sync/postgres-store';

type Maybe<T> = T | Promise<T>;
interface InSpace {
  space?: string;
}

/**
 * The engine as the CLI and the MCP server use it, whichever store holds the facts: SQLite's
 * Memory (some answers synchronous) or Postgres's PostgresStore (all asynchronous). Callers await
 * every answer. Both classes are checked against it below, so neither can drift from the other.
 */
export interface EngineStore {
  /** Space used when a request names none. */
  readonly space: string;
  /** 'hybrid' once the model is loaded, 'text-only' while it is missing. */
  readonly mode: RecallMode;
  encode(input: unknown): Promise<EncodeResult>;
  encodeMany(inputs: unknown[], opts?: InSpace): Promise<EncodeResult[]>;
  recall(query: string, context?: string, options?: RecallFilters): Promise<SearchResult[]>;
  /** recall() with the mode and how the query's time words were read: what every face answers. */
  recallDetailed(query: string, context?: string, options?: RecallFilters): Promise<RecallResponse>;
  stats(opts?: InSpace): Promise<Stats>;
  list(input?: unknown): Maybe<ListResult>;
  get(id: number, opts?: InSpace): Maybe<Fact>;
  update(id: number, patch: unknown, opts?: InSpace): Promise<Fact>;
  forget(id: number, opts?: InSpace): Maybe<Fact>;
  restore(id: number, opts?: InSpace): Maybe<Fact>;
  purge(id: number, opts?: InSpace): Maybe<void>;
  /** The fact's other versions (supersede chain and earlier wordings), newest first. */
  history(id: number, opts?: InSpace): Maybe<FactVersion[]>;
  /** Marks old_id superseded by new_id (both current); answers the new fact. */
  supersede(input: unknown): Maybe<Fact>;
  /** Makes a superseded fact current again; the one that replaced it stays. */
  unsupersede(id: number, opts?: InSpace): Maybe<Fact>;
  labelsList(opts?: InSpace): Maybe<Label[]>;
  renameLabel(id: number, name: unknown, opts?: InSpace): Promise<Label>;
  mergeLabels(from: number, into: number, opts?: InSpace): Maybe<Label>;
  labelHistory(id: number, opts?: InSpace): Maybe<LabelVersion[]>;
  importRecords(records: ExportedFact[], opts?: InSpace): Promise<EncodeResult[]>;
  /** Live facts whose source starts with prefix, oldest first (what a notes-folder re-import updates). */
  factsWithSourcePrefix(prefix: string, opts?: InSpace): Maybe<SourcedFact[]>;
  exportRecords(opts?: InSpace): Iterable<ExportedFact> | AsyncIterable<ExportedFact>;
  embedPending(opts?: {
    maxMs?: number;
    signal?: AbortSignal;
    onProgress?: (p: EmbedPendingProgress) => void;
  }): Promise<EmbedPendingProgress>;
  /**
   * Tells the listener how long each database step took (recall's knn and fts, encode's
   * encode_knn and encode_write, list), for /metrics; returns a function that removes it.
   */
  onQueryTimed(listener: QueryTimingListener): () => void;
  close(): Promise<void>;
}

// Compile-time only: a store missing a method, or answering with another type, fails the build here.
type Implements<T extends EngineStore> = T;
export type StoresImplementEngine = [Implements<Memory>, Implements<PostgresStore>];
