import type { Statement } from 'better-sqlite3';
import { FACT_CHANGES_KEPT } from './fact-changes';
import { LiveText } from './live-text';
import { LiveVectors } from './live-vectors';
import { toFtsMatch } from './fts-query';
import { bm25Idf, type TextIndex } from './text-index';
import { expansionsOf, firstLetter } from './word-expansion';
import { foldWord } from './word-proximity';
import type { Db } from './open-db';
import { vectorFromBlob, vectorToBlob } from './vector';

export interface FactRow {
  id: number;
  space: string;
  content: string;
  content_hash: string;
  category: string;
  confidence: number;
  label_id: number | null;
  source: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  superseded_by: number | null;
  /** When it stopped being current, and why (migration 0005); null while superseded_by is. */
  superseded_at: number | null;
  supersede_reason: 'edited' | 'superseded' | null;
  access_count: number;
  last_accessed_at: number | null;
  embedded_model: string | null;
}

export type NewFact = Omit<
  FactRow,
  'id' | 'access_count' | 'last_accessed_at' | 'embedded_model' | 'superseded_at' | 'supersede_reason'
>;

/** Filters shared by recall's two candidate lists and by list(). Times are epoch ms. */
export interface FactFilters {
  category?: string;
  labelId?: number;
  minConfidence?: number;
  since?: number;
  until?: number;
  /**
   * Epoch ms: facts current then (created by then, not yet superseded or forgotten) instead of
   * the live ones. The in-memory indexes hold only live facts, so such searches run in SQLite.
   */
  asOf?: number;
}

export interface RankedId {
  id: number;
  /** Vector branch: cosine distance. Text branch: bm25 (lower is better). */
  rank: number;
}

const LIVE = 'f.deleted_at IS NULL AND f.superseded_by IS NULL';

/**
 * Current at a past time: created by then, not forgotten by then (a restored fact counts as never
 * forgotten), and either never superseded or superseded by another fact only later. Earlier
 * wordings of a fact ('edited' rows) never count: the fact's own row stands for it.
 */
const CURRENT_AT = `f.created_at <= @asOf AND (f.deleted_at IS NULL OR f.deleted_at > @asOf)
  AND (f.superseded_by IS NULL OR (f.supersede_reason = 'superseded' AND f.superseded_at > @asOf))`;

/** The row was current at asOf (undefined: is current now); the same rule as CURRENT_AT. */
export function isCurrentAt(
  row: Pick<FactRow, 'created_at' | 'deleted_at' | 'superseded_by' | 'superseded_at' | 'supersede_reason'>,
  asOf: number | undefined,
): boolean {
  if (asOf === undefined) return row.deleted_at === null && row.superseded_by === null;
  return (
    row.created_at <= asOf &&
    (row.deleted_at === null || row.deleted_at > asOf) &&
    (row.superseded_by === null ||
      (row.supersede_reason === 'superseded' && row.superseded_at !== null && row.superseded_at > asOf))
  );
}

/** LIVE, or CURRENT_AT with its time bound in params (positional, as the rest of the query). */
function currentSql(filters: FactFilters, params: unknown[]): string {
  if (filters.asOf === undefined) return LIVE;
  const n = (CURRENT_AT.match(/@asOf/g) ?? []).length;
  for (let i = 0; i < n; i++) params.push(filters.asOf);
  return `(${CURRENT_AT.replaceAll('@asOf', '?')})`;
}

function filterSql(filters: FactFilters, params: unknown[]): string {
  let sql = '';
  if (filters.category !== undefined) {
    sql += ' AND f.category = ?';
    params.push(filters.category);
  }
  if (filters.labelId !== undefined) {
    sql += ' AND f.label_id = ?';
    params.push(filters.labelId);
  }
  if (filters.minConfidence !== undefined) {
    sql += ' AND f.confidence >= ?';
    params.push(filters.minConfidence);
  }
  if (filters.since !== undefined) {
    sql += ' AND f.created_at >= ?';
    params.push(filters.since);
  }
  if (filters.until !== undefined) {
    sql += ' AND f.created_at <= ?';
    params.push(filters.until);
  }
  return sql;
}

/**
 * Typed access to facts, their FTS rows (via triggers) and their vectors. Callers own
 * transactions; every method is a single statement or a short fixed sequence.
 */
export class FactsRepo {
  private readonly stmts = new Map<string, Statement<unknown[], unknown>>();
  private liveVectors: LiveVectors | null = null;
  private liveText: LiveText | null = null;
  /**
   * The model the vector table is of (Memory sets it when it adopts one): a vector of another model,
   * computed before a switch and written after it, is dropped and its fact waits for re-embedding,
   * so two models' vectors never share the table. Null: no check (tests, tools).
   */
  vectorModel: string | null = null;

  constructor(private readonly db: Db) {}

  private foreign(modelId: string): boolean {
    return this.vectorModel !== null && modelId !== this.vectorModel;
  }

  /** The in-memory copy of the live vectors that KNN searches; built on first use. */
  get vectors(): LiveVectors {
    this.liveVectors ??= new LiveVectors(this.db);
    return this.liveVectors;
  }

  /** The in-memory copy of facts_fts that word search ranks; built on first use. */
  get text(): LiveText {
    this.liveText ??= new LiveText(this.db);
    return this.liveText;
  }

  private stmt(sql: string): Statement<unknown[], unknown> {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[], unknown>(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  get(space: string, id: number): FactRow | undefined {
    return this.stmt('SELECT * FROM facts WHERE id = ? AND space = ?').get(id, space) as FactRow | undefined;
  }

  getMany(ids: number[]): Map<number, FactRow & { label_name: string | null }> {
    const out = new Map<number, FactRow & { label_name: string | null }>();
    if (ids.length === 0) return out;
    const rows = this.stmt(
      `SELECT f.*, l.name AS label_name FROM facts f LEFT JOIN labels l ON l.id = f.label_id
       WHERE f.id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids)) as Array<FactRow & { label_name: string | null }>;
    for (const r of rows) out.set(r.id, r);
    return out;
  }

  /** The content of each of these facts that exists. */
  contents(ids: readonly number[]): Map<number, string> {
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    const rows = this.stmt('SELECT id, content FROM facts WHERE id IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(ids),
    ) as Array<{ id: number; content: string }>;
    for (const r of rows) out.set(r.id, r.content);
    return out;
  }

  labelName(labelId: number): string | undefined {
    return (this.stmt('SELECT name FROM labels WHERE id = ?').get(labelId) as { name: string } | undefined)
      ?.name;
  }

  maxId(): number {
    return (this.stmt('SELECT coalesce(max(id), 0) AS n FROM facts').get() as { n: number }).n;
  }

  /** Live facts of a space and category created after the given id (newest writes). */
  liveIdsAfter(space: string, category: string, afterId: number): number[] {
    return (
      this.stmt(
        `SELECT f.id AS id FROM facts f WHERE f.id > ? AND f.space = ? AND f.category = ? AND ${LIVE}`,
      ).all(afterId, space, category) as Array<{ id: number }>
    ).map((r) => r.id);
  }

  findLiveByHash(space: string, hash: string): FactRow | undefined {
    return this.stmt(
      `SELECT * FROM facts f WHERE f.space = ? AND f.content_hash = ? AND ${LIVE} ORDER BY f.id LIMIT 1`,
    ).get(space, hash) as FactRow | undefined;
  }

  /** Live facts of a space whose source starts with `prefix` (case-sensitive), oldest first. */
  liveWithSourcePrefix(
    space: string,
    prefix: string,
  ): Array<Pick<FactRow, 'id' | 'content' | 'content_hash' | 'source'>> {
    return this.stmt(
      `SELECT f.id, f.content, f.content_hash, f.source FROM facts f
       WHERE f.space = ? AND instr(f.source, ?) = 1 AND ${LIVE} ORDER BY f.id`,
    ).all(space, prefix) as Array<Pick<FactRow, 'id' | 'content' | 'content_hash' | 'source'>>;
  }

  insert(f: NewFact): number {
    const r = this.stmt(
      `INSERT INTO facts (space, content, content_hash, category, confidence, label_id, source,
         created_at, updated_at, deleted_at, superseded_by)
       VALUES (@space, @content, @content_hash, @category, @confidence, @label_id, @source,
         @created_at, @updated_at, @deleted_at, @superseded_by)`,
    ).run(f);
    return Number(r.lastInsertRowid);
  }

  /**
   * A new fact and its vector together: the fact is written already embedded, so the import path
   * skips setEmbedding's read-back and second UPDATE (and the second change-log row it triggers).
   */
  insertEmbedded(f: NewFact, vector: Float32Array, modelId: string): number {
    if (this.foreign(modelId)) return this.insert(f);
    const r = this.stmt(
      `INSERT INTO facts (space, content, content_hash, category, confidence, label_id, source,
         created_at, updated_at, deleted_at, superseded_by, embedded_model)
       VALUES (@space, @content, @content_hash, @category, @confidence, @label_id, @source,
         @created_at, @updated_at, @deleted_at, @superseded_by, @embedded_model)`,
    ).run({ ...f, embedded_model: modelId });
    const id = Number(r.lastInsertRowid);
    // A purged fact's id can come back; its vector row went with it, but never trust that here.
    this.writeVectorRow(id, f, vector);
    return id;
  }

  /** Replaces the fact's vec_facts row: its vector with the filter columns KNN reads. */
  private writeVectorRow(
    id: number,
    f: Pick<
      FactRow,
      'space' | 'deleted_at' | 'superseded_by' | 'category' | 'confidence' | 'created_at' | 'label_id'
    >,
    vector: Float32Array,
  ): void {
    this.stmt('DELETE FROM vec_facts WHERE fact_id = ?').run(BigInt(id));
    this.stmt(
      `INSERT INTO vec_facts (fact_id, space, embedding, live, category, confidence, created_at, label_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      BigInt(id),
      f.space,
      vectorToBlob(vector),
      BigInt(f.deleted_at === null && f.superseded_by === null ? 1 : 0),
      f.category,
      f.confidence,
      BigInt(f.created_at),
      BigInt(f.label_id ?? 0),
    );
  }

  update(id: number, patch: Partial<Omit<FactRow, 'id' | 'space'>>): void {
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    const sql = `UPDATE facts SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`;
    this.stmt(sql).run({ ...patch, id });
    this.syncVectorMeta(id);
  }

  /** Removes the fact, its words and its vector for good. */
  purge(id: number): void {
    this.stmt('UPDATE facts SET superseded_by = NULL WHERE superseded_by = ?').run(id);
    this.stmt('DELETE FROM vec_facts WHERE fact_id = ?').run(BigInt(id));
    this.stmt("DELETE FROM parked_vectors WHERE kind = 'fact' AND owner_id = ?").run(id);
    this.stmt('DELETE FROM facts WHERE id = ?').run(id);
  }

  /** Drops old entries of the change log (readers further behind rebuild their indexes). */
  pruneChanges(keep = FACT_CHANGES_KEPT): void {
    this.stmt('DELETE FROM fact_changes WHERE seq <= (SELECT max(seq) FROM fact_changes) - ?').run(keep);
  }

  /** Earlier wordings of a fact, kept when a near-duplicate merged into it (not facts it superseded). */
  history(id: number): FactRow[] {
    return this.stmt(
      "SELECT * FROM facts WHERE superseded_by = ? AND supersede_reason IS NOT 'superseded' ORDER BY updated_at DESC",
    ).all(id) as FactRow[];
  }

  /** The facts that the given one superseded (replaced), oldest first. */
  supersededBy(id: number): FactRow[] {
    return this.stmt(
      "SELECT * FROM facts WHERE superseded_by = ? AND supersede_reason = 'superseded' ORDER BY created_at, id",
    ).all(id) as FactRow[];
  }

  /** Marks `oldId` replaced by `newId` at `at`; both are current facts of one space (checked by callers). */
  supersede(oldId: number, newId: number, at: number): void {
    this.update(oldId, {
      superseded_by: newId,
      superseded_at: at,
      supersede_reason: 'superseded',
      updated_at: at,
    });
  }

  /** Undoes supersede: the fact is current again. */
  unsupersede(id: number, at: number): void {
    this.update(id, { superseded_by: null, superseded_at: null, supersede_reason: null, updated_at: at });
  }

  setEmbedding(id: number, vector: Float32Array, modelId: string): void {
    if (this.foreign(modelId)) return;
    const f = this.stmt('SELECT * FROM facts WHERE id = ?').get(id) as FactRow | undefined;
    if (!f) return;
    this.writeVectorRow(id, f, vector);
    this.stmt('UPDATE facts SET embedded_model = ? WHERE id = ?').run(modelId, id);
  }

  /** Forgets a fact's vector (its content changed and no model is there to embed it again). */
  dropEmbedding(id: number): void {
    this.stmt('DELETE FROM vec_facts WHERE fact_id = ?').run(BigInt(id));
    this.stmt('UPDATE facts SET embedded_model = NULL WHERE id = ?').run(id);
  }

  getEmbedding(id: number): Float32Array | undefined {
    const fromIndex = this.vectors.current()?.vectorOf(id);
    if (fromIndex) return fromIndex;
    const row = this.stmt('SELECT embedding FROM vec_facts WHERE fact_id = ?').get(BigInt(id)) as
      { embedding: Buffer } | undefined;
    return row && vectorFromBlob(row.embedding);
  }

  /** Keeps the vector's filter columns equal to the fact's (vec0 metadata is a copy). */
  private syncVectorMeta(id: number): void {
    const f = this.stmt('SELECT * FROM facts WHERE id = ?').get(id) as FactRow | undefined;
    if (!f || f.embedded_model === null) return;
    this.stmt(
      'UPDATE vec_facts SET live = ?, category = ?, confidence = ?, created_at = ?, label_id = ? WHERE fact_id = ?',
    ).run(
      BigInt(f.deleted_at === null && f.superseded_by === null ? 1 : 0),
      f.category,
      f.confidence,
      BigInt(f.created_at),
      BigInt(f.label_id ?? 0),
      BigInt(id),
    );
  }

  /** Drops every vector (the model changed): all facts wait for re-embedding. */
  clearEmbeddings(): void {
    this.db.exec(
      'DELETE FROM vec_facts; UPDATE facts SET embedded_model = NULL WHERE embedded_model IS NOT NULL;',
    );
  }

  pending(limit: number): Array<{ id: number; content: string }> {
    return this.stmt(
      'SELECT id, content FROM facts WHERE embedded_model IS NULL AND superseded_by IS NULL ORDER BY id LIMIT ?',
    ).all(limit) as Array<{ id: number; content: string }>;
  }

  pendingCount(space?: string): number {
    const sql = 'SELECT count(*) AS n FROM facts WHERE embedded_model IS NULL AND superseded_by IS NULL';
    const row = (
      space === undefined ? this.stmt(sql).get() : this.stmt(`${sql} AND space = ?`).get(space)
    ) as {
      n: number;
    };
    return row.n;
  }

  /**
   * Nearest live facts by cosine distance; every filter is applied during the scan. Served by
   * the in-memory index, or by sqlite-vec inside a transaction (where uncommitted rows count).
   */
  nearest(space: string, vector: Float32Array, k: number, filters: FactFilters = {}): RankedId[] {
    if (filters.asOf !== undefined) return this.nearestAsOf(space, vector, k, filters);
    const index = this.vectors.current();
    if (index) return index.search(space, vector, k, filters);
    return this.nearestInSqlite(space, vector, k, filters);
  }

  /** sqlite-vec's exact KNN over vec_facts: the reference the index is measured against. */
  nearestInSqlite(space: string, vector: Float32Array, k: number, filters: FactFilters = {}): RankedId[] {
    let sql =
      'SELECT fact_id AS id, distance AS rank FROM vec_facts WHERE embedding MATCH ? AND k = ? AND space = ? AND live = 1';
    const params: unknown[] = [vectorToBlob(vector), k, space];
    if (filters.category !== undefined) {
      sql += ' AND category = ?';
      params.push(filters.category);
    }
    if (filters.labelId !== undefined) {
      sql += ' AND label_id = ?';
      params.push(BigInt(filters.labelId));
    }
    if (filters.minConfidence !== undefined) {
      sql += ' AND confidence >= ?';
      params.push(filters.minConfidence);
    }
    if (filters.since !== undefined) {
      sql += ' AND created_at >= ?';
      params.push(BigInt(filters.since));
    }
    if (filters.until !== undefined) {
      sql += ' AND created_at <= ?';
      params.push(BigInt(filters.until));
    }
    return this.stmt(sql).all(...params) as RankedId[];
  }

  /**
   * Nearest facts current at filters.asOf: an exact scan of the space's stored vectors (live or
   * not; vec_facts keeps a superseded or forgotten fact's vector), for the rare look into the past.
   */
  private nearestAsOf(space: string, vector: Float32Array, k: number, filters: FactFilters): RankedId[] {
    const params: unknown[] = [vectorToBlob(vector), space];
    const current = currentSql(filters, params);
    const where = filterSql(filters, params);
    params.push(k);
    return this.stmt(
      `SELECT f.id AS id, vec_distance_cosine(v.embedding, ?) AS rank FROM vec_facts v JOIN facts f ON f.id = v.fact_id
       WHERE v.space = ? AND ${current}${where} ORDER BY rank, f.id LIMIT ?`,
    ).all(...params) as RankedId[];
  }

  /**
   * Best live facts for any of the words (an OR query), by FTS5's bm25. Served by the in-memory
   * text index, or by FTS5 inside a transaction or when a word is not a single FTS5 term.
   */
  searchText(
    space: string,
    words: readonly string[],
    k: number,
    filters: FactFilters = {},
    opts: { expandUnknown?: boolean } = {},
  ): RankedId[] {
    if (words.length === 0) return [];
    if (filters.asOf !== undefined) return this.searchTextInSqlite(space, words, k, filters);
    const terms = this.text.queryTerms(words);
    const index = terms && this.text.current();
    if (terms && index) {
      return index.search(space, opts.expandUnknown ? expandTerms(words, terms, index) : terms, k, filters);
    }
    // While the word index loads (or inside a transaction) FTS5 answers, without expansion.
    return this.searchTextInSqlite(space, words, k, filters);
  }

  /**
   * The query words searchText (with expandUnknown) reads as other words, and the terms each
   * stands for, for recall's explain. Empty when searchText would not expand (index loading,
   * inside a transaction, a look into the past).
   */
  wordExpansions(words: readonly string[], filters: FactFilters = {}): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (filters.asOf !== undefined) return out;
    const terms = this.text.queryTerms(words);
    const index = terms && this.text.current();
    if (!terms || !index) return out;
    terms.forEach((term, i) => {
      const expansion = expansionOfTerm(words[i]!, term, index);
      if (expansion && expansion.length > 0) out.set(words[i]!, expansion);
    });
    return out;
  }

  /**
   * BM25's idf of each word (0 for a word no fact holds, or one that is not a single FTS5 term),
   * as searchText weighs it: from the in-memory text index, else from FTS5's own counts.
   */
  wordIdfs(words: readonly string[]): number[] {
    const index = this.db.inTransaction ? null : this.text.current();
    if (index) return words.map((w) => this.text.queryTerms([w])?.[0]).map((t) => (t ? index.idf(t) : 0));
    // FTS5 holds a row for every fact (live or not), as the index does.
    const documents = (this.stmt('SELECT count(*) AS n FROM facts').get() as { n: number }).n;
    this.db.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.hippo_fts_rows USING fts5vocab('main', 'facts_fts', 'row')",
    );
    const df = this.db.prepare('SELECT doc FROM temp.hippo_fts_rows WHERE term = ?');
    return words.map((w) => {
      const tokens = this.text.tokensOf(w);
      const row = tokens.length === 1 ? (df.get(tokens[0]) as { doc: number } | undefined) : undefined;
      return row ? bm25Idf(documents, row.doc) : 0;
    });
  }

  /** FTS5's own ranking of the same OR query: the reference the index is measured against. */
  searchTextInSqlite(
    space: string,
    words: readonly string[],
    k: number,
    filters: FactFilters = {},
  ): RankedId[] {
    if (words.length === 0) return [];
    const params: unknown[] = [toFtsMatch(words), space];
    const current = currentSql(filters, params);
    const where = filterSql(filters, params);
    params.push(k);
    return this.stmt(
      `SELECT f.id AS id, bm25(facts_fts) AS rank FROM facts_fts JOIN facts f ON f.id = facts_fts.rowid
       WHERE facts_fts MATCH ? AND f.space = ? AND ${current}${where} ORDER BY rank, f.id LIMIT ?`,
    ).all(...params) as RankedId[];
  }

  list(
    space: string,
    filters: FactFilters & { deleted: 'exclude' | 'include' | 'only' },
    limit: number,
    offset: number,
  ): { rows: Array<FactRow & { label_name: string | null }>; total: number } {
    const params: unknown[] = [space];
    let where = 'f.space = ?';
    if (filters.asOf !== undefined) where += ` AND ${currentSql(filters, params)}`;
    else where += ' AND f.superseded_by IS NULL';
    if (filters.deleted === 'exclude' && filters.asOf === undefined) where += ' AND f.deleted_at IS NULL';
    if (filters.deleted === 'only') where += ' AND f.deleted_at IS NOT NULL';
    where += filterSql(filters, params);
    const total = this.stmt(`SELECT count(*) AS n FROM facts f WHERE ${where}`).get(...params) as {
      n: number;
    };
    const rows = this.stmt(
      `SELECT f.*, l.name AS label_name FROM facts f LEFT JOIN labels l ON l.id = f.label_id
       WHERE ${where} ORDER BY f.created_at DESC, f.id DESC LIMIT ? OFFSET ?`,
    ).all(...params, limit, offset) as Array<FactRow & { label_name: string | null }>;
    return { rows, total: total.n };
  }

  recordAccess(counts: Map<number, number>, at: number): void {
    const s = this.stmt(
      'UPDATE facts SET access_count = access_count + ?, last_accessed_at = max(coalesce(last_accessed_at, 0), ?) WHERE id = ?',
    );
    for (const [id, n] of counts) s.run(n, at, id);
  }

  countsBySpace(space: string): { live: number; deleted: number; categories: Record<string, number> } {
    const live = this.stmt(`SELECT count(*) AS n FROM facts f WHERE f.space = ? AND ${LIVE}`).get(space) as {
      n: number;
    };
    const deleted = this.stmt(
      'SELECT count(*) AS n FROM facts f WHERE f.space = ? AND f.deleted_at IS NOT NULL AND f.superseded_by IS NULL',
    ).get(space) as { n: number };
    const cats = this.stmt(
      `SELECT f.category AS category, count(*) AS n FROM facts f WHERE f.space = ? AND ${LIVE} GROUP BY f.category ORDER BY n DESC`,
    ).all(space) as Array<{ category: string; n: number }>;
    return {
      live: live.n,
      deleted: deleted.n,
      categories: Object.fromEntries(cats.map((c) => [c.category, c.n])),
    };
  }

  /** Every fact of a space that export should write: live and deleted, not superseded history. */
  *iterateForExport(space: string): IterableIterator<FactRow & { label_name: string | null }> {
    yield* this.stmt(
      `SELECT f.*, l.name AS label_name FROM facts f LEFT JOIN labels l ON l.id = f.label_id
       WHERE f.space = ? AND f.superseded_by IS NULL ORDER BY f.id`,
    ).iterate(space) as IterableIterator<FactRow & { label_name: string | null }>;
  }
}

/** The query's terms with each unknown one replaced by what it stands for (word-expansion.ts). */
function expandTerms(words: readonly string[], terms: readonly string[], index: TextIndex): string[] {
  return terms.flatMap((term, i) => expansionOfTerm(words[i]!, term, index) ?? [term]);
}

/** What an unknown query word's term stands for; null for a term some fact holds. */
function expansionOfTerm(word: string, term: string, index: TextIndex): string[] | null {
  if (index.idf(term) > 0) return null;
  return expansionsOf(foldWord(word), term, index.termsStartingWith(firstLetter(term)));
}
