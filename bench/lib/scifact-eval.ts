import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SPACE } from '../../src/shared/contract';
import type { ManagedEmbedder } from '../../src/main/embedder/embedder-pool';
import { FactsRepo } from '../../src/main/memory/facts-repo';
import { Memory } from '../../src/main/memory/memory';
import { openDb } from '../../src/main/memory/open-db';
import { loadScifact, ndcgAt, scifactDocIds, SOURCE_PREFIX } from './scifact-quality';

/** The three rankings `npm run eval` grades (issue 8's quality harness). */
export type EvalConfig = 'text' | 'vector' | 'hybrid';

export interface EvalScores {
  queries: number;
  ndcgAt10: number;
  recallAt10: number;
  recallAt100: number;
}

export interface ScifactEval {
  docs: number;
  queries: number;
  /** Per configuration; vector and hybrid only with an embedder. */
  scores: Partial<Record<EvalConfig, EvalScores>>;
  /**
   * The word path on queries as people mistype them (see typingQuery and typoQuery), with
   * unknown words expanded (recall's default, word-expansion.ts) and without.
   */
  robustness: Record<Perturbation, { expanded: EvalScores; plain: EvalScores }>;
  modelId: string | null;
}

export type Perturbation = 'typing' | 'typo';

/** Words of at least this many letters are the ones a perturbation changes. */
const PERTURBED_MIN_LETTERS = 5;

/**
 * The query as it stands while its last long word is being typed: that word cut to 60% of
 * its letters (at least 3) and anything after it dropped. Unchanged without a long word.
 */
export function typingQuery(text: string): string {
  const words = [...text.matchAll(/[\p{L}\p{N}]+/gu)];
  const last = words.findLast((m) => [...m[0]].length >= PERTURBED_MIN_LETTERS);
  if (!last) return text;
  const letters = [...last[0]];
  const keep = Math.max(3, Math.ceil(letters.length * 0.6));
  return text.slice(0, last.index) + letters.slice(0, keep).join('');
}

/**
 * The query with one typo: in its longest word (the first of equals), the two letters at the
 * middle swapped, or the middle letter doubled when they are the same letter.
 */
export function typoQuery(text: string): string {
  let longest: RegExpMatchArray | null = null;
  for (const m of text.matchAll(/\p{L}+/gu))
    if (!longest || [...m[0]].length > [...longest[0]].length) longest = m;
  if (!longest || [...longest[0]].length < PERTURBED_MIN_LETTERS) return text;
  const letters = [...longest[0]];
  const mid = Math.floor(letters.length / 2);
  if (letters[mid - 1] !== letters[mid])
    [letters[mid - 1], letters[mid]] = [letters[mid]!, letters[mid - 1]!];
  else letters.splice(mid, 0, letters[mid]!);
  return text.slice(0, longest.index) + letters.join('') + text.slice(longest.index! + longest[0].length);
}

export interface EvalOptions {
  /** Grade only the first N test queries (all by default). */
  maxQueries?: number;
  /**
   * Index only the first N abstracts, plus every abstract relevant to a graded query (so the
   * scores stay comparable in kind; a smoke run's figures are not the corpus's).
   */
  maxDocs?: number;
}

/** Share of the relevant documents (grade > 0) found in the top k. */
export function recallAt(
  k: number,
  ranked: readonly string[],
  relevant: ReadonlyMap<string, number>,
): number {
  const wanted = [...relevant].filter(([, g]) => g > 0).map(([id]) => id);
  if (wanted.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return wanted.filter((id) => top.has(id)).length / wanted.length;
}

const DEPTH = 100;

/**
 * SciFact on the engine: the corpus (title and abstract as one fact) imported as `hippo import`
 * does, then each test query ranked three ways at depth 100: the word path alone (a text-only
 * Memory: FTS5's bm25 through the in-memory word index), the vector path alone (the query's
 * embedding through FactsRepo.nearest) and hybrid (Memory.recall with the embedder). Without an
 * embedder only the word path is graded.
 */
export async function runScifactEval(
  dataDir: string,
  embedder: ManagedEmbedder | null,
  opts: EvalOptions = {},
  log: (line: string) => void = () => undefined,
): Promise<ScifactEval> {
  const data = loadScifact(dataDir);
  const { qrels } = data;
  const allDocs = data.docs;
  const tested = data.tested.slice(0, opts.maxQueries);
  const relevantDocs = new Set(tested.flatMap((q) => [...qrels.get(q.id)!.keys()]));
  const docs =
    opts.maxDocs === undefined
      ? allDocs
      : allDocs.filter((d, i) => i < opts.maxDocs! || relevantDocs.has(d.id));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-eval-'));
  const dbPath = path.join(tmp, 'scifact.db');
  // Abstracts are distinct documents: merging near-duplicates would hide some from the ranking.
  const tuning = { mergeThreshold: 1.01 };
  const memory = Memory.open({ dbPath, embedder, tuning });
  let textMemory: Memory | null = null;
  let plainMemory: Memory | null = null;
  const { db } = openDb(dbPath);
  try {
    await memory.importInChunks(
      docs.map((d) => ({ content: d.content, source: `${SOURCE_PREFIX}${d.id}` })),
      {
        chunkSize: 500,
        onChunk: (_results, done) => log(`SciFact corpus ${done}/${docs.length}`),
      },
    );
    await memory.indexesLoaded();
    textMemory = Memory.open({ dbPath, embedder: null, tuning });
    await textMemory.indexesLoaded();
    plainMemory = Memory.open({ dbPath, embedder: null, tuning: { ...tuning, expandUnknownWords: false } });
    await plainMemory.indexesLoaded();
    const facts = new FactsRepo(db);
    const docOf = (ids: number[]): string[] => {
      const rows = facts.getMany(ids);
      return scifactDocIds(ids.map((id) => rows.get(id)?.source));
    };
    const zero = (): EvalScores => ({ queries: 0, ndcgAt10: 0, recallAt10: 0, recallAt100: 0 });
    const sums: Record<EvalConfig | `${Perturbation}_${'expanded' | 'plain'}`, EvalScores> = {
      text: zero(),
      vector: zero(),
      hybrid: zero(),
      typing_expanded: zero(),
      typing_plain: zero(),
      typo_expanded: zero(),
      typo_plain: zero(),
    };
    const grade = (
      config: keyof typeof sums,
      ranked: string[],
      relevant: ReadonlyMap<string, number>,
    ): void => {
      const s = sums[config];
      s.queries++;
      s.ndcgAt10 += ndcgAt(10, ranked, relevant);
      s.recallAt10 += recallAt(10, ranked, relevant);
      s.recallAt100 += recallAt(DEPTH, ranked, relevant);
    };
    // Recall's results carry their source: no second read.
    const sourcesOf = (results: { source: string | null }[]): string[] =>
      scifactDocIds(results.map((r) => r.source));
    for (const [i, q] of tested.entries()) {
      const relevant = qrels.get(q.id)!;
      const recallOpts = { limit: DEPTH, trackAccess: false };
      grade('text', sourcesOf(await textMemory.recall(q.text, undefined, recallOpts)), relevant);
      for (const [kind, perturb] of [
        ['typing', typingQuery],
        ['typo', typoQuery],
      ] as const) {
        const text = perturb(q.text);
        grade(`${kind}_expanded`, sourcesOf(await textMemory.recall(text, undefined, recallOpts)), relevant);
        grade(`${kind}_plain`, sourcesOf(await plainMemory.recall(text, undefined, recallOpts)), relevant);
      }
      if (embedder) {
        grade('hybrid', sourcesOf(await memory.recall(q.text, undefined, recallOpts)), relevant);
        const [vector] = await embedder.embed([q.text], { persist: false, query: true });
        grade('vector', docOf(facts.nearest(DEFAULT_SPACE, vector!, DEPTH).map((h) => h.id)), relevant);
      }
      if ((i + 1) % 100 === 0) log(`SciFact queries ${i + 1}/${tested.length}`);
    }
    const mean = (s: EvalScores): EvalScores => ({
      queries: s.queries,
      ndcgAt10: s.ndcgAt10 / s.queries,
      recallAt10: s.recallAt10 / s.queries,
      recallAt100: s.recallAt100 / s.queries,
    });
    return {
      docs: docs.length,
      queries: tested.length,
      scores: embedder
        ? { text: mean(sums.text), vector: mean(sums.vector), hybrid: mean(sums.hybrid) }
        : { text: mean(sums.text) },
      robustness: {
        typing: { expanded: mean(sums.typing_expanded), plain: mean(sums.typing_plain) },
        typo: { expanded: mean(sums.typo_expanded), plain: mean(sums.typo_plain) },
      },
      modelId: embedder ? (embedder.modelId ?? 'unknown') : null,
    };
  } finally {
    db.close();
    await textMemory?.close();
    await plainMemory?.close();
    await memory.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
