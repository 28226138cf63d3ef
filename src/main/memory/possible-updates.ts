/**
 * Likely updates, found without any LLM: when a new fact looks like a newer version of a current
 * one ("Anna lives in Porto" after "Anna lives in Lisbon"), encode names the older fact so the
 * caller can offer "replace" (supersede it) or "keep both". Both stores rank their candidates
 * with the rules here.
 *
 * A candidate must share the new fact's label (both labelled alike) or, failing that, its
 * category, and be similar without being a duplicate:
 * - with the model, cosine in [updateThreshold, mergeThreshold): at mergeThreshold or above the
 *   two say the same thing and encode merges them instead. updateThreshold (0.55) was tuned on the
 *   generated `lexical` test model (test/integration/memory/supersede.test.ts measures them): pairs differing in
 *   their object ("lives in Lisbon" / "in Porto", "standup is at 9am" / "at 10am") score
 *   0.57-0.81 there, while facts about different subjects that share a verb ("Anna lives in
 *   Lisbon" / "Bob lives in Berlin", "Paris is the capital of France" / "Berlin is ... Germany")
 *   score at most 0.39;
 * - without it (text-only), the word rule: the two begin with the same words (at least
 *   UPDATE_MIN_SHARED_PREFIX, and at least half the shorter one's words), the same subject
 *   and verb, and end differently. similarity is then the share of words the two have in common
 *   (Jaccard over their word sets).
 */
import type { PossibleUpdate } from '../../shared/contract';
import type { MemoryContext } from './memory-context';
import { ftsTerms } from './fts-query';

/** At most this many possible updates per encode, most similar first. */
export const POSSIBLE_UPDATES_MAX = 3;
/** Neighbours of the new fact examined for possible updates. */
export const POSSIBLE_UPDATES_SCAN = 20;
/** The word rule's shortest shared beginning, in words. */
export const UPDATE_MIN_SHARED_PREFIX = 2;

/** What the rules need to know of a fact. */
export interface UpdateSubject {
  id: number;
  content: string;
  category: string;
  /** A label's identity in its store (id in SQLite, uid in Postgres); null when unlabelled. */
  label: number | string | null;
}

/** The fact's words in order, lower-cased: what the word rule compares. */
export function wordsOf(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/**
 * The word rule (see above): the share of words in common when `a` and `b` begin alike and end
 * differently, else null.
 */
export function wordUpdateSimilarity(a: string, b: string): number | null {
  const wa = wordsOf(a);
  const wb = wordsOf(b);
  let prefix = 0;
  while (prefix < wa.length && prefix < wb.length && wa[prefix] === wb[prefix]) prefix++;
  const shorter = Math.min(wa.length, wb.length);
  if (prefix < UPDATE_MIN_SHARED_PREFIX || prefix * 2 < shorter) return null;
  const sa = new Set(wa);
  const sb = new Set(wb);
  // Same words (in any order), or one only adds words to the other: not a different ending.
  if ([...sa].every((w) => sb.has(w)) || [...sb].every((w) => sa.has(w))) return null;
  let shared = 0;
  for (const w of sa) if (sb.has(w)) shared++;
  return shared / (sa.size + sb.size - shared);
}

/** Why the candidate counts (same label first), or null when it shares neither. */
export function updateReason(fact: UpdateSubject, other: UpdateSubject): PossibleUpdate['reason'] | null {
  if (fact.label !== null && fact.label === other.label) return 'same_label';
  if (fact.category === other.category) return 'same_category';
  return null;
}

/**
 * The possible updates among candidates (each with its cosine to the new fact, or null when
 * text-only), most similar first.
 */
export function rankPossibleUpdates(
  fact: UpdateSubject,
  candidates: Array<{ row: UpdateSubject; cosine: number | null }>,
  tuning: { updateThreshold: number; mergeThreshold: number },
): PossibleUpdate[] {
  const out: PossibleUpdate[] = [];
  for (const { row, cosine } of candidates) {
    if (row.id === fact.id) continue;
    const reason = updateReason(fact, row);
    if (!reason) continue;
    let similarity: number | null;
    if (cosine === null) similarity = wordUpdateSimilarity(fact.content, row.content);
    else similarity = cosine >= tuning.updateThreshold && cosine < tuning.mergeThreshold ? cosine : null;
    if (similarity === null) continue;
    out.push({ id: row.id, content: row.content, similarity, reason });
  }
  out.sort((a, b) => b.similarity - a.similarity || b.id - a.id);
  return out.slice(0, POSSIBLE_UPDATES_MAX);
}

/** SQLite's possible updates of a just-written fact (with its vector when the model is loaded). */
export function findPossibleUpdates(
  ctx: Pick<MemoryContext, 'facts' | 'tuning'>,
  space: string,
  id: number,
  vector: Float32Array | undefined,
): PossibleUpdate[] {
  const row = ctx.facts.get(space, id);
  if (!row) return [];
  const subject = (r: typeof row): UpdateSubject => ({
    id: r.id,
    content: r.content,
    category: r.category,
    label: r.label_id,
  });
  const hits = vector
    ? ctx.facts.nearest(space, vector, POSSIBLE_UPDATES_SCAN).map((h) => ({ id: h.id, cosine: 1 - h.rank }))
    : ctx.facts
        .searchText(space, ftsTerms(row.content), POSSIBLE_UPDATES_SCAN)
        .map((h) => ({ id: h.id, cosine: null }));
  const rows = ctx.facts.getMany(hits.map((h) => h.id));
  const candidates = hits.flatMap((h) => {
    const r = rows.get(h.id);
    return r && r.deleted_at === null && r.superseded_by === null
      ? [{ row: subject(r), cosine: h.cosine }]
      : [];
  });
  return rankPossibleUpdates(subject(row), candidates, ctx.tuning);
}
