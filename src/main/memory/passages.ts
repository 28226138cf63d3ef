import type { SearchResult } from '../../shared/contract';
import type { EmbedOptions, Embedder } from '../embedder/types';
import { dot } from './vector';
import { wordStems } from './word-proximity';

/**
 * Long content (a note, a pasted page) is more than the model reads: MiniLM sees the first 256
 * tokens of a text, about 180 words, and ignores the rest. So content longer than
 * PASSAGE_MAX_WORDS is split into passages (its paragraphs, a short one joining the next; a
 * longer paragraph by sentences, packed up to that size; a longer sentence by words), each passage is embedded, and the fact's
 * vector is the normalized mean of its passages' vectors: the whole note counts, not its start.
 * Recall still returns the fact, and adds the passage that best answers the query as its
 * `snippet`. Content of PASSAGE_MAX_WORDS words or fewer is one passage, embedded as before.
 */
export const PASSAGE_MAX_WORDS = 120;
/** Paragraphs shorter than this (a heading, a one-line remark) join the next one's passage. */
export const PASSAGE_MIN_WORDS = 30;

const wordCount = (text: string): number => text.match(/\S+/g)?.length ?? 0;

/** The passages of a text, in order; the text itself when it is short enough. */
export function passagesOf(text: string): string[] {
  if (wordCount(text) <= PASSAGE_MAX_WORDS) return [text];
  const units = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .flatMap((p) => (wordCount(p) <= PASSAGE_MAX_WORDS ? [p] : splitParagraph(p)));
  const passages: string[] = [];
  let current: string[] = [];
  let words = 0;
  for (const unit of units) {
    const n = wordCount(unit);
    if (current.length > 0 && (words >= PASSAGE_MIN_WORDS || words + n > PASSAGE_MAX_WORDS)) {
      passages.push(current.join('\n\n'));
      current = [];
      words = 0;
    }
    current.push(unit);
    words += n;
  }
  if (current.length > 0) passages.push(current.join('\n\n'));
  return passages;
}

/** A long paragraph by sentences, packed up to the size; a sentence longer than that by words. */
function splitParagraph(paragraph: string): string[] {
  const sentences = paragraph.split(/(?<=[.!?…])\s+/).flatMap((s) => {
    const words = s.match(/\S+/g) ?? [];
    if (words.length <= PASSAGE_MAX_WORDS) return [s];
    const parts: string[] = [];
    for (let i = 0; i < words.length; i += PASSAGE_MAX_WORDS)
      parts.push(words.slice(i, i + PASSAGE_MAX_WORDS).join(' '));
    return parts;
  });
  const out: string[] = [];
  let current = '';
  for (const s of sentences) {
    if (current !== '' && wordCount(current) + wordCount(s) > PASSAGE_MAX_WORDS) {
      out.push(current);
      current = '';
    }
    current = current === '' ? s : `${current} ${s}`;
  }
  if (current !== '') out.push(current);
  return out;
}

/**
 * Embeds fact texts (contents, label names) as the stores keep them: one vector per text, a long
 * text's vector being the normalized mean of its passages' vectors. Every passage of the batch
 * goes to the embedder in one call (and into its cache, so a recall's snippet finds them).
 */
export async function embedFactTexts(
  embedder: Embedder,
  texts: string[],
  opts?: EmbedOptions,
): Promise<Float32Array[]> {
  const parts = texts.map(passagesOf);
  if (parts.every((p) => p.length === 1)) return embedder.embed(texts, opts);
  const vectors = await embedder.embed(parts.flat(), opts);
  let next = 0;
  return parts.map((p) => {
    const own = vectors.slice(next, next + p.length);
    next += p.length;
    return own.length === 1 ? own[0]! : meanDirection(own);
  });
}

function meanDirection(vectors: Float32Array[]): Float32Array {
  const sum = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
  const norm = Math.hypot(...sum) || 1;
  for (let i = 0; i < sum.length; i++) sum[i]! /= norm;
  return sum;
}

/**
 * Adds to each result with long content the passage that best answers the query (`snippet`):
 * the one whose vector is nearest the query's when there is a query vector (the passages' vectors
 * come from the embedder's cache, where encode left them), else the one holding the most of the
 * query's words (the first of equals). Both stores call it, so they pick alike.
 */
export async function addSnippets(
  results: SearchResult[],
  queryWords: readonly string[],
  queryVector: Float32Array | null,
  embedder: Embedder | null,
): Promise<void> {
  const stems = new Set(queryWords.flatMap((w) => wordStems(w)));
  for (const result of results) {
    const passages = passagesOf(result.content);
    if (passages.length === 1) continue;
    let scores: number[];
    if (queryVector && embedder) {
      const vectors = await embedder.embed(passages);
      scores = vectors.map((v) => dot(queryVector, v));
    } else {
      scores = passages.map((p) => new Set(wordStems(p).filter((s) => stems.has(s))).size);
    }
    let best = 0;
    scores.forEach((s, i) => {
      if (s > scores[best]!) best = i;
    });
    result.snippet = passages[best]!;
  }
}
