import { FactsRepo } from '../../src/main/memory/facts-repo';
import { ftsTerms } from '../../src/main/memory/fts-query';
import { DEFAULT_TUNING } from '../../src/main/memory/memory-context';
import { openDb } from '../../src/main/memory/open-db';
import { recallDepth } from '../../src/main/memory/recall';
import type { RankedId } from '../../src/main/memory/facts-repo';
import { summarize, type LatencySummary } from './stats';

/** One search step measured against its exact baseline on the same queries. */
export interface StepComparison {
  queries: number;
  k: number;
  /** Entries in the in-memory index. */
  size: number;
  /** Building the in-memory index from SQLite (what the first recall after opening pays), ms. */
  loadMs: number;
  /** The engine's in-memory step, ms per query. */
  index: LatencySummary;
  /** The baseline in SQLite (sqlite-vec's exact scan, or FTS5's bm25), ms per query. */
  baseline: LatencySummary;
  /** Mean share of the baseline's top k that the index returned (the quality guard). */
  recallAtK: number;
  /** Worst query's share. */
  minRecallAtK: number;
  /** Queries whose ranked id list equals the baseline's exactly. */
  identical: number;
}

export interface SearchStepQuery {
  vector: Float32Array;
  text: string;
}

/**
 * The two search steps of recall alone, on their own connection to a built bench database: the
 * in-memory vector index against sqlite-vec's exact float scan, and the in-memory word index
 * against FTS5's bm25, query by query alternately so each pair shares the machine's load.
 */
export function runSearchStepBench(
  dbPath: string,
  space: string,
  queries: SearchStepQuery[],
  k: number,
  limit = k,
): { vector: StepComparison; text: StepComparison; dbStep: LatencySummary } {
  const { db } = openDb(dbPath);
  try {
    const facts = new FactsRepo(db);
    const vector = compare(
      queries.map((q) => q.vector),
      k,
      () => facts.vectors.current()?.size,
      (q) => facts.nearest(space, q, k),
      (q) => facts.nearestInSqlite(space, q, k),
    );
    const text = compare(
      queries.map((q) => ftsTerms(q.text)).filter((w) => w.length > 0),
      k,
      () => facts.text.current()?.size,
      (w) => facts.searchText(space, w, k),
      (w) => facts.searchTextInSqlite(space, w, k),
    );
    // Recall's database part alone, as recallFacts runs it for a query already embedded: the word
    // search and the vector search at recall's candidate depth, then the rows of the top `limit`.
    const depth = recallDepth(DEFAULT_TUNING, limit);
    const dbStepMs: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      const words = ftsTerms(q.text);
      const ids = new Set<number>();
      if (words.length > 0) for (const h of facts.searchText(space, words, depth)) ids.add(h.id);
      for (const h of facts.nearest(space, q.vector, depth)) ids.add(h.id);
      facts.getMany([...ids].slice(0, limit));
      dbStepMs.push(performance.now() - t);
    }
    return { vector, text, dbStep: summarize(dbStepMs) };
  } finally {
    db.close();
  }
}

function compare<Q>(
  queries: Q[],
  k: number,
  load: () => number | undefined,
  viaIndex: (q: Q) => RankedId[],
  viaBaseline: (q: Q) => RankedId[],
): StepComparison {
  const t0 = performance.now();
  const size = load();
  const loadMs = performance.now() - t0;
  if (size === undefined) throw new Error('the in-memory index did not load');
  // Warm both paths (JIT, page cache) before measuring.
  for (const q of queries.slice(0, 5)) {
    viaIndex(q);
    viaBaseline(q);
  }
  const indexMs: number[] = [];
  const baselineMs: number[] = [];
  const recalls: number[] = [];
  let identical = 0;
  let found = 0;
  for (const q of queries) {
    let t = performance.now();
    const got = viaIndex(q);
    indexMs.push(performance.now() - t);
    t = performance.now();
    const want = viaBaseline(q);
    baselineMs.push(performance.now() - t);
    found += want.length;
    if (want.length === 0 && got.length === 0) {
      recalls.push(1);
      identical++;
      continue;
    }
    const wanted = new Set(want.map((h) => h.id));
    recalls.push(want.length === 0 ? 0 : got.filter((h) => wanted.has(h.id)).length / want.length);
    if (got.map((h) => h.id).join() === want.map((h) => h.id).join()) identical++;
  }
  if (found === 0) throw new Error('no query found anything: is the bench searching the right space?');
  return {
    queries: queries.length,
    k,
    size,
    loadMs,
    index: summarize(indexMs),
    baseline: summarize(baselineMs),
    recallAtK: recalls.reduce((a, b) => a + b, 0) / recalls.length,
    minRecallAtK: Math.min(...recalls),
    identical,
  };
}
