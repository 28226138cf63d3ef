/** The policy of a page's <meta http-equiv="Content-Security-Policy">, or null when it has none. */
export function metaCsp(html: string): string | null {
  const tag = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i.exec(html);
  return tag ? tag[1]! : null;
}
