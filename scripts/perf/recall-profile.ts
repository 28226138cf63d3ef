/**
 * Recall at 100k facts, step by step: query embedding, the vector index (int8 first pass and float
 * rescoring), the word index, fusion, row fetch and access counting, each beside its exact
 * baseline in the same run (exact float scan in JS, sqlite-vec's exact KNN, FTS5's bm25), query
 * by query so each step and its baseline share the machine's load. Also recall@10 of the index
 * against sqlite-vec and whether the word index ranks exactly as FTS5.
 *
 *   npx tsx scripts/perf/recall-fixture.ts      # once: builds /tmp/hippo-perf/recall-100k.db
 *   npx tsx scripts/perf/recall-profile.ts [--db FILE] [--queries 200]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, type LatencySummary } from '../../bench/lib/stats';
import { DEFAULT_SPACE } from '../../src/shared/contract';
import { createNodeEmbedderPool } from '../../src/main/embedder/embedder-client';
import { FactsRepo, type RankedId } from '../../src/main/memory/facts-repo';
import { ftsTerms } from '../../src/main/memory/fts-query';
import { fuseRecall } from '../../src/main/memory/fuse-ranks';
import { toIndexed, type VecRow } from '../../src/main/memory/live-vectors';
import { Memory } from '../../src/main/memory/memory';
import { DEFAULT_TUNING } from '../../src/main/memory/memory-context';
import { commitWithoutFsync, openDb } from '../../src/main/memory/open-db';
import { VectorIndex, type SearchTiming } from '../../src/main/memory/vector-index';
import { fixturePath, PERF_DIR, twinModelDir } from './recall-fixture';
import { perfQueries } from './recall-queries';

const DEPTH = 50;
const K = 10;

async function main(argv: string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const source = arg('--db') ?? fixturePath(100_000);
  const n = Number(arg('--queries') ?? 200);
  if (!fs.existsSync(source)) throw new Error(`${source} missing: run scripts/perf/recall-fixture.ts first`);
  // Recall writes access counts: work on a copy so the fixture stays as built.
  const dbPath = path.join(PERF_DIR, `profile-${process.pid}.db`);
  fs.copyFileSync(source, dbPath);
  const texts = perfQueries(2 * n + 10);
  const warm = texts.slice(0, 10);
  const viaMemory = texts.slice(10, 10 + n);
  const viaSteps = texts.slice(10 + n);

  const embedder = createNodeEmbedderPool({ modelDir: twinModelDir(), threads: 2, workers: 1 });
  const memory = Memory.open({ dbPath, embedder });
  const { db } = openDb(dbPath);
  try {
    if (!(await embedder.ready())) throw new Error(`embedder: ${embedder.lastError?.message}`);
    let t = performance.now();
    await memory.recall(warm[0]!);
    const firstRecallMs = performance.now() - t;
    for (const q of warm.slice(1)) await memory.recall(q);

    const facts = new FactsRepo(db);
    t = performance.now();
    const indexSize = facts.vectors.current()!.size;
    const vectorLoadMs = performance.now() - t;
    t = performance.now();
    facts.text.current();
    const textLoadMs = performance.now() - t;
    const exact = new VectorIndex(false);
    for (const row of db.prepare<[], VecRow>('SELECT * FROM vec_facts WHERE live = 1').iterate()) {
      exact.upsert(toIndexed(row));
    }

    const space = DEFAULT_SPACE;
    const ms: Record<string, number[]> = {};
    const time = <T>(step: string, run: () => T): T => {
      const started = performance.now();
      const out = run();
      (ms[step] ??= []).push(performance.now() - started);
      return out;
    };
    const recalls: number[] = [];
    let identicalWords = 0;
    let wordQueries = 0;
    const timing: SearchTiming = { firstPassMs: 0, rescoreMs: 0 };
    for (let i = 0; i < n; i++) {
      let started = performance.now();
      await memory.recall(viaMemory[i]!);
      (ms['recall end to end'] ??= []).push(performance.now() - started);

      started = performance.now();
      const [v] = await embedder.embed([viaSteps[i]!], { persist: false });
      (ms['query embedding'] ??= []).push(performance.now() - started);
      const vector = v!;
      const hits = time('vector index (k=50)', () =>
        facts.vectors.current()!.search(space, vector, DEPTH, {}, timing),
      );
      (ms['  int8 first pass'] ??= []).push(timing.firstPassMs);
      (ms['  int16 rescoring'] ??= []).push(timing.rescoreMs);
      time('full int16 scan, JS (baseline)', () => exact.search(space, vector, DEPTH));
      time('sqlite-vec exact KNN (baseline)', () => facts.nearestInSqlite(space, vector, DEPTH));
      const words = ftsTerms(viaSteps[i]!);
      let wordHits: RankedId[] = [];
      if (words.length > 0) {
        wordQueries++;
        wordHits = time('word index', () => facts.searchText(space, words, DEPTH));
        const fts = time('FTS5 bm25 (baseline)', () => facts.searchTextInSqlite(space, words, DEPTH));
        if (wordHits.map((h) => h.id).join() === fts.map((h) => h.id).join()) identicalWords++;
      }
      const fused = time('fusion', () =>
        fuseRecall(
          {
            vector: hits.map((h) => ({ id: h.id, distance: h.rank })),
            words: wordHits.map((h) => h.id),
            contextWords: [],
          },
          DEFAULT_TUNING,
          K,
        ),
      );
      time('row fetch', () => facts.getMany(fused.map((f) => f.id)));
      time('access counting (10 rows)', () =>
        commitWithoutFsync(db, () => facts.recordAccess(new Map(fused.map((f) => [f.id, 1])), Date.now())),
      );
      const step = (name: string): number => ms[name]![ms[name]!.length - 1]!;
      (ms['database step (vector+words+fusion+rows)'] ??= []).push(
        step('vector index (k=50)') +
          (words.length > 0 ? step('word index') : 0) +
          step('fusion') +
          step('row fetch'),
      );
      const got = facts.nearest(space, vector, K).map((h) => h.id);
      const want = new Set(facts.nearestInSqlite(space, vector, K).map((h) => h.id));
      recalls.push(got.filter((id) => want.has(id)).length / Math.max(1, want.size));
    }

    const fmt = (s: LatencySummary): string =>
      `P50 ${s.p50.toFixed(2).padStart(7)}  P95 ${s.p95.toFixed(2).padStart(7)}  mean ${s.mean.toFixed(2).padStart(7)}`;
    console.log(`recall profile: ${path.basename(source)}, ${indexSize} vectors, ${n} queries, ms`);
    for (const [step, samples] of Object.entries(ms))
      console.log(`${step.padEnd(34)} ${fmt(summarize(samples))}`);
    const recallAt10 = recalls.reduce((a, b) => a + b, 0) / recalls.length;
    console.log(
      `vector index recall@10 vs sqlite-vec exact: ${recallAt10.toFixed(4)} (min ${Math.min(...recalls)})`,
    );
    console.log(`word index identical to FTS5: ${identicalWords}/${wordQueries}`);
    console.log(
      `first recall after open ${firstRecallMs.toFixed(0)} ms; index loads on a second connection: ` +
        `vectors ${vectorLoadMs.toFixed(0)} ms, words ${textLoadMs.toFixed(0)} ms`,
    );
    console.log(`profile process RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB (three indexes)`);
  } finally {
    db.close();
    await memory.close();
    await embedder.close();
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.rmSync(f, { force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
