import {
  parseInput,
  RecallInput,
  type RecallExplain,
  type RecallFilters,
  type RecallMode,
  type RecallTimeRead,
  type SearchResult,
} from '../../shared/contract';
import type { Embedder } from '../embedder/types';
import { isCurrentAt, type FactFilters, type FactsRepo } from './facts-repo';
import { fuseRecall, RRF_K, tieBreakIds, type RecallCandidates } from './fuse-ranks';
import { matchedWords } from './matched-words';
import { expandedIn } from './word-expansion';
import { addSnippets } from './passages';
import { timed, type MemoryContext, type MemoryTuning } from './memory-context';
import { ftsTerms } from './fts-query';
import { blend, dot, similarityFromDistance } from './vector';
import { rerankByProximity, type ProximityHit } from './word-proximity';

/**
 * recall(query, context, options) as both stores take it: checked with the contract's RecallInput,
 * and whether to count the results as recalled (`trackAccess: false` only looks).
 */
export function parseRecallArgs(
  query: string,
  context: string | undefined,
  options: RecallFilters & { trackAccess?: boolean },
): { input: RecallInput; trackAccess: boolean } {
  const { trackAccess = true, ...filters } = options;
  const input = parseInput(RecallInput, {
    ...filters,
    query,
    ...(context === undefined ? {} : { context }),
  });
  return { input, trackAccess };
}

export interface RecallRequest {
  space: string;
  /** The words to search: the query without its time phrases (see recall-time.ts). */
  query: string;
  context?: string;
  limit: number;
  filters: FactFilters;
  /** The reference instant recency is counted back from, epoch ms. */
  now: number;
  /** Say per result why it matched (SearchResult.explain). */
  explain?: boolean;
  /** The query was only time words: list the window's facts newest first. */
  byRecency?: boolean;
}

export interface RecallOutcome {
  results: SearchResult[];
  mode: RecallMode;
  /** How the query's time words were read, when it had any. */
  time?: RecallTimeRead;
}

/**
 * What a result listed by recency (a query of time words only) says about itself: its place in
 * the list as one RRF list would score it, nothing matched, nothing boosted.
 */
export function byRecencyExplain(rank: number): { score: number; explain: RecallExplain } {
  const score = 1 / (RRF_K + rank);
  return {
    score,
    explain: {
      matched_words: [],
      vector: null,
      words: null,
      context: null,
      boosts: { recency: 0, confidence: 0 },
      base_score: score,
      score,
      by_recency: true,
    },
  };
}

/** An explain with the proximity bonus of the fact's word score (word-proximity.ts) filled in. */
export function withProximity(explain: RecallExplain, proximity: number | undefined): RecallExplain {
  return explain.words && proximity !== undefined
    ? { ...explain, words: { ...explain.words, proximity } }
    : explain;
}

/** Candidates taken from each ranked list before fusion (shared with the Postgres store). */
export function recallDepth(tuning: Pick<MemoryTuning, 'candidateDepth'>, limit: number): number {
  return Math.max(tuning.candidateDepth, limit * 2);
}

/**
 * Hybrid recall: the nearest facts by embedding (sqlite-vec KNN, filters applied during the
 * scan) and the best by words (BM25 with the proximity bonus), fused by reciprocal rank. Without a model it runs on
 * words alone and says so. A context, when given, nudges the query vector toward it.
 */
/**
 * The query's vector for recall, blended with the context's when there is one (the context
 * weighs contextWeight against the query's 1). Never cached on disk: queries rarely repeat.
 * Both stores start it first and search the words while the worker computes it.
 */
export function embedQuery(
  embedder: Embedder,
  query: string,
  context: string | undefined,
  contextWeight: number,
): Promise<Float32Array> {
  const texts = context?.trim() ? [query, context] : [query];
  return embedder.embed(texts, { persist: false, query: true }).then(([q, c]) =>
    c
      ? blend([
          [q!, 1],
          [c, contextWeight],
        ])
      : q!,
  );
}

/**
 * The query's best facts by words: BM25 (searchText), then re-ranked with the bonus for query
 * words that stand close together in a fact (word-proximity.ts).
 */
function searchWords(
  facts: FactsRepo,
  tuning: MemoryTuning,
  req: RecallRequest,
  words: string[],
  depth: number,
): ProximityHit[] {
  const hits = facts
    .searchText(req.space, words, depth, req.filters, { expandUnknown: tuning.expandUnknownWords })
    .map((h) => ({ id: h.id, score: -h.rank }));
  if (words.length < 2 || hits.length === 0) return hits.map((h) => ({ ...h, proximity: 0 }));
  const contents = facts.contents(hits.map((h) => h.id));
  return rerankByProximity(hits, words, facts.wordIdfs(words), (id) => contents.get(id));
}

export async function recallFacts(ctx: MemoryContext, req: RecallRequest): Promise<RecallOutcome> {
  const { facts, tuning } = ctx;
  const depth = recallDepth(tuning, req.limit);

  // Null while the model re-embeds after a switch: the words alone answer then.
  const model = await ctx.searchModel();
  if (req.byRecency) {
    const { rows } = timed(ctx, 'list', () =>
      facts.list(req.space, { ...req.filters, deleted: 'exclude' }, req.limit, 0),
    );
    const results = rows.map((row, i) => {
      const { score, explain } = byRecencyExplain(i + 1);
      return { ...resultOf(row, score, null), ...(req.explain ? { explain } : {}) };
    });
    await addSnippets(results, [], null, null);
    return { results, mode: model && ctx.embedder ? 'hybrid' : 'text-only' };
  }
  // The query's embedding is computed in the worker process; search the words meanwhile.
  const embedding =
    model && ctx.embedder ? embedQuery(ctx.embedder, req.query, req.context, tuning.contextWeight) : null;
  // Let the embedder's batching window close and the request leave before the CPU-bound word
  // search below takes the thread.
  if (embedding) await new Promise((resolve) => setImmediate(resolve));

  const words = ftsTerms(req.query);
  const wordHits =
    words.length > 0 ? timed(ctx, 'fts', () => searchWords(facts, tuning, req, words, depth)) : [];
  // The context's words count too, at the context's weight (see fuseRecall).
  const contextWords = req.context ? ftsTerms(req.context) : [];
  const contextHits =
    contextWords.length > 0
      ? timed(ctx, 'fts', () => facts.searchText(req.space, contextWords, depth, req.filters))
      : [];

  let queryVector: Float32Array | undefined;
  let vectorHits: { id: number; distance: number }[] | null = null;
  if (embedding) {
    const vector = await embedding;
    queryVector = vector;
    vectorHits = timed(ctx, 'knn', () => facts.nearest(req.space, vector, depth, req.filters)).map((h) => ({
      id: h.id,
      distance: h.rank,
    }));
  }
  const distances = new Map((vectorHits ?? []).map((h) => [h.id, h.distance]));
  const proximityOf = new Map(wordHits.map((h) => [h.id, h.proximity]));
  const expansions =
    req.explain && tuning.expandUnknownWords
      ? facts.wordExpansions(words, req.filters)
      : new Map<string, string[]>();
  const candidates: RecallCandidates = {
    vector: vectorHits,
    words: wordHits.map((h) => h.id),
    wordScores: wordHits.map((h) => h.score),
    contextWords: contextHits.map((h) => h.id),
    contextScores: contextHits.map((h) => h.rank),
  };
  // The rows the tie-breakers read (created_at, confidence) include every result's.
  const rows = facts.getMany(tieBreakIds(candidates, tuning, req.limit));
  const standing = new Map(
    [...rows].map(([id, r]) => [id, { createdAt: r.created_at, confidence: r.confidence }]),
  );
  const fused = fuseRecall(candidates, tuning, req.limit, {
    tieBreak: { standing, now: req.now },
    explain: req.explain,
  });
  const results: SearchResult[] = [];
  for (const { id, score, explain } of fused) {
    const row = rows.get(id);
    if (!row || !isCurrentAt(row, req.filters.asOf)) continue;
    let similarity: number | null = null;
    const distance = distances.get(id);
    if (distance !== undefined) similarity = similarityFromDistance(distance);
    else if (queryVector) {
      // Found by words only: its vector was outside the KNN depth (or is still pending).
      const v = facts.getEmbedding(id);
      if (v) similarity = dot(queryVector, v);
    }
    const result = resultOf(row, score, similarity);
    if (explain) {
      const expanded = expandedIn(row.content, expansions);
      result.explain = withProximity(
        {
          matched_words: matchedWords(words, row.content),
          ...(expanded.length > 0 ? { expanded_words: expanded } : {}),
          ...explain,
        },
        proximityOf.get(id),
      );
    }
    results.push(result);
  }
  await addSnippets(results, words, queryVector ?? null, queryVector ? ctx.embedder : null);
  return { results, mode: queryVector ? 'hybrid' : 'text-only' };
}

function resultOf(
  row: {
    id: number;
    content: string;
    category: string;
    confidence: number;
    label_name: string | null;
    source: string | null;
    created_at: number;
  },
  score: number,
  similarity: number | null,
): SearchResult {
  return {
    fact_id: row.id,
    content: row.content,
    category: row.category,
    confidence: row.confidence,
    label_name: row.label_name,
    similarity,
    score,
    source: row.source,
    created_at: new Date(row.created_at).toISOString(),
  };
}
