/**
 * What a recall result shows of its fact: the whole content, or for long content the best
 * passage (SearchResult.snippet) with "…" where the content goes on before or after it.
 */
export function shownText(r: { content: string; snippet?: string }): string {
  if (r.snippet === undefined) return r.content;
  const content = r.content.trim();
  const before = content.startsWith(r.snippet) ? '' : '…';
  const after = content.endsWith(r.snippet) ? '' : '…';
  return `${before}${r.snippet}${after}`;
}
