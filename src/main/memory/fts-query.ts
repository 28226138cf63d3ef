/**
 * Turns any user text into a safe FTS5 MATCH expression: words only, each quoted, OR-ed.
 * Quotes, AND/OR/NOT/NEAR, '*', '-', column filters, emoji and SQL fragments become plain
 * words or vanish, so no user text can raise an FTS5 syntax error.
 */
const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have i if in into is it its me my of on or our so than that the their them then there these they this to was we were what when where which who why will with you your'.split(
    ' ',
  ),
);

const MAX_TERMS = 32;

export function ftsTerms(text: string): string[] {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words)];
  const content = unique.filter((w) => !STOP_WORDS.has(w));
  // A query made only of stop words ("who is it") still deserves its words.
  return (content.length > 0 ? content : unique).slice(0, MAX_TERMS);
}

/** The MATCH expression for any of the words (each quoted), or null when there are none. */
export function toFtsMatch(words: readonly string[]): string | null {
  if (words.length === 0) return null;
  return words.map((t) => `"${t}"`).join(' OR ');
}
