import { hostname } from 'node:os';
import type pg from 'pg';
import {
  DEFAULT_SPACE,
  EncodeInput,
  LIMITS,
  RecallInput,
  SpaceName,
  parseInput,
  timestampToMs,
  type EncodeResult,
  type RecallFilters,
  type RecallMode,
  type SearchResult,
  type Stats,
} from '../../shared/contract';
import { HippoError } from '../../shared/errors';
import type { Embedder } from '../embedder/types';
import { itemFromInput } from '../memory/encode';
import { DEFAULT_TUNING, type MemoryTuning } from '../memory/memory-context';
import { Bm25Tokenizer } from './pg-bm25';
import { openPgPool, redactUrl, type PgPoolOptions } from './pg-connect';
import { pgEncodeItems } from './pg-encode';
import { migratePg } from './pg-migrate';
import {
  currentVectorIndex,
  rebuildVectorIndex,
  type VectorIndexInfo,
  type VectorIndexKind,
} from './pg-vector-index';
import {
  pgExplainRecall,
  pgRecall,
  type ExplainedStep,
  type PgFactFilters,
  type WordRanking,
} from './pg-recall';

export interface PostgresStoreOptions {
  url: string;
  /** The embedder; null or a missing model means text-only mode, as for SQLite. */
  embedder?: Embedder | null;
  space?: string;
  tuning?: Partial<MemoryTuning>;
  /** origin_device of the rows this store writes; default "pg:<host name>". */
  device?: string;
  pool?: PgPoolOptions;
  now?: () => number;
  /** How recall ranks words; default 'bm25' (SQLite's ranking). See PgRecallDeps. */
  wordRanking?: WordRanking;
}

/**
 * The engine's encode and recall with Postgres + pgvector as the store (issue 6): the same
 * contract, validation, thresholds, depth and fusion as the SQLite Memory. Ids: facts carry a
 * uid (uuid) across devices; the integer ids this store shows (EncodeResult.id,
 * SearchResult.fact_id) are facts.id, a bigint identity local to this Postgres, so they differ
 * from a SQLite file's ids for the same fact.
 */
export class PostgresStore {
  readonly space: string;
  private readonly tuning: MemoryTuning;
  private readonly tokenizer = new Bm25Tokenizer();
  private lastMode: RecallMode = 'text-only';
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
    readonly schemaVersion: number,
    private readonly iterativeScan: boolean,
    private vectorIndex: VectorIndexInfo,
    private readonly embedder: Embedder | null,
    private readonly device: string,
    private readonly now: () => number,
    private readonly opts: PostgresStoreOptions,
  ) {
    this.space = parseInput(SpaceName, opts.space ?? DEFAULT_SPACE, 'space');
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning };
  }

  /** Connects, migrates the schema and checks pgvector. Throws HippoError on failure. */
  static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = await openPgPool(opts.url, opts.pool);
    try {
      const migrated = await migratePg(pool);
      const v = await pool.query<{ extversion: string }>(
        "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
      );
      const [major = 0, minor = 0] = (v.rows[0]?.extversion ?? '0.0').split('.').map(Number);
      return new PostgresStore(
        pool,
        opts.url,
        migrated.to,
        major > 0 || minor >= 8,
        await currentVectorIndex(pool),
        opts.embedder ?? null,
        opts.device ?? `pg:${hostname()}`,
        opts.now ?? Date.now,
        opts,
      );
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
  }

  /** 'hybrid' when the model is loaded, 'text-only' while it is missing. */
  get mode(): RecallMode {
    return this.lastMode;
  }

  private async activeModel(): Promise<string | null> {
    if (!this.embedder || !(await this.embedder.ready()) || !this.embedder.modelId) {
      this.lastMode = 'text-only';
      return null;
    }
    this.lastMode = 'hybrid';
    return this.embedder.modelId;
  }

  private assertOpen(): void {
    if (this.closed) throw new HippoError('INTERNAL', 'Postgres store is closed');
  }

  private deps(model: string | null) {
    return {
      pool: this.pool,
      tokenizer: this.tokenizer,
      embedder: this.embedder,
      model,
      tuning: this.tuning,
      device: this.device,
      now: this.now,
      iterativeScan: this.iterativeScan,
      vectorIndex: this.vectorIndex,
      wordRanking: this.opts.wordRanking,
    };
  }

  async encode(input: unknown): Promise<EncodeResult> {
    this.assertOpen();
    const parsed = parseInput(EncodeInput, input);
    const [result] = await pgEncodeItems(this.deps(await this.activeModel()), [
      itemFromInput(parsed, this.space),
    ]);
    return result!;
  }

  /** One transaction for the batch; one bad item rejects it whole, naming its index. */
  async encodeMany(inputs: unknown[], opts: { space?: string } = {}): Promise<EncodeResult[]> {
    this.assertOpen();
    if (!Array.isArray(inputs) || inputs.length === 0)
      throw new HippoError('BAD_INPUT', 'facts: must be a non-empty array');
    if (inputs.length > LIMITS.encodeManyMax)
      throw new HippoError('BAD_INPUT', `facts: at most ${LIMITS.encodeManyMax} facts per batch`);
    const space = opts.space ? parseInput(SpaceName, opts.space, 'space') : this.space;
    const items = inputs.map((raw, i) => itemFromInput(parseInput(EncodeInput, raw, `facts[${i}]`), space));
    return pgEncodeItems(this.deps(await this.activeModel()), items);
  }

  async recall(query: string, context?: string, options: RecallFilters = {}): Promise<SearchResult[]> {
    this.assertOpen();
    const input = parseInput(RecallInput, {
      ...options,
      query,
      ...(context === undefined ? {} : { context }),
    });
    const space = input.space ?? this.space;
    const outcome = await pgRecall(this.deps(await this.activeModel()), {
      space,
      query: input.query,
      context: input.context,
      limit: input.limit ?? 10,
      filters: await this.filtersOf(space, input),
    });
    return outcome.results;
  }

  /** EXPLAIN (ANALYZE, BUFFERS) of each query recall would run for this query (`hippo db explain`). */
  async explainRecall(query: string, options: RecallFilters = {}): Promise<ExplainedStep[]> {
    this.assertOpen();
    const input = parseInput(RecallInput, { ...options, query });
    const space = input.space ?? this.space;
    return pgExplainRecall(this.deps(await this.activeModel()), {
      space,
      query: input.query,
      limit: input.limit ?? 10,
      filters: await this.filtersOf(space, input),
    });
  }

  private async filtersOf(space: string, f: RecallFilters): Promise<PgFactFilters> {
    const out: PgFactFilters = {};
    if (f.category !== undefined) out.category = f.category;
    if (f.minConfidence !== undefined) out.minConfidence = f.minConfidence;
    if (f.since !== undefined) out.since = timestampToMs(f.since);
    if (f.until !== undefined) out.until = timestampToMs(f.until);
    if (f.label !== undefined) {
      // An unknown label matches nothing rather than everything.
      const l = await this.pool.query<{ uid: string }>(
        'SELECT uid FROM labels WHERE space = $1 AND lower(name) = lower($2) AND deleted_at IS NULL',
        [space, f.label],
      );
      out.labelUid = l.rows[0]?.uid ?? null;
    }
    return out;
  }

  async stats(opts: { space?: string } = {}): Promise<Stats> {
    this.assertOpen();
    const space = opts.space ?? this.space;
    const model = await this.activeModel();
    const counts = await this.pool.query<{
      category: string;
      live: string;
      deleted: string;
      pending: string;
    }>(
      `SELECT category,
              count(*) FILTER (WHERE deleted_at IS NULL) AS live,
              count(*) FILTER (WHERE deleted_at IS NOT NULL) AS deleted,
              count(*) FILTER (WHERE deleted_at IS NULL AND embedding IS NULL) AS pending
         FROM facts WHERE space = $1 AND superseded_by IS NULL GROUP BY category`,
      [space],
    );
    const labels = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM labels WHERE space = $1 AND deleted_at IS NULL',
      [space],
    );
    const size = await this.pool.query<{ bytes: string }>(
      'SELECT pg_database_size(current_database()) AS bytes',
    );
    const categories: Record<string, number> = {};
    let live = 0;
    let deleted = 0;
    let pending = 0;
    for (const r of counts.rows) {
      if (Number(r.live) > 0) categories[r.category] = Number(r.live);
      live += Number(r.live);
      deleted += Number(r.deleted);
      pending += Number(r.pending);
    }
    return {
      space,
      facts: live,
      deleted,
      labels: Number(labels.rows[0]!.n),
      categories,
      pending_embeddings: pending,
      mode: model ? 'hybrid' : 'text-only',
      model,
      db_path: redactUrl(this.url),
      db_bytes: Number(size.rows[0]!.bytes),
      schema_version: this.schemaVersion,
    };
  }

  /** The facts' cosine index now. */
  get vectorIndexInfo(): VectorIndexInfo {
    return this.vectorIndex;
  }

  /** Rebuilds the facts' cosine index as HNSW (default) or ivfflat (lists from today's rows). */
  async useVectorIndex(kind: VectorIndexKind): Promise<VectorIndexInfo> {
    this.assertOpen();
    this.vectorIndex = await rebuildVectorIndex(this.pool, kind);
    return this.vectorIndex;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tokenizer.close();
    await this.pool.end();
  }
}
