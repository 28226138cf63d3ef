import { pickFact, pickQueryText, readJsonl, resolveDataFiles } from '../../bench/lib/bench-data';
import { repoRoot } from './recall-fixture';

/**
 * Query texts no fact holds and no other query repeats (so the embedder's caches never answer):
 * the SciFact claims, then the first 12 words of sentences from the end of the file backwards.
 */
export function perfQueries(n: number): string[] {
  const data = resolveDataFiles(repoRoot);
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (t: string): void => {
    const key = t.trim().toLowerCase();
    if (key !== '' && !seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  };
  for (const q of readJsonl(data.queries, pickQueryText)) add(q);
  const lines = readJsonl(data.facts, pickFact);
  for (let i = lines.length - 1; i >= 0 && out.length < n; i--) {
    // Longer sentences only, so the prefix is never a stored fact's whole text.
    const words = lines[i]!.content.split(/\s+/);
    if (words.length > 12) add(words.slice(0, 12).join(' '));
  }
  if (out.length < n) throw new Error(`only ${out.length} unique queries, wanted ${n}`);
  return out.slice(0, n);
}
