import { statSync } from 'node:fs';
import {
  DEFAULT_SPACE,
  EncodeInput,
  ExportedFact,
  FactPatch,
  LabelName,
  ListInput,
  RecallFilters,
  SupersedeInput,
  parseInput,
  timestampToMs,
  type EncodeResult,
  type Fact,
  type FactVersion,
  type Label,
  type LabelVersion,
  type ListResult,
  type RecallMode,
  type RecallResponse,
  type SearchResult,
  type Stats,
} from '../../shared/contract';
import { SpaceName } from '../../shared/contract';
import { HippoError } from '../../shared/errors';
import type { Embedder } from '../embedder/types';
import { EmbeddingCacheRepo } from './embedding-cache-repo';
import {
  encodeItems,
  itemFromInput,
  itemsFromBatch,
  prepareEncode,
  writeEncoded,
  type EncodeItem,
  type PreparedEncode,
} from './encode';
import { FactsRepo, type FactFilters, type FactRow } from './facts-repo';
import { factVersions } from './fact-versions';
import { findPossibleUpdates } from './possible-updates';
import { LabelsRepo, type LabelRow } from './labels-repo';
import {
  DEFAULT_TUNING,
  timed,
  type MemoryContext,
  type MemoryTuning,
  type QueryTimingListener,
} from './memory-context';
import { ModelVectors, type ModelSwitch } from './model-vectors';
import { contentHash } from './normalize-content';
import { commitWithoutFsync, openDb, type Db } from './open-db';
import { parseRecallArgs, recallFacts } from './recall';
import { planRecallTime } from './recall-time';
import { checkMergeIds, exportedRecord, factRecord, labelRecord, labelVersionRecord } from './stored-records';
import { blend } from './vector';
import { embedFactTexts } from './passages';

export interface MemoryOptions {
  /** Database file, or ':memory:'. */
  dbPath: string;
  /** The embedder; null or a missing model means text-only mode. */
  embedder?: Embedder | null;
  /** Space used when a request names none. */
  space?: string;
  tuning?: Partial<MemoryTuning>;
  /** Embed facts stored without a vector in the background once the model is ready. */
  backgroundEmbedding?: boolean;
  /**
   * Build the in-memory vector and word indexes in the background from open on (default true),
   * in slices of a few ms; recalls meanwhile are answered by sqlite-vec and FTS5. Off, the first
   * recall builds them (a one-shot CLI command is faster without them).
   */
  loadIndexes?: boolean;
  now?: () => number;
}

/** A live fact found by the start of its source (Memory.factsWithSourcePrefix). */
export interface SourcedFact {
  id: number;
  content: string;
  content_hash: string;
  source: string;
}

export interface EmbedPendingProgress {
  done: number;
  total: number;
}

/**
 * Where the vectors stand: the model they are of and, after a switch to it, whether recall still
 * waits for it (text-only until every fact and label has its vector).
 */
export interface EmbeddingStatus {
  /** The model the stored vectors are of (null before any model ran). */
  model: string | null;
  /** The model switched away from while `model` re-embeds, else null. */
  reembeddingFrom: string | null;
  /** Facts and labels still waiting for a vector of `model`. */
  pending: number;
  /** Models whose vectors are parked (switching back to one restores them instead of re-embedding). */
  parked: Array<{ model: string; facts: number }>;
}

const toFact = (row: FactRow & { label_name: string | null }): Fact => factRecord(row, row.superseded_by);

/**
 * The engine: one object behind every face (app, CLI, HTTP, MCP). Plain Node; knows nothing
 * of Electron. Open with Memory.open(), close when done.
 */
export class Memory {
  readonly db: Db;
  readonly dbPath: string;
  readonly space: string;
  readonly embeddingCache: EmbeddingCacheRepo;
  private readonly facts: FactsRepo;
  private readonly labels: LabelsRepo;
  private readonly ctx: MemoryContext;
  private readonly embedder: Embedder | null;
  private readonly modelVectors: ModelVectors;
  private modelChecked: string | null = null;
  /** Cached meta 'reembedding_from': while set, recall answers from words only. */
  private reembeddingFrom: string | null = null;
  private readonly switchListeners = new Set<(s: ModelSwitch) => void>();
  private lastMode: RecallMode = 'text-only';
  private readonly pendingAccess = new Map<number, number>();
  private accessTimer: NodeJS.Timeout | null = null;
  private backgroundRun: Promise<void> | null = null;
  private indexLoad: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly backgroundEmbedding: boolean;
  readonly schemaVersion: number;
  readonly backupPath: string | null;

  private constructor(opts: MemoryOptions) {
    this.space = parseInput(SpaceName, opts.space ?? DEFAULT_SPACE, 'space');
    const opened = openDb(opts.dbPath);
    this.db = opened.db;
    this.dbPath = opts.dbPath;
    this.schemaVersion = opened.migration.to;
    this.backupPath = opened.migration.backupPath;
    this.facts = new FactsRepo(this.db);
    this.labels = new LabelsRepo(this.db);
    this.embeddingCache = new EmbeddingCacheRepo(this.db);
    this.modelVectors = new ModelVectors(this.db);
    this.reembeddingFrom = this.modelVectors.reembeddingFrom();
    this.embedder = opts.embedder ?? null;
    this.embedder?.attachCache?.(this.embeddingCache);
    this.backgroundEmbedding = opts.backgroundEmbedding ?? false;
    const now = opts.now ?? Date.now;
    this.ctx = {
      db: this.db,
      facts: this.facts,
      labels: this.labels,
      embedder: this.embedder,
      tuning: { ...DEFAULT_TUNING, ...opts.tuning },
      activeModel: () => this.activeModel(),
      searchModel: () => this.searchModel(),
      now,
      queryListeners: new Set(),
    };
    if (opts.loadIndexes ?? true) {
      // Both at once, their slices taking turns: an index not loading yet would be built in one
      // go by the first search that needs it.
      this.indexLoad = Promise.all([this.facts.vectors.startLoading(), this.facts.text.startLoading()]).then(
        () => this.releaseMemoryMap(),
      );
    }
  }

  /**
   * Once the in-memory indexes hold every vector and term, searches no longer scan SQLite's
   * pages, so the memory map that made sqlite-vec's scans and the load fast only keeps the file's
   * pages in this process's RSS (about 375 MB at 100k facts). Unmapped, later reads go through
   * SQLite's page cache. Measured at 100k: RSS after 60 recalls 366 MB against 705
   * (scripts/perf/cold-start-profile.ts); recall P50 18.1 ms unmapped against 18.4 mapped,
   * alternated in one process.
   */
  private releaseMemoryMap(): void {
    if (!this.closed) this.db.pragma('mmap_size = 0');
  }

  /** Resolves when the background index load (if any) has ended. */
  indexesLoaded(): Promise<void> {
    return this.indexLoad;
  }

  /**
   * Calls the listener with the duration of each timed database step (recall's KNN scan and
   * word search, encode's near-duplicate scan and write transaction, list), for metrics.
   * Returns a function that removes it.
   */
  onQueryTimed(listener: QueryTimingListener): () => void {
    this.ctx.queryListeners.add(listener);
    return () => this.ctx.queryListeners.delete(listener);
  }

  /** Opens the database (migrating it) and wires the embedder. Throws HippoError on failure. */
  static open(opts: MemoryOptions): Memory {
    return new Memory(opts);
  }

  /** 'hybrid' when the model is loaded, 'text-only' while it is missing. */
  get mode(): RecallMode {
    return this.lastMode;
  }

  /** The model id when embeddings can be made now; text-only mode otherwise. */
  private async activeModel(): Promise<string | null> {
    if (!this.embedder || !(await this.embedder.ready()) || !this.embedder.modelId) {
      this.lastMode = 'text-only';
      return null;
    }
    const model = this.embedder.modelId;
    this.lastMode = 'hybrid';
    // Also when another process on this file switched the model: its vectors are not ours.
    if (this.modelChecked !== model || this.modelVectors.currentModel() !== model) this.adoptModel(model);
    return model;
  }

  /**
   * The model whose vectors recall may search with: the active model, except after a switch until
   * it has embedded every fact and label, when recall answers from words alone (null). The old
   * model's vectors are parked by then, and its worker gone; searching the new model's half-filled
   * table would rank the embedded half above the rest.
   */
  private async searchModel(): Promise<string | null> {
    const model = await this.activeModel();
    if (!model || this.reembeddingFrom === null) return model;
    if (this.modelVectors.pendingCount() + this.modelVectors.labelsPendingCount() > 0) {
      this.lastMode = 'text-only';
      return null;
    }
    this.finishReembedding();
    return model;
  }

  private finishReembedding(): void {
    this.modelVectors.finishReembedding();
    this.reembeddingFrom = null;
  }

  /**
   * Vectors of two models are never compared: when the model changes, the old model's vectors are
   * parked (kept, for switching back), the vector tables take the new model's width and whatever it
   * had parked for unchanged facts, and the rest is embedded again in the background (their words
   * stay searchable meanwhile).
   */
  private adoptModel(model: string): void {
    const dims = this.embedder?.dims ?? 384;
    if (this.modelVectors.currentModel() !== model || this.modelVectors.tableDims() !== dims) {
      const change = this.modelVectors.switchTo(model, dims);
      this.facts.vectors.reset();
      for (const listener of this.switchListeners) {
        try {
          listener(change);
        } catch {
          // A listener must never break a switch.
        }
      }
    }
    this.reembeddingFrom = this.modelVectors.reembeddingFrom();
    this.facts.vectorModel = model;
    this.modelChecked = model;
    if (this.backgroundEmbedding) this.startBackgroundEmbedding();
  }

  /**
   * The model switched away from while the active one re-embeds (recall is text-only meanwhile),
   * as last seen by this memory; null otherwise.
   */
  get reembedding(): string | null {
    return this.reembeddingFrom;
  }

  /** Called after each model switch this memory makes (progress displays start from it). */
  onModelSwitch(listener: (s: ModelSwitch) => void): () => void {
    this.switchListeners.add(listener);
    return () => this.switchListeners.delete(listener);
  }

  /** The vectors' model, re-embedding and parked models; adopts the embedder's model first. */
  async embeddingStatus(): Promise<EmbeddingStatus> {
    this.assertOpen();
    await this.activeModel();
    return {
      model: this.modelVectors.currentModel(),
      reembeddingFrom: this.reembeddingFrom,
      pending: this.modelVectors.pendingCount() + this.modelVectors.labelsPendingCount(),
      parked: this.modelVectors.parkedModels(),
    };
  }

  private spaceOf(space: string | undefined): string {
    return space ?? this.space;
  }

  private assertOpen(): void {
    if (this.closed) throw new HippoError('INTERNAL', 'memory is closed');
  }

  async encode(input: unknown): Promise<EncodeResult> {
    this.assertOpen();
    const parsed = parseInput(EncodeInput, input);
    const item = itemFromInput(parsed, this.space);
    const prepared = await prepareEncode(this.ctx, [item], await this.activeModel());
    const [result] = writeEncoded(this.ctx, prepared);
    this.afterWrite();
    // A fact that replaces another on purpose is no one's possible update.
    if (result!.status !== 'created' || item.supersedes !== undefined) return result!;
    const updates = findPossibleUpdates(this.ctx, item.space, result!.id, prepared.vectors.get(item.content));
    return updates.length > 0 ? { ...result!, possible_updates: updates } : result!;
  }

  /**
   * Encodes many facts in one transaction with batched embedding. Validates every item first:
   * one bad item rejects the whole batch, naming its index, and writes nothing.
   */
  async encodeMany(inputs: unknown[], opts: { space?: string } = {}): Promise<EncodeResult[]> {
    this.assertOpen();
    const items = itemsFromBatch(inputs, this.spaceOf(opts.space));
    const results = await encodeItems(this.ctx, items);
    this.afterWrite();
    return results;
  }

  /**
   * Imports exported records (encode inputs plus updated_at and deleted_at) so that export →
   * import round-trips. Validated up front like encodeMany.
   */
  async importRecords(records: ExportedFact[], opts: { space?: string } = {}): Promise<EncodeResult[]> {
    this.assertOpen();
    const space = this.spaceOf(opts.space);
    const items: EncodeItem[] = records.map((r, i) =>
      itemFromInput(parseInput(ExportedFact, r, `records[${i}]`), space),
    );
    const results = await encodeItems(this.ctx, items);
    this.afterWrite();
    return results;
  }

  /**
   * Imports records in chunks of chunkSize, one transaction each, as importRecords would chunk
   * by chunk, but pipelined: the next chunk goes to the embedder before the current one is
   * written, so the worker computes while this thread writes (measured with
   * scripts/perf/import-profile.ts). Each chunk is validated before it is embedded; a bad record,
   * a failure or an abort (checked between chunks) keeps the chunks written before it, whole,
   * and onChunk has seen each of them. Results come back in record order.
   */
  async importInChunks(
    records: ExportedFact[],
    opts: {
      chunkSize: number;
      space?: string;
      signal?: AbortSignal;
      onChunk?: (results: EncodeResult[], done: number) => void;
    },
  ): Promise<EncodeResult[]> {
    this.assertOpen();
    const space = this.spaceOf(opts.space);
    const size = Math.max(1, Math.floor(opts.chunkSize));
    const prepare = (from: number, model: string | null): Promise<PreparedEncode> => {
      let prepared: Promise<PreparedEncode>;
      try {
        const items = records
          .slice(from, from + size)
          .map((r, i) => itemFromInput(parseInput(ExportedFact, r, `records[${from + i}]`), space));
        prepared = prepareEncode(this.ctx, items, model);
      } catch (e) {
        prepared = Promise.reject(e);
      }
      // Observed at once: a chunk that fails while the previous one is written must not
      // surface as an unhandled rejection; the loop still awaits it and throws.
      prepared.catch(() => undefined);
      return prepared;
    };
    const all: EncodeResult[] = [];
    let next = records.length > 0 ? prepare(0, await this.activeModel()) : null;
    while (next) {
      const prepared = await next;
      // Read once per chunk, right before it would be written.
      if (opts.signal?.aborted) break;
      const after = all.length + prepared.items.length;
      next = null;
      if (after < records.length) {
        next = prepare(after, await this.activeModel());
        // One macrotask, so the embedder client sends the next chunk's first requests before
        // the synchronous write below holds this thread.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.assertOpen();
      const results = writeEncoded(this.ctx, prepared);
      for (const r of results) all.push(r);
      this.afterWrite();
      opts.onChunk?.(results, all.length);
    }
    return all;
  }

  /**
   * `trackAccess: false` is for looking without recalling (the capture box's duplicate preview):
   * the results' access counts, which say what the person actually uses, stay as they were.
   */
  async recall(
    query: string,
    context?: string,
    options: RecallFilters & { trackAccess?: boolean } = {},
  ): Promise<SearchResult[]> {
    return (await this.recallDetailed(query, context, options)).results;
  }

  /**
   * recall() with what the faces show besides the results: the mode and how the query's time
   * words were read (see recall-time.ts).
   */
  async recallDetailed(
    query: string,
    context?: string,
    options: RecallFilters & { trackAccess?: boolean } = {},
  ): Promise<RecallResponse> {
    this.assertOpen();
    const { input, trackAccess } = parseRecallArgs(query, context, options);
    const plan = planRecallTime(input, this.ctx.now());
    const time = plan.time ? { time: plan.time } : {};
    if (plan.empty) return { mode: this.mode, results: [], ...time };
    const outcome = await recallFacts(this.ctx, {
      space: this.spaceOf(input.space),
      query: plan.query,
      context: input.context,
      limit: input.limit ?? 10,
      filters: this.filtersOf(input.space, { ...input, since: plan.since, until: plan.until }),
      now: plan.now,
      explain: input.explain,
      byRecency: plan.byRecency,
    });
    // A look into the past (as_of) uses nothing now: not counted, as in Postgres.
    if (trackAccess && input.as_of === undefined) this.noteAccess(outcome.results.map((r) => r.fact_id));
    return { mode: this.mode, results: outcome.results, ...time };
  }

  private filtersOf(
    space: string | undefined,
    f: {
      category?: string;
      label?: string;
      minConfidence?: number;
      since?: string | number;
      until?: string | number;
      as_of?: string | number;
    },
  ): FactFilters {
    const out: FactFilters = {};
    if (f.as_of !== undefined) out.asOf = timestampToMs(f.as_of);
    if (f.category !== undefined) out.category = f.category;
    if (f.minConfidence !== undefined) out.minConfidence = f.minConfidence;
    if (f.since !== undefined) out.since = timestampToMs(f.since);
    if (f.until !== undefined) out.until = timestampToMs(f.until);
    if (f.label !== undefined) {
      // An unknown label matches nothing rather than everything.
      out.labelId = this.labels.findByName(this.spaceOf(space), f.label)?.id ?? -1;
    }
    return out;
  }

  get(id: number, opts: { space?: string } = {}): Fact {
    this.assertOpen();
    const row = this.requireFact(id, opts.space);
    return toFact({
      ...row,
      label_name: row.label_id === null ? null : (this.labels.get(row.label_id)?.name ?? null),
    });
  }

  private requireFact(id: number, space?: string): FactRow {
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new HippoError('BAD_INPUT', `id: must be a positive integer, got ${id}`);
    const row = this.facts.get(this.spaceOf(space), id);
    if (!row || row.superseded_by !== null)
      throw new HippoError('NOT_FOUND', `no fact with id ${id} in space "${this.spaceOf(space)}"`);
    return row;
  }

  list(input: unknown = {}): ListResult {
    this.assertOpen();
    const p = parseInput(ListInput, input);
    const limit = p.limit ?? 50;
    const offset = p.offset ?? 0;
    if (p.as_of !== undefined && (p.deleted ?? 'exclude') !== 'exclude')
      throw new HippoError(
        'BAD_INPUT',
        'deleted: as_of lists the facts current then, which leaves out those forgotten by then',
      );
    const filters = { ...this.filtersOf(p.space, p), deleted: p.deleted ?? 'exclude' } as const;
    const { rows, total } = timed(this.ctx, 'list', () =>
      this.facts.list(this.spaceOf(p.space), filters, limit, offset),
    );
    return { facts: rows.map(toFact), total, limit, offset };
  }

  /** Edits a fact in place; a content change re-embeds it. */
  async update(id: number, patch: unknown, opts: { space?: string } = {}): Promise<Fact> {
    this.assertOpen();
    const p = parseInput(FactPatch, patch);
    const row = this.requireFact(id, opts.space);
    const model = p.content !== undefined ? await this.activeModel() : null;
    const vector =
      p.content !== undefined && model && this.embedder
        ? (await embedFactTexts(this.embedder, [p.content]))[0]
        : undefined;
    this.db.transaction(() => {
      const change: Partial<FactRow> = { updated_at: this.ctx.now() };
      if (p.content !== undefined) {
        change.content = p.content;
        change.content_hash = contentHash(p.content);
      }
      if (p.category !== undefined) change.category = p.category;
      if (p.confidence !== undefined) change.confidence = p.confidence;
      if (p.source !== undefined) change.source = p.source;
      if (p.label !== undefined) {
        change.label_id =
          p.label === null
            ? null
            : (
                this.labels.findByName(row.space, p.label) ??
                this.labels.create(row.space, p.label, 'topic', row.category)
              ).id;
      }
      if (p.content !== undefined) this.facts.dropEmbedding(id);
      this.facts.update(id, change);
      if (vector && model) this.facts.setEmbedding(id, vector, model);
    })();
    this.afterWrite();
    return this.get(id, opts);
  }

  /** Soft delete: the fact leaves recall and list but can be restored. */
  forget(id: number, opts: { space?: string } = {}): Fact {
    this.assertOpen();
    const row = this.requireFact(id, opts.space);
    if (row.deleted_at === null) {
      this.db.transaction(() => this.facts.update(id, { deleted_at: this.ctx.now() }))();
    }
    return this.get(id, opts);
  }

  restore(id: number, opts: { space?: string } = {}): Fact {
    this.assertOpen();
    const row = this.requireFact(id, opts.space);
    if (row.deleted_at !== null) {
      const twin = this.facts.findLiveByHash(row.space, row.content_hash);
      if (twin)
        throw new HippoError(
          'BAD_INPUT',
          `fact ${id} cannot be restored: fact ${twin.id} already holds the same content`,
        );
      this.db.transaction(() => this.facts.update(id, { deleted_at: null, updated_at: this.ctx.now() }))();
    }
    return this.get(id, opts);
  }

  /** Removes a fact and its history for good. Only deleted facts can be purged. */
  purge(id: number, opts: { space?: string } = {}): void {
    this.assertOpen();
    const row = this.requireFact(id, opts.space);
    if (row.deleted_at === null)
      throw new HippoError('BAD_INPUT', `fact ${id} is not deleted; forget it first, then purge`);
    this.db.transaction(() => {
      for (const old of this.facts.history(id)) this.facts.purge(old.id);
      this.facts.purge(id);
    })();
  }

  /**
   * The fact's other versions, newest first: the facts it superseded and that superseded it (its
   * supersede chain, current or not), and the earlier wordings of each (kept when near-duplicates
   * merged into it). Any fact of the chain may be asked about, superseded ones too.
   */
  history(id: number, opts: { space?: string } = {}): FactVersion[] {
    this.assertOpen();
    const row = this.chainFact(id, opts.space);
    return factVersions(this.facts, row).filter((v) => v.id !== row.id);
  }

  /**
   * Marks fact `old_id` superseded by fact `new_id` (both current facts of the space): the old one
   * leaves recall and list, stays in history, and unsupersede makes it current again. What the
   * capture box's "Replace" does after encode offered a possible update.
   */
  supersede(input: unknown): Fact {
    this.assertOpen();
    const p = parseInput(SupersedeInput, input);
    if (p.old_id === p.new_id)
      throw new HippoError('BAD_INPUT', `new_id: fact ${p.old_id} cannot supersede itself`);
    this.db.transaction(() => {
      const old = this.requireCurrent(p.old_id, p.space, 'old_id');
      this.requireCurrent(p.new_id, p.space, 'new_id');
      this.facts.supersede(old.id, p.new_id, this.ctx.now());
    })();
    return this.get(p.new_id, { space: p.space });
  }

  /**
   * Undoes a supersede: the fact `id` replaced is current again. The fact that replaced it stays
   * (as after "keep both"); forget it to be rid of it.
   */
  unsupersede(id: number, opts: { space?: string } = {}): Fact {
    this.assertOpen();
    this.db.transaction(() => {
      const row = this.chainFact(id, opts.space);
      if (row.superseded_by === null || row.supersede_reason !== 'superseded')
        throw new HippoError('BAD_INPUT', `fact ${id} is not superseded; there is nothing to undo`);
      const twin = this.facts.findLiveByHash(row.space, row.content_hash);
      if (twin)
        throw new HippoError(
          'BAD_INPUT',
          `fact ${id} cannot be made current again: fact ${twin.id} already holds the same content`,
        );
      this.facts.unsupersede(row.id, this.ctx.now());
    })();
    return this.get(id, opts);
  }

  /** A fact of the space that is current, forgotten or superseded (not an earlier wording). */
  private chainFact(id: number, space?: string): FactRow {
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new HippoError('BAD_INPUT', `id: must be a positive integer, got ${id}`);
    const row = this.facts.get(this.spaceOf(space), id);
    if (!row || row.supersede_reason === 'edited')
      throw new HippoError('NOT_FOUND', `no fact with id ${id} in space "${this.spaceOf(space)}"`);
    return row;
  }

  /** A current fact (neither forgotten nor superseded), for supersede's two ids. */
  private requireCurrent(id: number, space: string | undefined, field: string): FactRow {
    const row = this.facts.get(this.spaceOf(space), id);
    if (!row || row.supersede_reason === 'edited')
      throw new HippoError('NOT_FOUND', `${field}: no fact with id ${id} in space "${this.spaceOf(space)}"`);
    if (row.superseded_by !== null)
      throw new HippoError(
        'BAD_INPUT',
        `${field}: fact ${id} was already superseded by fact ${row.superseded_by}`,
      );
    if (row.deleted_at !== null)
      throw new HippoError('BAD_INPUT', `${field}: fact ${id} is forgotten; restore it first`);
    return row;
  }

  /**
   * Live facts whose source starts with `prefix`, oldest first, with their content hash: what a
   * re-import of a notes folder compares its paragraphs with (src/cli/import-vault.ts).
   */
  factsWithSourcePrefix(prefix: string, opts: { space?: string } = {}): SourcedFact[] {
    this.assertOpen();
    if (prefix === '') throw new HippoError('BAD_INPUT', 'prefix: must not be empty');
    return this.facts.liveWithSourcePrefix(this.spaceOf(opts.space), prefix).map((r) => ({
      id: r.id,
      content: r.content,
      content_hash: r.content_hash,
      source: r.source ?? '',
    }));
  }

  labelsList(opts: { space?: string } = {}): Label[] {
    this.assertOpen();
    return this.labels.list(this.spaceOf(opts.space)).map(labelRecord);
  }

  /**
   * Gives a label a new name; its facts keep it. Another live label of the space already called
   * that (in any letter case) is BAD_INPUT: merging is the way to join two labels.
   */
  async renameLabel(id: number, name: unknown, opts: { space?: string } = {}): Promise<Label> {
    this.assertOpen();
    const clean = parseInput(LabelName, name, 'name');
    const label = this.requireLabel(id, opts.space);
    const clash = this.labels.findByName(label.space, clean);
    if (clash && clash.id !== id)
      throw new HippoError(
        'BAD_INPUT',
        `name: label "${clash.name}" (id ${clash.id}) already exists in space "${label.space}"; merge into it instead`,
      );
    const nameVector = await this.embedName(clean);
    this.db.transaction(() => {
      const current = this.requireLabel(id, opts.space);
      // The old name stays findable (labelHistory), as a fact keeps its earlier wordings.
      if (current.name !== clean) this.labels.recordVersion(id, 'renamed', this.ctx.now());
      this.labels.rename(id, clean, this.ctx.now());
      this.renameVector(current, nameVector);
    })();
    return this.labelOut(id, label.space);
  }

  /**
   * The label's vector is the mean of its name's embedding and its facts' (see foldIntoLabel):
   * swap the old name's share for the new name's. Without a model, a vector that held only the
   * old name is dropped so the new name is embedded later; one holding facts is kept.
   */
  private renameVector(label: LabelRow, nameVector: Float32Array | null): void {
    const current = this.labels.getVector(label.id);
    const n = label.vector_count;
    if (nameVector && current && n > 1)
      this.labels.setVector(
        label.id,
        label.space,
        blend([
          [current, n - 1],
          [nameVector, 1],
        ]),
        n,
      );
    else if (nameVector) this.labels.setVector(label.id, label.space, nameVector, 1);
    else if (n <= 1) this.labels.dropVector(label.id);
  }

  private async embedName(name: string): Promise<Float32Array | null> {
    const model = await this.activeModel();
    if (!model || !this.embedder) return null;
    return (await this.embedder.embed([name]))[0] ?? null;
  }

  /**
   * Files every fact of label `from` (forgotten ones and older wordings too) under `into` and
   * removes `from`. Both must be live labels of the same space. `into` keeps its name, kind and
   * category; its vector becomes the count-weighted mean of both, as if `from`'s facts had been
   * filed under it all along.
   */
  mergeLabels(from: number, into: number, opts: { space?: string } = {}): Label {
    this.assertOpen();
    checkMergeIds(from, into);
    const space = this.spaceOf(opts.space);
    this.db.transaction(() => {
      const source = this.liveLabel(from);
      const target = this.liveLabel(into);
      if (source.space !== target.space)
        throw new HippoError(
          'BAD_INPUT',
          `into: label ${from} is in space "${source.space}" and label ${into} in "${target.space}"; labels merge only within a space`,
        );
      if (source.space !== space)
        throw new HippoError('NOT_FOUND', `no label with id ${from} in space "${space}"`);
      for (const factId of this.labels.factIds(from)) this.facts.update(factId, { label_id: into });
      const a = this.labels.getVector(into);
      const b = this.labels.getVector(from);
      const na = Math.max(1, target.vector_count);
      const nb = Math.max(1, source.vector_count);
      if (a && b)
        this.labels.setVector(
          into,
          space,
          blend([
            [a, na],
            [b, nb],
          ]),
          na + nb,
        );
      else if (b) this.labels.setVector(into, space, b, nb);
      // `from`'s name stays findable from `into` (labelHistory), even once `from` is gone.
      this.labels.recordVersion(from, 'merged', this.ctx.now(), into);
      this.labels.remove(from);
      this.labels.touch(into, this.ctx.now());
    })();
    return this.labelOut(into, space);
  }

  /**
   * The names (kinds, categories) the label had before, newest first: before each rename, the
   * changes it lost in sync conflicts, and the labels merged into it.
   */
  labelHistory(id: number, opts: { space?: string } = {}): LabelVersion[] {
    this.assertOpen();
    const label = this.requireLabel(id, opts.space);
    return this.labels.history(label.id).map(labelVersionRecord);
  }

  private liveLabel(id: number): LabelRow {
    const label = this.labels.get(id);
    if (!label || label.deleted_at !== null) throw new HippoError('NOT_FOUND', `no label with id ${id}`);
    return label;
  }

  private requireLabel(id: number, space?: string): LabelRow {
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new HippoError('BAD_INPUT', `id: must be a positive integer, got ${id}`);
    const label = this.labels.get(id);
    if (!label || label.deleted_at !== null || label.space !== this.spaceOf(space))
      throw new HippoError('NOT_FOUND', `no label with id ${id} in space "${this.spaceOf(space)}"`);
    return label;
  }

  private labelOut(id: number, space: string): Label {
    return this.labelsList({ space }).find((l) => l.id === id)!;
  }

  async stats(opts: { space?: string } = {}): Promise<Stats> {
    this.assertOpen();
    const space = this.spaceOf(opts.space);
    const counts = this.facts.countsBySpace(space);
    const model = await this.activeModel();
    const searching = await this.searchModel();
    let bytes = 0;
    if (this.dbPath !== ':memory:') {
      for (const suffix of ['', '-wal']) {
        try {
          bytes += statSync(this.dbPath + suffix).size;
        } catch {
          // no WAL file yet
        }
      }
    }
    return {
      space,
      facts: counts.live,
      deleted: counts.deleted,
      labels: this.labels.list(space).length,
      categories: counts.categories,
      pending_embeddings: this.facts.pendingCount(space),
      mode: searching ? 'hybrid' : 'text-only',
      model,
      db_path: this.dbPath,
      db_bytes: bytes,
      schema_version: this.schemaVersion,
    };
  }

  /** Every fact of the space, live and deleted, as import-ready records. */
  *exportRecords(opts: { space?: string } = {}): IterableIterator<ExportedFact> {
    this.assertOpen();
    for (const row of this.facts.iterateForExport(this.spaceOf(opts.space))) yield exportedRecord(row);
  }

  /**
   * Embeds facts (and labels) stored while the model was missing, in batches, each batch in
   * its own transaction. Stops early when maxMs passes or the signal aborts.
   */
  async embedPending(
    opts: { maxMs?: number; signal?: AbortSignal; onProgress?: (p: EmbedPendingProgress) => void } = {},
  ): Promise<EmbedPendingProgress> {
    this.assertOpen();
    // First: a model change found here drops every vector, and the count must include them.
    const model = await this.activeModel();
    const unembeddedLabels = this.labels.withoutVector();
    const total = this.facts.pendingCount() + unembeddedLabels.length;
    const progress = { done: 0, total };
    if (model && total === 0 && this.reembeddingFrom !== null) this.finishReembedding();
    if (!model || !this.embedder || total === 0) return progress;
    const started = Date.now();
    const expired = () =>
      this.closed || opts.signal?.aborted || (opts.maxMs !== undefined && Date.now() - started > opts.maxMs);

    // The model switched under this run (its vectors would be of the wrong model): stop; the
    // switch started a run of its own.
    const switched = () => this.modelChecked !== model;
    for (const label of unembeddedLabels) {
      if (expired()) return progress;
      const [v] = await this.embedder.embed([label.name]);
      if (this.closed || switched()) return progress;
      this.db.transaction(() => this.labels.setVector(label.id, label.space, v!, 1))();
      progress.done++;
    }
    for (;;) {
      if (expired()) break;
      const batch = this.facts.pending(64);
      if (batch.length === 0) break;
      const vectors = await embedFactTexts(
        this.embedder,
        batch.map((b) => b.content),
      );
      if (this.closed || switched()) break;
      this.db.transaction(() => {
        batch.forEach((b, i) => {
          // Skip a fact edited while its vector was being computed; the next pass gets it.
          const current = this.db
            .prepare('SELECT content, embedded_model FROM facts WHERE id = ?')
            .get(b.id) as Pick<FactRow, 'content' | 'embedded_model'> | undefined;
          if (current && current.content === b.content && current.embedded_model === null)
            this.facts.setEmbedding(b.id, vectors[i]!, model);
        });
      })();
      progress.done += batch.length;
      opts.onProgress?.({ ...progress });
    }
    if (!this.closed && !switched() && this.reembeddingFrom !== null && this.facts.pendingCount() === 0)
      if (this.labels.withoutVector().length === 0) this.finishReembedding();
    return progress;
  }

  private startBackgroundEmbedding(): void {
    if (this.backgroundRun || this.closed) return;
    const model = this.modelChecked;
    this.backgroundRun = this.embedPending()
      .catch(() => undefined)
      .then(() => {
        this.backgroundRun = null;
        // The model was switched while this run embedded for the old one: go on with the new one.
        if (this.backgroundEmbedding && this.modelChecked !== model) this.startBackgroundEmbedding();
      });
  }

  /**
   * Another writer on this file (sync) stored facts without vectors: with background embedding on,
   * they are embedded now rather than at this memory's next write.
   */
  noteExternalWrites(): void {
    this.assertOpen();
    this.afterWrite();
  }

  private afterWrite(): void {
    const modelRuns = this.lastMode === 'hybrid' || this.reembeddingFrom !== null;
    if (this.backgroundEmbedding && modelRuns && this.facts.pendingCount() > 0)
      this.startBackgroundEmbedding();
  }

  /**
   * Access stats are advisory: counted in memory and written every few seconds (or once 10,000
   * facts wait) in one transaction that does not wait for the disk, so a busy server never
   * stalls on them.
   */
  private noteAccess(ids: number[]): void {
    for (const id of ids) this.pendingAccess.set(id, (this.pendingAccess.get(id) ?? 0) + 1);
    if (this.pendingAccess.size >= 10_000) this.flushAccess();
    else if (!this.accessTimer && ids.length > 0) {
      this.accessTimer = setTimeout(() => this.flushAccess(), 5000);
      this.accessTimer.unref();
    }
  }

  flushAccess(): void {
    if (this.accessTimer) clearTimeout(this.accessTimer);
    this.accessTimer = null;
    if (this.pendingAccess.size === 0 || this.closed) return;
    const counts = new Map(this.pendingAccess);
    this.pendingAccess.clear();
    commitWithoutFsync(this.db, () => this.facts.recordAccess(counts, this.ctx.now()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flushAccess();
    this.closed = true;
    await this.backgroundRun;
    this.embedder?.detachCache?.(this.embeddingCache);
    this.embeddingCache.flush();
    this.facts.vectors.release();
    this.facts.text.release();
    this.db.close();
  }
}
