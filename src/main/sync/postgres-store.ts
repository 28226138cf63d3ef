import { hostname } from 'node:os';
import type pg from 'pg';
import {
  DEFAULT_SPACE,
  EncodeInput,
  ExportedFact,
  FactPatch,
  LabelName,
  ListInput,
  RecallInput,
  SpaceName,
  SupersedeInput,
  parseInput,
  timestampToMs,
  type EncodeResult,
  type Fact,
  type FactVersion,
  type Label,
  type LabelVersion,
  type ListResult,
  type RecallFilters,
  type RecallMode,
  type RecallResponse,
  type SearchResult,
  type Stats,
} from '../../shared/contract';
import { HippoError } from '../../shared/errors';
import type { Embedder } from '../embedder/types';
import type { EmbedPendingProgress, SourcedFact } from '../memory/memory';
import { itemFromInput, itemsFromBatch } from '../memory/encode';
import { DEFAULT_TUNING, type MemoryTuning, type QueryTimingListener } from '../memory/memory-context';
import { parseRecallArgs } from '../memory/recall';
import { planRecallTime } from '../memory/recall-time';
import { Bm25Tokenizer } from './pg-bm25';
import { openPgPool, redactUrl, type PgPoolOptions } from './pg-connect';
import { pgEncodeItems } from './pg-encode';
import { FACT_SELECT, NOT_PURGED, inPgWrite, timedPg, toFact, type FactQueryRow } from './pg-fact-rows';
import { pgEmbedPending, pgExportRecords, pgPurgeFact, pgUpdateFact } from './pg-facts';
import { pgFactVersions, pgPossibleUpdates, pgSupersede, pgUnsupersede } from './pg-supersede';
import { pgLabelHistory, pgLabelsList, pgMergeLabels, pgRenameLabel, pgRequireLabel } from './pg-labels';
import { migratePg } from './pg-migrate';
import { PG_EMBEDDING_DIMS } from './sync-local';
import {
  currentVectorIndex,
  rebuildVectorIndex,
  type VectorIndexInfo,
  type VectorIndexKind,
} from './pg-vector-index';
import {
  pgExplainRecall,
  pgFilterSql,
  pgLiveSql,
  pgRecall,
  type ExplainedStep,
  type PgFactFilters,
  type WordRanking,
} from './pg-recall';
import { embedFactTexts } from '../memory/passages';

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
 * The engine with Postgres + pgvector as the store (issue 6): everything the SQLite Memory does
 * (EngineStore, src/main/engine-store.ts), with the same contract, validation, errors,
 * thresholds, depth and fusion; the SQL lives in the pg-*.ts modules. Every write is one
 * transaction under the sync write lock that bumps version and origin_device, so devices syncing
 * against this Postgres pull it. Ids: facts and labels carry a uid (uuid) across devices; the
 * integer ids this store shows (Fact.id, SearchResult.fact_id, Label.id) are identities local to
 * this Postgres, so they differ from a SQLite file's ids for the same fact. Access counts live in
 * fact_access (migration 0005), per store and never synced, so a recall changes nothing a device pulls.
 */
export class PostgresStore {
  readonly space: string;
  private readonly tuning: MemoryTuning;
  private readonly tokenizer = new Bm25Tokenizer();
  private lastMode: RecallMode = 'text-only';
  private closed = false;
  /** Embedding runs still writing; close waits for them. */
  private readonly running = new Set<Promise<unknown>>();
  /** Empty unless metrics listen; timing then costs nothing but a size check. */
  private readonly queryListeners = new Set<QueryTimingListener>();

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
    // Its vector columns are vector(384): a wider model's vectors cannot be stored or searched there.
    const dims = opts.embedder?.dims ?? PG_EMBEDDING_DIMS;
    if (dims !== PG_EMBEDDING_DIMS)
      throw new HippoError(
        'NOT_SUPPORTED',
        `the Postgres store holds ${PG_EMBEDDING_DIMS}-dimension vectors (the minilm model) and the chosen model ` +
          `makes ${dims}: use the SQLite store, or \`hippo model use minilm\``,
      );
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

  /**
   * Calls the listener with the duration of each timed database step, as Memory.onQueryTimed:
   * recall's vector ('knn') and word ('fts') queries, encode's near-duplicate scans
   * ('encode_knn') and its write transaction ('encode_write'), a list page ('list'), each
   * measured from query sent to answer received. Returns a function that removes it.
   */
  onQueryTimed(listener: QueryTimingListener): () => void {
    this.queryListeners.add(listener);
    return () => this.queryListeners.delete(listener);
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
      queryListeners: this.queryListeners,
    };
  }

  async encode(input: unknown): Promise<EncodeResult> {
    this.assertOpen();
    const parsed = parseInput(EncodeInput, input);
    const model = await this.activeModel();
    const [result] = await pgEncodeItems(this.deps(model), [itemFromInput(parsed, this.space)]);
    // As Memory.encode: a fact that replaces another on purpose is no one's possible update.
    if (result!.status !== 'created' || parsed.supersedes !== undefined) return result!;
    const updates = await pgPossibleUpdates(this.pool, result!.id, model, this.tuning);
    return updates.length > 0 ? { ...result!, possible_updates: updates } : result!;
  }

  /** One transaction for the batch; one bad item rejects it whole, naming its index. */
  async encodeMany(inputs: unknown[], opts: { space?: string } = {}): Promise<EncodeResult[]> {
    this.assertOpen();
    const space = opts.space ? parseInput(SpaceName, opts.space, 'space') : this.space;
    const items = itemsFromBatch(inputs, space);
    return pgEncodeItems(this.deps(await this.activeModel()), items);
  }

  /**
   * Recalls as Memory.recall does, counting each result as recalled (access_count and
   * last_accessed_at, kept in fact_access: per store, never synced); `trackAccess: false` looks
   * without counting, as memory:similar does with SQLite.
   */
  async recall(
    query: string,
    context?: string,
    options: RecallFilters & { trackAccess?: boolean } = {},
  ): Promise<SearchResult[]> {
    return (await this.recallDetailed(query, context, options)).results;
  }

  /** recall() with the mode and how the query's time words were read, as Memory.recallDetailed. */
  async recallDetailed(
    query: string,
    context?: string,
    options: RecallFilters & { trackAccess?: boolean } = {},
  ): Promise<RecallResponse> {
    this.assertOpen();
    const { input, trackAccess } = parseRecallArgs(query, context, options);
    const space = input.space ?? this.space;
    const plan = planRecallTime(input, this.now());
    const time = plan.time ? { time: plan.time } : {};
    if (plan.empty) return { mode: this.mode, results: [], ...time };
    const outcome = await pgRecall(this.deps(await this.activeModel()), {
      space,
      query: plan.query,
      context: input.context,
      limit: input.limit ?? 10,
      filters: await this.filtersOf(space, { ...input, since: plan.since, until: plan.until }),
      trackAccess,
      now: plan.now,
      explain: input.explain,
      byRecency: plan.byRecency,
    });
    return { mode: this.mode, results: outcome.results, ...time };
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

  private async filtersOf(
    space: string,
    f: Pick<RecallFilters, 'category' | 'minConfidence' | 'since' | 'until' | 'label' | 'as_of'>,
  ): Promise<PgFactFilters> {
    const out: PgFactFilters = {};
    if (f.as_of !== undefined) out.asOf = timestampToMs(f.as_of);
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
         FROM facts f WHERE space = $1 AND superseded_by IS NULL AND ${NOT_PURGED} GROUP BY category`,
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

  /** Facts newest first, as Memory.list. */
  async list(input: unknown = {}): Promise<ListResult> {
    this.assertOpen();
    const p = parseInput(ListInput, input);
    const limit = p.limit ?? 50;
    const offset = p.offset ?? 0;
    const space = p.space ?? this.space;
    const params: unknown[] = [space];
    const deleted = p.deleted ?? 'exclude';
    if (p.as_of !== undefined && deleted !== 'exclude')
      throw new HippoError(
        'BAD_INPUT',
        'deleted: as_of lists the facts current then, which leaves out those forgotten by then',
      );
    const filters = await this.filtersOf(space, p);
    let where = `f.space = $1 AND ${NOT_PURGED}`;
    if (filters.asOf !== undefined) where += ` AND ${pgLiveSql(filters, params)}`;
    else where += ' AND f.superseded_by IS NULL';
    if (deleted === 'exclude' && filters.asOf === undefined) where += ' AND f.deleted_at IS NULL';
    if (deleted === 'only') where += ' AND f.deleted_at IS NOT NULL';
    where += pgFilterSql(filters, params);
    const [total, rows] = await timedPg(this.queryListeners, 'list', async () => [
      await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM facts f WHERE ${where}`, params),
      await this.pool.query<FactQueryRow>(
        `${FACT_SELECT} WHERE ${where} ORDER BY f.created_at DESC, f.id DESC
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, limit, offset],
      ),
    ]);
    return { facts: rows.rows.map((r) => toFact(r)), total: Number(total.rows[0]!.n), limit, offset };
  }

  async get(id: number, opts: { space?: string } = {}): Promise<Fact> {
    this.assertOpen();
    return toFact(await this.requireFact(id, opts.space));
  }

  private async requireFact(id: number, space?: string): Promise<FactQueryRow> {
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new HippoError('BAD_INPUT', `id: must be a positive integer, got ${id}`);
    const sp = space ?? this.space;
    const r = await this.pool.query<FactQueryRow>(
      `${FACT_SELECT} WHERE f.id = $1 AND f.space = $2 AND f.superseded_by IS NULL AND ${NOT_PURGED}`,
      [id, sp],
    );
    if (!r.rows[0]) throw new HippoError('NOT_FOUND', `no fact with id ${id} in space "${sp}"`);
    return r.rows[0];
  }

  /** Soft delete, undoable with restore (times as SQLite's Memory sets them, for sync's rule). */
  async forget(id: number, opts: { space?: string } = {}): Promise<Fact> {
    this.assertOpen();
    const row = await this.requireFact(id, opts.space);
    if (row.deleted_at === null) await this.writeFact(id, 'deleted_at = $2');
    return this.get(id, opts);
  }

  async restore(id: number, opts: { space?: string } = {}): Promise<Fact> {
    this.assertOpen();
    const row = await this.requireFact(id, opts.space);
    if (row.deleted_at !== null) {
      const twin = await this.pool.query<{ id: string }>(
        `SELECT id FROM facts WHERE space = $1 AND content_hash = $2 AND deleted_at IS NULL AND superseded_by IS NULL`,
        [row.space, row.content_hash],
      );
      if (twin.rows[0])
        throw new HippoError(
          'BAD_INPUT',
          `fact ${id} cannot be restored: fact ${twin.rows[0].id} already holds the same content`,
        );
      await this.writeFact(id, 'deleted_at = NULL, updated_at = $2');
    }
    return this.get(id, opts);
  }

  private async writeFact(id: number, set: string): Promise<void> {
    await inPgWrite(this.pool, async (client) => {
      await client.query(`UPDATE facts SET ${set}, version = version + 1, origin_device = $3 WHERE id = $1`, [
        id,
        this.now(),
        this.device,
      ]);
    });
  }

  /** Edits a fact in place as Memory.update does; a content change re-embeds it (or leaves it pending). */
  async update(id: number, patch: unknown, opts: { space?: string } = {}): Promise<Fact> {
    this.assertOpen();
    const p = parseInput(FactPatch, patch);
    const row = await this.requireFact(id, opts.space);
    const model = p.content !== undefined ? await this.activeModel() : null;
    const vector =
      p.content !== undefined && model && this.embedder
        ? (await embedFactTexts(this.embedder, [p.content]))[0]
        : undefined;
    await pgUpdateFact(this.writeDeps(), row, p, vector && model ? { vector, model } : null);
    return this.get(id, opts);
  }

  /** Removes a fact and its history for good (a tombstone for sync). Only deleted facts can be purged. */
  async purge(id: number, opts: { space?: string } = {}): Promise<void> {
    this.assertOpen();
    const row = await this.requireFact(id, opts.space);
    if (row.deleted_at === null)
      throw new HippoError('BAD_INPUT', `fact ${id} is not deleted; forget it first, then purge`);
    await pgPurgeFact(this.writeDeps(), row);
  }

  /** Live facts whose source starts with `prefix`, oldest first, as Memory.factsWithSourcePrefix. */
  async factsWithSourcePrefix(prefix: string, opts: { space?: string } = {}): Promise<SourcedFact[]> {
    this.assertOpen();
    if (prefix === '') throw new HippoError('BAD_INPUT', 'prefix: must not be empty');
    const r = await this.pool.query<{
      id: string | number;
      content: string;
      content_hash: string;
      source: string;
    }>(
      `SELECT f.id, f.content, f.content_hash, f.source FROM facts f
        WHERE f.space = $1 AND starts_with(f.source, $2) AND f.deleted_at IS NULL
          AND f.superseded_by IS NULL AND ${NOT_PURGED}
        ORDER BY f.id`,
      [opts.space ?? this.space, prefix],
    );
    return r.rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  /** The fact's other versions (supersede chain and earlier wordings), newest first, as Memory.history. */
  async history(id: number, opts: { space?: string } = {}): Promise<FactVersion[]> {
    this.assertOpen();
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new HippoError('BAD_INPUT', `id: must be a positive integer, got ${id}`);
    return pgFactVersions(this.pool, id, opts.space ?? this.space);
  }

  /** Marks old_id superseded by new_id, as Memory.supersede; answers the new fact. */
  async supersede(input: unknown): Promise<Fact> {
    this.assertOpen();
    const p = parseInput(SupersedeInput, input);
    const space = p.space ?? this.space;
    await pgSupersede(this.writeDeps(), p, space);
    return this.get(p.new_id, { space });
  }

  /** Makes a superseded fact current again, as Memory.unsupersede. */
  async unsupersede(id: number, opts: { space?: string } = {}): Promise<Fact> {
    this.assertOpen();
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new HippoError('BAD_INPUT', `id: must be a positive integer, got ${id}`);
    const space = opts.space ?? this.space;
    await pgUnsupersede(this.writeDeps(), id, space);
    return this.get(id, { space });
  }

  async labelsList(opts: { space?: string } = {}): Promise<Label[]> {
    this.assertOpen();
    return pgLabelsList(this.pool, opts.space ?? this.space);
  }

  /** Gives a label a new name as Memory.renameLabel does; a name another label has is BAD_INPUT. */
  async renameLabel(id: number, name: unknown, opts: { space?: string } = {}): Promise<Label> {
    this.assertOpen();
    const clean = parseInput(LabelName, name, 'name');
    const label = await pgRequireLabel(this.pool, id, opts.space ?? this.space);
    const model = await this.activeModel();
    const nameVector = model && this.embedder ? ((await this.embedder.embed([clean]))[0] ?? null) : null;
    return pgRenameLabel(this.writeDeps(), label, clean, nameVector);
  }

  /** Files every fact of label `from` under `into` and removes `from`, as Memory.mergeLabels does. */
  async mergeLabels(from: number, into: number, opts: { space?: string } = {}): Promise<Label> {
    this.assertOpen();
    return pgMergeLabels(this.writeDeps(), from, into, opts.space ?? this.space);
  }

  /** The names (kinds, categories) the label had before, newest first, as Memory.labelHistory. */
  async labelHistory(id: number, opts: { space?: string } = {}): Promise<LabelVersion[]> {
    this.assertOpen();
    return pgLabelHistory(this.pool, await pgRequireLabel(this.pool, id, opts.space ?? this.space));
  }

  /** Imports exported records (see Memory.importRecords): validated up front, one transaction. */
  async importRecords(records: ExportedFact[], opts: { space?: string } = {}): Promise<EncodeResult[]> {
    this.assertOpen();
    const space = opts.space ? parseInput(SpaceName, opts.space, 'space') : this.space;
    const items = records.map((r, i) => itemFromInput(parseInput(ExportedFact, r, `records[${i}]`), space));
    return pgEncodeItems(this.deps(await this.activeModel()), items);
  }

  /** Every fact of the space, live and deleted, as import-ready records (Memory.exportRecords). */
  exportRecords(opts: { space?: string } = {}): AsyncIterableIterator<ExportedFact> {
    this.assertOpen();
    return pgExportRecords(this.pool, opts.space ?? this.space);
  }

  /**
   * Embeds facts (and labels) stored while the model was missing, as Memory.embedPending does:
   * in batches, each its own transaction, stopping early when maxMs passes, the signal aborts or
   * the store closes (close waits for the batch in flight).
   */
  async embedPending(
    opts: { maxMs?: number; signal?: AbortSignal; onProgress?: (p: EmbedPendingProgress) => void } = {},
  ): Promise<EmbedPendingProgress> {
    this.assertOpen();
    const run = (async () =>
      pgEmbedPending(
        { ...this.writeDeps(), embedder: this.embedder, model: await this.activeModel() },
        { ...opts, closed: () => this.closed },
      ))();
    this.running.add(run);
    try {
      return await run;
    } finally {
      this.running.delete(run);
    }
  }

  private writeDeps() {
    return { pool: this.pool, tokenizer: this.tokenizer, device: this.device, now: this.now };
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
    await Promise.allSettled([...this.running]);
    this.tokenizer.close();
    await this.pool.end();
  }
}
