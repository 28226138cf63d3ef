import type pg from 'pg';
import type { RecallMode, SearchResult } from '../../shared/contract';
import type { Embedder } from '../embedder/types';
import { ftsTerms } from '../memory/fts-query';
import { fuseRecall, tieBreakIds, type FactStanding, type FusedHit } from '../memory/fuse-ranks';
import { matchedWords } from '../memory/matched-words';
import type { MemoryTuning, QueryTimingListener } from '../memory/memory-context';
import { byRecencyExplain, embedQuery, recallDepth, withProximity } from '../memory/recall';
import { similarityFromDistance } from '../memory/vector';
import { addSnippets } from '../memory/passages';
import { expandedIn, expansionsOf, firstLetter } from '../memory/word-expansion';
import { foldWord, rerankByProximity } from '../memory/word-proximity';
import { bm25Sql, indexFactTerms, type Bm25Tokenizer } from './pg-bm25';
import { named, toPgVector } from './pg-statements';
import { ivfflatProbes, type VectorIndexInfo } from './pg-vector-index';
import { inPgTransaction } from './pg-connect';
import { PG_LIVE, timedPg } from './pg-fact-rows';

/** Recall's filters in Postgres terms; labelUid null means "a label that does not exist". */
export interface PgFactFilters {
  category?: string;
  labelUid?: string | null;
  minConfidence?: number;
  since?: number;
  until?: number;
  /** Epoch ms: facts current then instead of the live ones (SQLite's FactFilters.asOf). */
  asOf?: number;
}

/**
 * PG_LIVE, or with filters.asOf the facts current then, as SQLite's CURRENT_AT (facts-repo.ts):
 * created by then, not forgotten by then, not superseded by another fact until later; earlier
 * wordings never. The time is bound as the next parameter of params.
 */
export function pgLiveSql(filters: Pick<PgFactFilters, 'asOf'>, params: unknown[]): string {
  if (filters.asOf === undefined) return PG_LIVE;
  params.push(filters.asOf);
  const t = `$${params.length}::bigint`;
  return `(f.created_at <= ${t} AND (f.deleted_at IS NULL OR f.deleted_at > ${t})
    AND (f.superseded_by IS NULL OR (f.supersede_reason = 'superseded' AND f.superseded_at > ${t})))`;
}

export interface PgRecallRequest {
  space: string;
  query: string;
  context?: string;
  limit: number;
  filters: PgFactFilters;
  /** Count the results as recalled (fact_access); false for looking without recalling. */
  trackAccess?: boolean;
  /** The reference instant recency is counted back from (RecallRequest.now); default deps.now(). */
  now?: number;
  /** Say per result why it matched. */
  explain?: boolean;
  /** The query was only time words: list the window's facts newest first. */
  byRecency?: boolean;
}

export interface PgRecallDeps {
  pool: pg.Pool;
  tokenizer: Bm25Tokenizer;
  embedder: Embedder | null;
  model: string | null;
  tuning: MemoryTuning;
  /** pgvector >= 0.8: an HNSW scan can keep going until enough rows pass the filters. */
  iterativeScan: boolean;
  /** The facts' cosine index, for its search settings. */
  vectorIndex: VectorIndexInfo;
  /**
   * 'bm25' (default): FTS5's ranking over FTS5's terms, so both stores rank words alike.
   * 'ts_rank_cd': Postgres's own full-text search over the gin index; kept to measure against
   * (see the parity test) and for servers where the term tables are unwanted.
   */
  wordRanking?: WordRanking;
  /** The time written as last_accessed_at. */
  now(): number;
  /** Told how long the word ('fts') and vector ('knn') queries took, for metrics. */
  queryListeners?: ReadonlySet<QueryTimingListener>;
}

export type WordRanking = 'bm25' | 'ts_rank_cd';

/**
 * Postgres's native word step: the seed's gin index on to_tsvector('english', content), any of
 * the words (websearch "or"), ranked by ts_rank_cd. $1 = the words, $2 = space, filters, limit.
 */
export function tsRankSql(filterSql: string, limitParam: number, live = PG_LIVE): string {
  return `
    SELECT f.id, ts_rank_cd(to_tsvector('english', f.content), q) AS score
      FROM facts f, websearch_to_tsquery('english', array_to_string($1::text[], ' or ')) AS q
     WHERE to_tsvector('english', f.content) @@ q
       AND f.space = $2 AND ${live}${filterSql}
     ORDER BY score DESC, f.id
     LIMIT $${limitParam}`;
}

/** The word step's SQL and its first parameter for the chosen ranking. */
function wordStepSql(
  deps: Pick<PgRecallDeps, 'tokenizer' | 'wordRanking'>,
  words: string[],
): { first: string[]; sql: (filterSql: string, limitParam: number, live?: string) => string } {
  if (deps.wordRanking === 'ts_rank_cd') return { first: words, sql: tsRankSql };
  return { first: deps.tokenizer.queryTerms(words), sql: bm25Sql };
}

/** The filters as SQL on alias f, numbering parameters after those already in params. */
export function pgFilterSql(filters: PgFactFilters, params: unknown[]): string {
  let sql = '';
  const add = (clause: string, value: unknown) => {
    params.push(value);
    sql += ` AND ${clause.replace('?', `$${params.length}`)}`;
  };
  if (filters.category !== undefined) add('f.category = ?', filters.category);
  if (filters.labelUid !== undefined) {
    if (filters.labelUid === null) sql += ' AND false';
    else add('f.label_uid = ?::uuid', filters.labelUid);
  }
  if (filters.minConfidence !== undefined) add('f.confidence >= ?::real', filters.minConfidence);
  if (filters.since !== undefined) add('f.created_at >= ?::bigint', filters.since);
  if (filters.until !== undefined) add('f.created_at <= ?::bigint', filters.until);
  return sql;
}

/**
 * The seed's "vector subquery first": the inner query is the bare nearest-neighbour scan the
 * HNSW index answers (ORDER BY distance LIMIT depth, live facts of the space and the filters,
 * which pgvector's iterative scan applies while walking the graph); the outer query only puts
 * the candidates in exact distance order, ties by id as SQLite breaks them.
 * Only vectors of the model that embedded the query count (a device on another model may have
 * synced its own). $1 = query vector, $2 = space, $3 = model, then the filters; the limit last.
 */
export function vectorSql(filterSql: string, limitParam: number, live = PG_LIVE): string {
  return `
    SELECT v.id, v.distance FROM (
      SELECT f.id, f.embedding <=> $1::vector AS distance
        FROM facts f
       WHERE f.space = $2 AND f.embedded_model = $3
         AND ${live}${filterSql}
       ORDER BY f.embedding <=> $1::vector
       LIMIT $${limitParam}
    ) v
    ORDER BY v.distance, v.id`;
}

/** HNSW's candidate list: at least the depth asked for, with room for approximate misses. */
export function efSearchFor(depth: number): number {
  return Math.min(1000, Math.max(100, depth * 2));
}

/**
 * This transaction's index search settings: HNSW's candidate list (ef_search) or ivfflat's
 * probes per the seed's table, and pgvector >= 0.8's iterative scan, which keeps walking the
 * index until depth rows pass the filters (relaxed order: the outer query re-sorts).
 */
async function applyVectorSettings(
  client: pg.PoolClient,
  deps: Pick<PgRecallDeps, 'iterativeScan' | 'vectorIndex'>,
  depth: number,
): Promise<void> {
  const ivf = deps.vectorIndex.kind === 'ivfflat';
  const [name, value] = ivf
    ? ['ivfflat.probes', String(ivfflatProbes(deps.vectorIndex.lists ?? 1))]
    : ['hnsw.ef_search', String(efSearchFor(depth))];
  await client.query(named(client, 'SELECT set_config($1, $2, true)', [name, value]));
  if (deps.iterativeScan)
    await client.query(
      named(client, "SELECT set_config($1, 'relaxed_order', true)", [
        ivf ? 'ivfflat.iterative_scan' : 'hnsw.iterative_scan',
      ]),
    );
}

interface ResultRow {
  id: string;
  content: string;
  category: string;
  confidence: number;
  label_name: string | null;
  source: string | null;
  created_at: string;
  distance: number | null;
}

/**
 * The results' rows: live facts among the fused ids (or, for an as_of recall, whose ids were
 * already checked against the past, the rows as they are). $1 = ids, $2 = query vector, $3 = model.
 */
const resultsSql = (liveOnly: boolean) => `
  SELECT f.id, f.content, f.category, f.confidence, l.name AS label_name, f.source, f.created_at,
         CASE WHEN f.embedded_model = $3 THEN f.embedding <=> $2::vector END AS distance
    FROM facts f LEFT JOIN labels l ON l.uid = f.label_uid
   WHERE f.id = ANY($1::bigint[])${liveOnly ? ` AND ${PG_LIVE}` : ''}`;
const RESULTS_SQL = resultsSql(true);
const PAST_RESULTS_SQL = resultsSql(false);

/** The tie-breakers' reading of the candidates near the cut (fuse-ranks.ts). $1 = ids. */
const STANDING_SQL = `SELECT id, created_at, confidence FROM facts WHERE id = ANY($1::bigint[])`;

/** A query of time words only: the window's live facts, newest first. $1 = space, filters, limit. */
function byRecencySql(filterSql: string, limitParam: number, live: string): string {
  return `
    SELECT f.id FROM facts f
     WHERE f.space = $1 AND ${live}${filterSql}
     ORDER BY f.created_at DESC, f.id DESC
     LIMIT $${limitParam}`;
}

/**
 * RESULTS_SQL that also counts each result as recalled at $4, as SQLite's recordAccess does (one
 * more, last_accessed_at never going back), in the same statement so recall pays no extra round
 * trip. fact_access, not facts: an UPDATE of facts would take a change_seq and send every
 * recalled fact to every syncing device (see migration 0005). In id order, so two recalls of the
 * same facts lock their rows in the same order. Counts are advisory, so, as SQLite writes them
 * without waiting for the disk (commitWithoutFsync), this transaction commits without waiting for
 * the WAL flush (synchronous_commit off for it alone): a recall never stalls on its counting.
 */
const COUNTED_RESULTS_SQL = `
  WITH hit AS (${RESULTS_SQL}),
  counted AS (
    INSERT INTO fact_access AS a (fact_id, access_count, last_accessed_at)
    SELECT id, 1, $4::bigint FROM hit ORDER BY id
    ON CONFLICT (fact_id) DO UPDATE
      SET access_count = a.access_count + 1,
          last_accessed_at = greatest(coalesce(a.last_accessed_at, 0), excluded.last_accessed_at)
  )
  SELECT hit.* FROM hit CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS advisory`;

/**
 * The same recall as SQLite's recall.ts, with Postgres doing the scans: the nearest facts by
 * embedding (HNSW), the best by words (FTS5's bm25 over FTS5's terms, see pg-bm25.ts), the
 * context's words, then fuseRecall (fuse-ranks.ts) ranks them exactly as it does SQLite's, with
 * the same depth and weights. The results are counted as recalled (fact_access) unless
 * req.trackAccess is false.
 */
export async function pgRecall(
  deps: PgRecallDeps,
  req: PgRecallRequest,
): Promise<{ results: SearchResult[]; mode: RecallMode }> {
  const { tuning } = deps;
  const depth = recallDepth(tuning, req.limit);
  const embedding =
    deps.model && deps.embedder
      ? embedQuery(deps.embedder, req.query, req.context, tuning.contextWeight)
      : null;
  // Nothing left unobserved if the words' queries fail first.
  embedding?.catch(() => undefined);

  await catchUpTerms(deps);
  const track = req.trackAccess ?? true;
  const now = req.now ?? deps.now();
  const { fused, rows, queryVector, distances, proximityOf, expansions } = await inPgTransaction(
    deps.pool,
    async (client) => {
      if (req.byRecency) {
        const params: unknown[] = [req.space];
        const live = pgLiveSql(req.filters, params);
        const where = pgFilterSql(req.filters, params);
        params.push(req.limit);
        const recent = await timedPg(deps.queryListeners, 'list', () =>
          client.query<{ id: string }>(named(client, byRecencySql(where, params.length, live), params)),
        );
        const fused: FusedHit[] = recent.rows.map((r, i) => ({
          id: Number(r.id),
          score: byRecencyExplain(i + 1).score,
        }));
        const rows = await resultRows(client, fused, null);
        return {
          fused,
          rows,
          queryVector: undefined,
          distances: new Map<number, number>(),
          proximityOf: new Map<number, number>(),
          expansions: new Map<string, string[]>(),
        };
      }
      let expansions = new Map<string, string[]>();
      const wordStep = async (
        words: string[],
        byProximity: boolean,
      ): Promise<{ ids: number[]; scores: number[]; proximity: number[] }> => {
        const step = wordStepSql(deps, words);
        if (step.first.length === 0) return { ids: [], scores: [], proximity: [] };
        // As SQLite's word search does for the query (facts-repo.ts): unknown words expanded.
        // Not for a look into the past, which SQLite answers from FTS5 without expanding.
        // One look at term_doc_counts serves both the expansion and the proximity bonus.
        let idfs: Promise<number[]> | null = null;
        const idfsOfWords = () => (idfs ??= queryWordIdfs(client, deps.tokenizer, words));
        let terms = step.first;
        if (
          byProximity &&
          deps.wordRanking !== 'ts_rank_cd' &&
          tuning.expandUnknownWords &&
          req.filters.asOf === undefined
        ) {
          const expanded = await expandUnknownTerms(client, deps.tokenizer, words, await idfsOfWords());
          terms = expanded.terms;
          expansions = expanded.expansions;
        }
        const params: unknown[] = [terms, req.space];
        const live = pgLiveSql(req.filters, params);
        const where = pgFilterSql(req.filters, params);
        params.push(depth);
        return timedPg(deps.queryListeners, 'fts', async () => {
          const rows = await client.query<{ id: string; score: number }>(
            named(client, step.sql(where, params.length, live), params),
          );
          let hits = rows.rows.map((r) => ({ id: Number(r.id), score: Number(r.score), proximity: 0 }));
          // As SQLite's recall does (recall.ts searchWords): BM25, then the proximity bonus.
          if (byProximity && deps.wordRanking !== 'ts_rank_cd' && words.length >= 2 && hits.length > 0) {
            const contents = await contentsOf(client, hits);
            hits = rerankByProximity(hits, words, await idfsOfWords(), (id) => contents.get(id));
          }
          return {
            ids: hits.map((h) => h.id),
            scores: hits.map((h) => h.score),
            proximity: hits.map((h) => h.proximity),
          };
        });
      };
      const words = await wordStep(ftsTerms(req.query), true);
      const contextWords = req.context
        ? await wordStep(ftsTerms(req.context), false)
        : { ids: [], scores: [], proximity: [] };

      let queryVector: Float32Array | undefined;
      let vectorHits: { id: number; distance: number }[] | null = null;
      if (embedding) {
        queryVector = await embedding;
        await applyVectorSettings(client, deps, depth);
        const params: unknown[] = [toPgVector(queryVector), req.space, deps.model];
        const live = pgLiveSql(req.filters, params);
        const where = pgFilterSql(req.filters, params);
        params.push(depth);
        const rows = await timedPg(deps.queryListeners, 'knn', () =>
          client.query<{ id: string; distance: number }>(
            named(client, vectorSql(where, params.length, live), params),
          ),
        );
        vectorHits = rows.rows.map((r) => ({ id: Number(r.id), distance: r.distance }));
      }
      const distances = new Map((vectorHits ?? []).map((h) => [h.id, h.distance]));
      const candidates = {
        vector: vectorHits,
        words: words.ids,
        wordScores: words.scores,
        contextWords: contextWords.ids,
        contextScores: contextWords.scores,
      };
      const standingRows = await client.query<{ id: string; created_at: string; confidence: number }>(
        named(client, STANDING_SQL, [tieBreakIds(candidates, tuning, req.limit)]),
      );
      const standing = new Map<number, FactStanding>(
        standingRows.rows.map((r) => [
          Number(r.id),
          { createdAt: Number(r.created_at), confidence: r.confidence },
        ]),
      );
      const fused = fuseRecall(candidates, tuning, req.limit, {
        tieBreak: { standing, now },
        explain: req.explain,
      });
      const rows = await resultRows(client, fused, queryVector ?? null);
      const proximityOf = new Map(words.ids.map((id, i) => [id, words.proximity[i]!]));
      return { fused, rows, queryVector, distances, proximityOf, expansions };
    },
    { readOnly: !track },
  );

  /** The rows of the fused ids, counted as recalled unless the request only looks. */
  async function resultRows(client: pg.PoolClient, fused: FusedHit[], vector: Float32Array | null) {
    const params = [fused.map((f) => f.id), vector ? toPgVector(vector) : null, deps.model];
    // A look into the past reads rows no longer live, and counts no access (nothing was used now).
    if (req.filters.asOf !== undefined)
      return client.query<ResultRow>(named(client, PAST_RESULTS_SQL, params));
    return client.query<ResultRow>(
      named(client, track ? COUNTED_RESULTS_SQL : RESULTS_SQL, track ? [...params, deps.now()] : params),
    );
  }

  const queryWords = ftsTerms(req.query);
  const byId = new Map(rows.rows.map((r) => [Number(r.id), r]));
  const results: SearchResult[] = [];
  for (const [i, { id, score, explain }] of fused.entries()) {
    const row = byId.get(id);
    if (!row) continue;
    const distance = distances.get(id) ?? row.distance;
    const result: SearchResult = {
      fact_id: id,
      content: row.content,
      category: row.category,
      confidence: row.confidence,
      label_name: row.label_name,
      similarity: queryVector && distance !== null ? similarityFromDistance(distance) : null,
      score,
      source: row.source,
      created_at: new Date(Number(row.created_at)).toISOString(),
    };
    if (req.byRecency && req.explain) result.explain = byRecencyExplain(i + 1).explain;
    else if (explain) {
      const expanded = expandedIn(row.content, expansions);
      result.explain = withProximity(
        {
          matched_words: matchedWords(queryWords, row.content),
          ...(expanded.length > 0 ? { expanded_words: expanded } : {}),
          ...explain,
        },
        proximityOf.get(id),
      );
    }
    results.push(result);
  }
  // As SQLite's recall: the best passage of long content, by the query's vector or its words.
  await addSnippets(
    results,
    req.byRecency ? [] : queryWords,
    queryVector ?? null,
    queryVector ? (deps.embedder ?? null) : null,
  );
  return { results, mode: queryVector ? 'hybrid' : 'text-only' };
}

/**
 * The query words' terms with each one no fact holds replaced by what it stands for
 * (word-expansion.ts), from term_doc_counts as SQLite's from its word index.
 */
async function expandUnknownTerms(
  client: pg.ClientBase,
  tokenizer: Bm25Tokenizer,
  words: readonly string[],
  idfs: readonly number[],
): Promise<{ terms: string[]; expansions: Map<string, string[]> }> {
  const expansions = new Map<string, string[]>();
  const out: string[] = [];
  for (const [i, word] of words.entries()) {
    const terms = tokenizer.queryTerms([word]);
    const term = terms.length === 1 ? terms[0]! : null;
    // idfs[i] > 0 exactly when some fact holds the word's term.
    if (term === null || idfs[i]! > 0) {
      out.push(...terms);
      continue;
    }
    const candidates = await client.query<{ term: string; df: string }>(
      named(client, 'SELECT term, df FROM term_doc_counts WHERE df > 0 AND left(term, 1) = $1', [
        firstLetter(term),
      ]),
    );
    const vocabulary = candidates.rows.map((r) => ({ term: r.term, df: Number(r.df) }));
    const expansion = expansionsOf(foldWord(words[i]!), term, vocabulary);
    if (expansion.length > 0) expansions.set(words[i]!, expansion);
    out.push(...expansion);
  }
  return { terms: out, expansions };
}

/**
 * BM25's idf of each query word as bm25Sql weighs it (as FactsRepo.wordIdfs in SQLite): 0 when
 * no fact holds it, or when the word is not a single term.
 */
async function queryWordIdfs(
  client: pg.ClientBase,
  tokenizer: Bm25Tokenizer,
  words: readonly string[],
): Promise<number[]> {
  const terms = words.map((w) => {
    const t = tokenizer.queryTerms([w]);
    return t.length === 1 ? t[0]! : null;
  });
  const rows = await client.query<{ i: string; idf: number }>(named(client, WORD_IDF_SQL, [terms]));
  const idfs = words.map(() => 0);
  for (const r of rows.rows) idfs[Number(r.i) - 1] = Number(r.idf);
  return idfs;
}

/** The hits' contents, for the proximity bonus. */
async function contentsOf(
  client: pg.ClientBase,
  hits: readonly { id: number }[],
): Promise<Map<number, string>> {
  const rows = await client.query<{ id: string; content: string }>(
    named(client, 'SELECT id, content FROM facts WHERE id = ANY($1::bigint[])', [hits.map((h) => h.id)]),
  );
  return new Map(rows.rows.map((r) => [Number(r.id), r.content]));
}

const WORD_IDF_SQL = `
  WITH s AS (SELECT greatest(docs, 1)::float8 AS n FROM bm25_state)
  SELECT q.i, greatest(ln((s.n - c.df + 0.5) / (c.df + 0.5)), 1e-6) AS idf
    FROM unnest($1::text[]) WITH ORDINALITY AS q(term, i)
    JOIN term_doc_counts c ON c.term = q.term AND c.df > 0
    CROSS JOIN s`;

/**
 * Rows written by someone else (sync, another device) get their terms before they are searched.
 * The check is one indexed look at the newest change_seq, so a recall with nothing new pays
 * no lock.
 */
export async function catchUpTerms(deps: Pick<PgRecallDeps, 'pool' | 'tokenizer'>): Promise<void> {
  const behind = await deps.pool.query<{ behind: boolean }>(
    `SELECT coalesce((SELECT max(change_seq) FROM facts), 0) > (SELECT indexed_seq FROM bm25_state) AS behind`,
  );
  if (!behind.rows[0]?.behind) return;
  await inPgTransaction(deps.pool, async (client) => {
    await indexFactTerms(client, deps.tokenizer);
  });
}

export interface ExplainedStep {
  step: 'vector' | 'words';
  sql: string;
  plan: string;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the queries recall runs for this request, with the same
 * settings (ef_search or probes, iterative scan) and parameters, so users can check the vector
 * index (vector step) and the term index (word step) are used. ANALYZE runs them; both only read.
 */
const VECTOR_LITERAL = /'\[[-+0-9.eE,\s]+\]'::vector/g;

export async function pgExplainRecall(deps: PgRecallDeps, req: PgRecallRequest): Promise<ExplainedStep[]> {
  const depth = recallDepth(deps.tuning, req.limit);
  const vector =
    deps.model && deps.embedder ? (await deps.embedder.embed([req.query], { persist: false }))[0]! : null;
  await catchUpTerms(deps);
  const steps: ExplainedStep[] = [];
  await inPgTransaction(
    deps.pool,
    async (client) => {
      const explain = async (step: ExplainedStep['step'], sql: string, params: unknown[]) => {
        const r = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        const plan = r.rows.map((x) => x['QUERY PLAN']).join('\n');
        // Postgres prints the bound query vector in full (384 numbers) on every node that uses it.
        steps.push({ step, sql: sql.trim(), plan: plan.replace(VECTOR_LITERAL, "'[query vector]'::vector") });
      };
      if (vector) {
        await applyVectorSettings(client, deps, depth);
        const params: unknown[] = [toPgVector(vector), req.space, deps.model];
        const live = pgLiveSql(req.filters, params);
        const where = pgFilterSql(req.filters, params);
        params.push(depth);
        await explain('vector', vectorSql(where, params.length, live), params);
      }
      const step = wordStepSql(deps, ftsTerms(req.query));
      if (step.first.length > 0) {
        const params: unknown[] = [step.first, req.space];
        const live = pgLiveSql(req.filters, params);
        const where = pgFilterSql(req.filters, params);
        params.push(depth);
        await explain('words', step.sql(where, params.length, live), params);
      }
    },
    { readOnly: true },
  );
  return steps;
}
