/**
 * What recall does with a query word no fact holds: a word being typed ("lisb" while the user
 * is still typing "lisbon") or a typo ("lisbin"). Without this, such a word finds nothing and the
 * query leans on its other words alone. Words that some fact holds are never touched, so a
 * query of known words ranks exactly as before.
 *
 * For an unknown word, among the terms some fact holds that start with the same letter:
 * 1. Search as you type (a word of at least EXPANSION.prefixMinChars letters): the terms that
 *    continue it ("lisb" -> lisbon), and the stems it continues ("meetin" -> meet, as the word
 *    search stores "meeting"), at most EXPANSION.maxPrefixTerms, the most common first.
 * 2. Otherwise, typo tolerance (a word of at least EXPANSION.typoMinChars letters): the term
 *    closest to it by edit distance (insert, delete, replace, swap two neighbours), at most one
 *    edit for words shorter than EXPANSION.twoEditsMinChars and two for longer ones; ties go to
 *    the more common term.
 * Terms are the word search's stems (FTS5's porter tokenizer), so both stores expand alike
 * from their own vocabulary (SQLite: the in-memory word index; Postgres: term_doc_counts).
 */
import { foldWord, wordStems } from './word-proximity';

export const EXPANSION = {
  prefixMinChars: 3,
  maxPrefixTerms: 3,
  /** A stem the typed word runs past may be at most this much shorter than the word. */
  prefixOvershoot: 3,
  typoMinChars: 4,
  twoEditsMinChars: 8,
} as const;

export interface VocabularyTerm {
  term: string;
  /** Documents holding the term. */
  df: number;
}

/** The first letter (code point) of a term: the candidates an unknown word is compared with. */
export function firstLetter(term: string): string {
  return String.fromCodePoint(term.codePointAt(0) ?? 0);
}

/**
 * The terms an unknown query word stands for. `typed` is the word as typed, folded (lower case,
 * no accents); `term` is its stem; `candidates` are the vocabulary's terms with df > 0 sharing
 * its first letter. Empty when nothing is close enough.
 */
export function expansionsOf(typed: string, term: string, candidates: Iterable<VocabularyTerm>): string[] {
  const letters = [...typed].length;
  const prefixes: VocabularyTerm[] = [];
  const typos: Array<VocabularyTerm & { distance: number }> = [];
  const maxEdits = letters >= EXPANSION.twoEditsMinChars ? 2 : 1;
  for (const c of candidates) {
    if (c.df <= 0 || c.term === term) continue;
    if (letters >= EXPANSION.prefixMinChars && continues(typed, c.term)) {
      prefixes.push(c);
      continue;
    }
    if (letters >= EXPANSION.typoMinChars && Math.abs(c.term.length - term.length) <= maxEdits) {
      const distance = editDistance(term, c.term, maxEdits);
      if (distance <= maxEdits) typos.push({ ...c, distance });
    }
  }
  if (prefixes.length > 0) {
    return prefixes
      .sort(byCommonness)
      .slice(0, EXPANSION.maxPrefixTerms)
      .map((c) => c.term);
  }
  typos.sort((a, b) => a.distance - b.distance || byCommonness(a, b));
  return typos.length > 0 ? [typos[0]!.term] : [];
}

const byCommonness = (a: VocabularyTerm, b: VocabularyTerm) =>
  b.df - a.df || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0);

/** The typed word is the start of the stem's word: the stem continues it, or it runs past the stem. */
function continues(typed: string, stem: string): boolean {
  if (stem.startsWith(typed)) return true;
  return (
    stem.length >= EXPANSION.prefixMinChars &&
    typed.startsWith(stem) &&
    typed.length - stem.length <= EXPANSION.prefixOvershoot
  );
}

/**
 * Optimal string alignment distance (Levenshtein plus swaps of two neighbours), stopping early
 * once it must exceed `max` (returns max + 1 then).
 */
export function editDistance(a: string, b: string, max: number): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[t.length]!;
}

/** An unknown query word and the fact's word it was read as, for recall's explain. */
export interface ExpandedWord {
  word: string;
  as: string;
}

/**
 * Which of the query's unknown words this fact matched through an expansion, and by which of its
 * own words: `expansions` maps each expanded query word to the terms it stood for.
 */
export function expandedIn(
  content: string,
  expansions: ReadonlyMap<string, readonly string[]>,
): ExpandedWord[] {
  if (expansions.size === 0) return [];
  const words = foldWord(content).match(/[\p{L}\p{N}]+/gu) ?? [];
  const stems = words.map((w) => wordStems(w)[0] ?? w);
  const out: ExpandedWord[] = [];
  for (const [word, terms] of expansions) {
    const at = stems.findIndex((s) => terms.includes(s));
    if (at >= 0) out.push({ word, as: words[at]! });
  }
  return out;
}
