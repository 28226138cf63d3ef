/**
 * The query's words found in a fact, for recall's explain. Both stores' word search stems
 * (porter); this is a lighter, store-independent reading of the same idea: words match when
 * equal after case and accent folding and after dropping a plural or -ing/-ed ending
 * ("meetings" matches "meeting", "cooked" matches "cook").
 */
export function matchedWords(queryWords: readonly string[], content: string): string[] {
  const inFact = new Set(wordsOf(content).map(stem));
  return queryWords.filter((w) => inFact.has(stem(fold(w))));
}

function fold(w: string): string {
  return w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function wordsOf(text: string): string[] {
  return (text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []).map(fold);
}

function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && /(?:ches|shes|sses|xes)$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}
