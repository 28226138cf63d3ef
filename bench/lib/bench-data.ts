import fs from 'node:fs';
import path from 'node:path';
import { normalizeForEmbedding } from '../../src/main/embedder/embedder-client';

export interface FactLine {
  content: string;
  source?: string;
}

export interface DataFiles {
  dir: string;
  facts: string;
  queries: string;
}

/**
 * The benchmark data lives outside the repo (its licence forbids shipping it): <repo>/../shared/data,
 * or $HIPPO_SHARED_DIR/data when that is set.
 */
export function resolveDataFiles(
  repoRoot: string,
  env: Record<string, string | undefined> = process.env,
): DataFiles {
  const shared = env.HIPPO_SHARED_DIR
    ? path.resolve(env.HIPPO_SHARED_DIR)
    : path.resolve(repoRoot, '..', 'shared');
  const dir = path.join(shared, 'data');
  const files = {
    dir,
    facts: path.join(dir, 'facts', 'scifact-sentences.jsonl'),
    queries: path.join(dir, 'scifact', 'queries.jsonl'),
  };
  for (const f of [files.facts, files.queries]) {
    if (!fs.existsSync(f)) {
      throw new Error(`benchmark data not found: ${f} (set HIPPO_SHARED_DIR to the folder holding data/)`);
    }
  }
  return files;
}

/** Parses a JSONL file, checking each line with `pick`, which returns null for a bad record. */
export function readJsonl<T>(file: string, pick: (record: unknown) => T | null): T[] {
  const out: T[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`, { cause: e });
    }
    const value = pick(record);
    if (value === null) throw new Error(`${file}:${i + 1}: unexpected record shape`);
    out.push(value);
  });
  return out;
}

const isObject = (r: unknown): r is Record<string, unknown> => typeof r === 'object' && r !== null;

export function pickFact(r: unknown): FactLine | null {
  if (!isObject(r) || typeof r.content !== 'string' || r.content.trim() === '') return null;
  return typeof r.source === 'string' ? { content: r.content, source: r.source } : { content: r.content };
}

export function pickQueryText(r: unknown): string | null {
  return isObject(r) && typeof r.text === 'string' && r.text.trim() !== '' ? r.text : null;
}

export const CATEGORY_COUNT = 8;

/**
 * A stable category per source document, so a category filter keeps about 1/CATEGORY_COUNT of the
 * facts and sentences of one abstract share a category (as one person's notes on one topic would).
 */
export function categoryOf(source: string | undefined): string {
  const id = source?.match(/(\d+)\s*$/)?.[1];
  let n: number;
  if (id !== undefined) n = Number(id.slice(-9)) % CATEGORY_COUNT;
  else {
    n = 0;
    for (const ch of source ?? '') n = (n * 31 + ch.charCodeAt(0)) % CATEGORY_COUNT;
  }
  return `topic-${n}`;
}

/**
 * Hands out texts that were never handed out (nor reserved) before, compared as the embedder keys
 * them, so no measured call is served by the embedding cache.
 */
export class UniqueTexts {
  private readonly used = new Set<string>();

  reserve(texts: Iterable<string>): void {
    for (const t of texts) this.used.add(normalizeForEmbedding(t));
  }

  /** Claims `text` if unused; true when it was free. */
  claim(text: string): boolean {
    const key = normalizeForEmbedding(text);
    if (key === '' || this.used.has(key)) return false;
    this.used.add(key);
    return true;
  }

  /** The first n unused items from candidates (consumed in order); throws if there are too few. */
  take(candidates: Iterator<string>, n: number, what: string): string[];
  take<T>(candidates: Iterator<T>, n: number, what: string, textOf: (item: T) => string): T[];
  take<T>(candidates: Iterator<T>, n: number, what: string, textOf?: (item: T) => string): T[] {
    const out: T[] = [];
    while (out.length < n) {
      const next = candidates.next();
      if (next.done) throw new Error(`not enough unique texts for ${what}: wanted ${n}, found ${out.length}`);
      if (this.claim(textOf ? textOf(next.value) : String(next.value))) out.push(next.value);
    }
    return out;
  }
}

/**
 * Texts of exactly `contentTokens` tokens (plus [CLS] and [SEP]) cut from real sentences at word
 * boundaries; sentences with no prefix of that length are skipped.
 */
export function* textsOfTokenCount(
  sentences: Iterable<string>,
  countTokens: (text: string) => number,
  contentTokens: number,
): Generator<string> {
  for (const sentence of sentences) {
    const words = sentence.split(/\s+/).filter(Boolean);
    let text = '';
    for (const word of words) {
      text = text ? `${text} ${word}` : word;
      const n = countTokens(text);
      if (n === contentTokens) {
        yield text;
        break;
      }
      if (n > contentTokens) break;
    }
  }
}

/** Facts of the SciFact sentence file: its first 44,435 lines, before any pair or triple. */
export const SOURCE_SENTENCES = 44_435;

/**
 * The bench's fact stream, the same for every helper (issue 7's 100k rule): every line of the
 * sentence file in order; then adjacent pairs of lines of the same `source` in file order (line i
 * content + ' ' + line i+1 content); then triples the same way; then runs of 4, 5, ... until the
 * sources have no longer run. Deterministic and real language; a run never repeats a run of the
 * same length, so the stream has no duplicate the file itself does not have. Lazy: take what you need.
 */
export function* factStream(lines: readonly FactLine[]): Generator<FactLine> {
  yield* lines;
  for (let len = 2; ; len++) {
    let any = false;
    for (let i = 0; i + len <= lines.length; i++) {
      const source = lines[i]!.source;
      if (source === undefined) continue;
      let same = true;
      for (let j = 1; j < len && same; j++) same = lines[i + j]!.source === source;
      if (!same) continue;
      any = true;
      const content = lines
        .slice(i, i + len)
        .map((l) => l.content)
        .join(' ');
      yield { content, source };
    }
    if (!any) return;
  }
}

/** The first `n` facts of factStream(lines); throws when the stream has fewer. */
export function deriveFacts(lines: readonly FactLine[], n: number): FactLine[] {
  const out: FactLine[] = [];
  if (n <= 0) return out;
  for (const f of factStream(lines)) {
    out.push(f);
    if (out.length === n) return out;
  }
  throw new Error(`the fact stream has only ${out.length} facts, ${n} asked`);
}
