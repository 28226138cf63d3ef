import { createHash } from 'node:crypto';

/**
 * The form two facts must share to be exact duplicates: Unicode-compatible, case-folded,
 * whitespace collapsed, trailing sentence punctuation dropped ("I like tea." == "i like tea").
 */
export function normalizeContent(content: string): string {
  return content
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/[\s.!;,]+$/u, '');
}

export function contentHash(content: string): string {
  return createHash('sha256').update(normalizeContent(content)).digest('hex');
}
