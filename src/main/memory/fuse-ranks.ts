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
  /**
   * The word lists' scores (bm25, any direction), parallel to words and contextWords. Facts with
   * equal scores share a rank (as equal vector distances do), so that equal matches tie and the
   * tie-breakers below order them; without scores each position is its own rank.
   */
  wordScores?: number[];
  contextScores?: number[];
}

/**
 * Tie-breakers, added to the fused score: a little for being recent and a little for being
 * confident. Their sum is at most TIE_BREAK_MAX = 0.0001, less than half the gap between the
 * first and second places of a weight-1 list (1/61 - 1/62 = 0.00026), so they only reorder
 * facts whose fused scores are within 0.0001 of each other: equal matches (same ranks) come out
 * newer first, then more confident first, and an exact match ranked above a weaker one by the
 * query is never buried by the weaker one being newer or more confident.
 * recency = 2^(-age / RECENCY_HALF_LIFE_DAYS), age in whole days counted back from the recall's
 * reference date (0 for facts dated after it); confidence is the fact's own (0..1).
 */
export const RECENCY_BOOST = 0.00005;
export const CONFIDENCE_BOOST = 0.00005;
export const RECENCY_HALF_LIFE_DAYS = 30;
export const TIE_BREAK_MAX = RECENCY_BOOST + CONFIDENCE_BOOST;

/** What the tie-breakers read of a fact. */
export interface FactStanding {
  createdAt: number;
  confidence: number;
}

export interface TieBreak {
  /** The candidates' standing; a fact missing here gets no boost. */
  standing: ReadonlyMap<number, FactStanding>;
  /** Reference instant for recency, epoch ms. */
  now: number;
}

/** Why a fused fact ranks where it does (fuseRecall's `explain`). */
export interface FusionExplain {
  /** Rank in the vector list (1 = nearest), its similarity and its RRF term; null when not in it. */
  vector: { rank: number; similarity: number; contribution: number } | null;
  /** Rank among the query's word matches and its RRF term. */
  words: { rank: number; contribution: number } | null;
  /** Rank among the context's word matches and its RRF term. */
  context: { rank: number; contribution: number } | null;
  boosts: { recency: number; confidence: number };
  /** The RRF sum before the tie-breakers. */
  base_score: number;
  score: number;
}

export interface FusedHit {
  id: number;
  score: number;
  explain?: FusionExplain;
}

/** 1-based ranks, equal adjacent values sharing the first one's rank (1, 2, 2, 4). */
function ranksOf(n: number, values: readonly number[] | undefined): number[] {
  const ranks: number[] = [];
  for (let i = 0; i < n; i++) {
    const tied = values !== undefined && i > 0 && values[i] === values[i - 1];
    ranks.push(tied ? ranks[i - 1]! : i + 1);
  }
  return ranks;
}

interface Base {
  id: number;
  score: number;
  explain: Omit<FusionExplain, 'boosts' | 'score' | 'base_score'>;
}

/** The RRF sums before tie-breaking, best first, ties by id. */
function fuseBase(c: RecallCandidates, tuning: FusionTuning, k = RRF_K): Base[] {
  const byWords = new Set([...c.words, ...c.contextWords]);
  const out = new Map<number, Base>();
  const entry = (id: number): Base => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { id, score: 0, explain: { vector: null, words: null, context: null } }));
    return e;
  };
  if (c.vector) {
    const kept = c.vector.filter(
      (h) => byWords.has(h.id) || similarityFromDistance(h.distance) >= tuning.minVectorSimilarity,
    );
    const ranks = ranksOf(
      kept.length,
      kept.map((h) => h.distance),
    );
    kept.forEach((h, i) => {
      const contribution = tuning.vectorWeight / (k + ranks[i]!);
      const e = entry(h.id);
      e.score += contribution;
      e.explain.vector = { rank: ranks[i]!, similarity: similarityFromDistance(h.distance), contribution };
    });
  }
  const addWords = (
    ids: number[],
    scores: number[] | undefined,
    weight: number,
    key: 'words' | 'context',
  ) => {
    const ranks = ranksOf(ids.length, scores);
    ids.forEach((id, i) => {
      const contribution = weight / (k + ranks[i]!);
      const e = entry(id);
      e.score += contribution;
      e.explain[key] = { rank: ranks[i]!, contribution };
    });
  };
  addWords(c.words, c.wordScores, tuning.textWeight, 'words');
  addWords(c.contextWords, c.contextScores, tuning.contextWeight, 'context');
  return [...out.values()].sort((a, b) => b.score - a.score || a.id - b.id);
}

/**
 * The facts whose standing (created_at, confidence) the tie-breakers need for this limit: those
 * within TIE_BREAK_MAX of the limit-th fused score, since no one further down can climb into
 * the results. Stores fetch these before calling fuseRecall with a TieBreak.
 */
export function tieBreakIds(c: RecallCandidates, tuning: FusionTuning, limit: number): number[] {
  const base = fuseBase(c, tuning);
  if (base.length <= limit) return base.map((b) => b.id);
  const floor = base[limit - 1]!.score - TIE_BREAK_MAX;
  return base.filter((b) => b.score >= floor).map((b) => b.id);
}

/** The tie-breakers' boosts for a fact. */
export function tieBreakBoosts(
  standing: FactStanding | undefined,
  now: number,
): { recency: number; confidence: number } {
  if (!standing) return { recency: 0, confidence: 0 };
  // Whole days, so the same recall a moment later scores the same.
  const ageDays = Math.floor(Math.max(0, now - standing.createdAt) / 86_400_000);
  return {
    recency: RECENCY_BOOST * 2 ** (-ageDays / RECENCY_HALF_LIFE_DAYS),
    confidence: CONFIDENCE_BOOST * Math.min(1, Math.max(0, standing.confidence)),
  };
}

/**
 * The fused ranking, best first, cut to `limit`: the vector list at vectorWeight, the query's
 * words at textWeight and the context's words at contextWeight (so they can break a tie between
 * facts the query alone ranks alike). A fact found only by its vector must be at least
 * minVectorSimilarity similar to the query: KNN always returns k neighbours, and for a query
 * about nothing stored they are noise; a fact the words found stays whatever its similarity.
 * With a TieBreak, the recency and confidence boosts are added (see TIE_BREAK_MAX); with
 * `explain`, each hit says what made its score.
 */
export function fuseRecall(
  c: RecallCandidates,
  tuning: FusionTuning,
  limit: number,
  opts: { tieBreak?: TieBreak; explain?: boolean } = {},
): FusedHit[] {
  const { tieBreak, explain } = opts;
  const hits = fuseBase(c, tuning).map((b) => {
    const boosts = tieBreak
      ? tieBreakBoosts(tieBreak.standing.get(b.id), tieBreak.now)
      : { recency: 0, confidence: 0 };
    return { base: b, boosts, score: b.score + boosts.recency + boosts.confidence };
  });
  if (tieBreak) hits.sort((a, b) => b.score - a.score || a.base.id - b.base.id);
  return hits
    .slice(0, limit)
    .map(({ base, boosts, score }) =>
      explain
        ? { id: base.id, score, explain: { ...base.explain, boosts, base_score: base.score, score } }
        : { id: base.id, score },
    );
}
