import {
  parseInput,
  RecallInput,
  type RecallFilters,
  type RecallMode,
  type SearchResult,
} from '../../shared/contract';
import type { Embedder } from '../embedder/types';
import { isCurrentAt, type FactFilters } from './facts-repo';
import { fuseRecall } from './fuse-ranks';
import { timed, type MemoryContext, type MemoryTuning } from './memory-context';
import { ftsTerms } from './fts-query';
import { blend, dot, similarityFromDistance } from './vector';

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
  query: string;
  context?: string;
  limit: number;
  filters: FactFilters;
}

export interface RecallOutcome {
  results: SearchResult[];
  mode: RecallMode;
}

/** Candidates taken from each ranked list before fusion (shared with the Postgres store). */
export function recallDepth(tuning: Pick<MemoryTuning, 'candidateDepth'>, limit: number): number {
  return Math.max(tuning.candidateDepth, limit * 2);
}

/**
 * Hybrid recall: the nearest facts by embedding (sqlite-vec KNN, filters applied during the
 * scan) and the best by words (FTS5 bm25), fused by reciprocal rank. Without a model it runs on
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
  return embedder.embed(context?.trim() ? [query, context] : [query], { persist: false }).then(([q, c]) =>
    c
      ? blend([
          [q!, 1],
          [c, contextWeight],
        ])
      : q!,
  );
}

export async function recallFacts(ctx: MemoryContext, req: RecallRequest): Promise<RecallOutcome> {
  const { facts, tuning } = ctx;
  const depth = recallDepth(tuning, req.limit);

  const model = await ctx.activeModel();
  // The query's embedding is computed in the worker process; search the words meanwhile.
  const embedding =
    model && ctx.embedder ? embedQuery(ctx.embedder, req.query, req.context, tuning.contextWeight) : null;
  // Let the embedder's batching window close and the request leave before the CPU-bound word
  // search below takes the thread.
  if (embedding) await new Promise((resolve) => setImmediate(resolve));

  const words = ftsTerms(req.query);
  const wordHits =
    words.length > 0 ? timed(ctx, 'fts', () => facts.searchText(req.space, words, depth, req.filters)) : [];
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
  const fused = fuseRecall(
    {
      vector: vectorHits,
      words: wordHits.map((h) => h.id),
      contextWords: contextHits.map((h) => h.id),
    },
    tuning,
    req.limit,
  );
  const rows = facts.getMany(fused.map((f) => f.id));
  const results: SearchResult[] = [];
  for (const { id, score } of fused) {
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
    results.push({
      fact_id: id,
      content: row.content,
      category: row.category,
      confidence: row.confidence,
      label_name: row.label_name,
      similarity,
      score,
      source: row.source,
      created_at: new Date(row.created_at).toISOString(),
    });
  }
  return { results, mode: queryVector ? 'hybrid' : 'text-only' };
}
