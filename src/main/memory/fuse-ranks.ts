import { similarityFromDistance } from './vector';

/**
 * How recall ranks, in one place for both stores (SQLite's recall.ts and Postgres's
 * pg-recall.ts): each store finds its candidates (the query's words, the context's words, the
 * query's nearest vectors, each `recallDepth` deep) and fuseRecall() turns them into the ranking.
 *
 * Reciprocal rank fusion (Cormack et al. 2009): each list contributes weight / (k + rank),
 * rank starting at 1, k = RRF_K. Robust to the lists' scores living on different scales.
 */
export interface RankedList {
  ids: number[];
  weight: number;
}

export const RRF_K = 60;

export function fuseRanks(lists: RankedList[], k = RRF_K): Array<{ id: number; score: number }> {
  const scores = new Map<number, number>();
  for (const list of lists) {
    list.ids.forEach((id, i) => {
      scores.set(id, (scores.get(id) ?? 0) + list.weight / (k + i + 1));
    });
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

/** What fuseRecall() reads of the tuning (MemoryTuning's fields, documented there). */
export interface FusionTuning {
  vectorWeight: number;
  textWeight: number;
  contextWeight: number;
  minVectorSimilarity: number;
}

/** One recall's candidates, each list best first. */
export interface RecallCandidates {
  /** The query's nearest facts and their cosine distances; null without a query vector. */
  vector: { id: number; distance: number }[] | null;
  /** Facts matching the query's words. */
  words: number[];
  /** Facts matching the recall context's words (none without a context). */
  contextWords: number[];
}

/**
 * The fused ranking, best first, cut to `limit`: the vector list at vectorWeight, the query's
 * words at textWeight and the context's words at contextWeight (so they can break a tie between
 * facts the query alone ranks alike). A fact found only by its vector must be at least
 * minVectorSimilarity similar to the query: KNN always returns k neighbours, and for a query
 * about nothing stored they are noise; a fact the words found stays whatever its similarity.
 */
export function fuseRecall(
  c: RecallCandidates,
  tuning: FusionTuning,
  limit: number,
): Array<{ id: number; score: number }> {
  const byWords = new Set([...c.words, ...c.contextWords]);
  const lists: RankedList[] = [];
  if (c.vector) {
    lists.push({
      ids: c.vector
        .filter((h) => byWords.has(h.id) || similarityFromDistance(h.distance) >= tuning.minVectorSimilarity)
        .map((h) => h.id),
      weight: tuning.vectorWeight,
    });
  }
  if (c.words.length > 0) lists.push({ ids: c.words, weight: tuning.textWeight });
  if (c.contextWords.length > 0) lists.push({ ids: c.contextWords, weight: tuning.contextWeight });
  return fuseRanks(lists).slice(0, limit);
}
