import { wordStems } from './word-proximity';

/**
 * The query's words found in a fact, for recall's explain: a word matches when its Porter stem
 * (after case and accent folding, as both stores' word search stems) is one of the fact's.
 * "meetings" matches "meeting", "cooked" matches "cook".
 */
export function matchedWords(queryWords: readonly string[], content: string): string[] {
  const inFact = new Set(wordStems(content));
  return queryWords.filter((w) => {
    const stems = wordStems(w);
    return stems.length > 0 && stems.every((s) => inFact.has(s));
  });
}
