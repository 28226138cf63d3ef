/** A piece of a result's text, marked when it is one of the query's words. */
export interface TextPart {
  text: string;
  match: boolean;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Splits `content` around the query's words (case-insensitive, words of two letters or more) so
 * the screen can mark why a result matched. A semantic match with no shared word stays unmarked.
 */
export function highlightParts(content: string, query: string): TextPart[] {
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])];
  if (words.length === 0) return [{ text: content, match: false }];
  words.sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(${words.map(escapeRegExp).join('|')})`, 'giu');
  return content
    .split(pattern)
    .filter((text) => text !== '')
    .map((text) => ({ text, match: words.includes(text.toLowerCase()) }));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "just now": when a fact was captured, relative to `now`. */
export function relativeTime(iso: string, now: number = Date.now(), locale?: string): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Number.isNaN(seconds)) return '';
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** Facts under their local calendar day ("Friday, 27 November 2026"), in the order given. */
export function groupByDay<T extends { created_at: string }>(
  items: readonly T[],
  locale?: string,
): { day: string; items: T[] }[] {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'full' });
  const groups: { day: string; items: T[] }[] = [];
  for (const item of items) {
    const day = format.format(new Date(item.created_at));
    const last = groups.at(-1);
    if (last?.day === day) last.items.push(item);
    else groups.push({ day, items: [item] });
  }
  return groups;
}
