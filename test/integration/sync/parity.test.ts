import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import type { SearchResult } from '../../../src/shared/contract';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { LEXICAL_MODEL_DIR, REPO_ROOT, openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

/**
 * Parity (issue 6): SciFact imported into a SQLite Memory and a PostgresStore with the same
 * generated lexical model; its 300 queries must give top-10 lists that agree on >= 90% of ids
 * (exact SQLite KNN vs Postgres's approximate HNSW) and nDCG@10 within 0.01.
 *
 * The full corpus (5,183 abstracts) is the default with HIPPO_PARITY_FULL=1. Otherwise (CI, two
 * shared cores) the corpus is every abstract some query judges relevant plus the first
 * PARITY_DISTRACTORS others, in corpus order: all 300 queries still run and both thresholds are
 * checked as they are, only over a smaller haystack (the figures are lower-variance, not easier:
 * the same relevant documents, fewer distractors for either store).
 *
 * Measured (2 shared cores, PGlite):
 * - full corpus, `HIPPO_PARITY_FULL=1 npx vitest run test/integration/sync/parity.test.ts`
 *   (import 259 s, queries about 70 s a pass): 300/300 identical top-10 lists, nDCG@10 0.6190 in
 *   both stores, with the planner's choice and with HNSW forced.
 * - CI subset (1,483 abstracts, about 80 s): planner 300/300 identical; HNSW forced 98.5%
 *   agreement, nDCG@10 0.7161 vs 0.7095.
 * - `HIPPO_PARITY_WORDS=ts_rank_cd` (Postgres's own ranking on the gin index), CI subset: 58.2%
 *   agreement, nDCG@10 0.7161 vs 0.6051: why Postgres migration 0002 computes FTS5's bm25.
 */
const SCIFACT = join(REPO_ROOT, '..', 'shared', 'data', 'scifact');
const FULL = process.env.HIPPO_PARITY_FULL === '1';
const PARITY_DISTRACTORS = 1200;
const BATCH = 500;
/** HIPPO_PARITY_WORDS=ts_rank_cd measures Postgres's own word ranking instead of bm25. */
const WORDS = process.env.HIPPO_PARITY_WORDS === 'ts_rank_cd' ? 'ts_rank_cd' : 'bm25';

interface Doc {
  id: string;
  content: string;
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function loadScifact() {
  const corpus = readJsonl<{ _id: string; title: string; text: string }>(join(SCIFACT, 'corpus.jsonl'));
  const queries = readJsonl<{ _id: string; text: string }>(join(SCIFACT, 'queries.jsonl'));
  const qrels = new Map<string, Set<string>>();
  for (const line of readFileSync(join(SCIFACT, 'qrels_test.tsv'), 'utf8').split('\n').slice(1)) {
    const [q, d, score] = line.split('\t');
    if (!q || !d || Number(score) <= 0) continue;
    if (!qrels.has(q)) qrels.set(q, new Set());
    qrels.get(q)!.add(d);
  }
  const relevant = new Set([...qrels.values()].flatMap((s) => [...s]));
  let distractors = 0;
  const docs: Doc[] = corpus
    .filter((d) => FULL || relevant.has(d._id) || distractors++ < PARITY_DISTRACTORS)
    // Title and text as one document, as BEIR scores it.
    .map((d) => ({ id: d._id, content: `${d.title} ${d.text}`.trim().slice(0, 50_000) }));
  return { docs, queries: queries.filter((q) => qrels.has(q._id)), qrels };
}

/** nDCG@10 with binary relevance (the qrels' scores are all 1). */
function ndcgAt10(ranked: string[], relevant: Set<string>): number {
  let dcg = 0;
  ranked.slice(0, 10).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(10, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

const docIds = (results: SearchResult[]) => results.map((r) => r.source!.replace(/^scifact:/, ''));

describe(`parity of SQLite and Postgres recall on SciFact (${FULL ? 'full corpus' : 'CI subset'})`, () => {
  let server: PgTestServer;
  let embedder: EmbedderClient;
  let sqlite: ReturnType<typeof openLexicalMemory>;
  let store: PostgresStore;
  const data = loadScifact();

  beforeAll(async () => {
    server = await startPgServer();
    // One embedder for both stores: its in-memory cache hands the second store the same vectors.
    embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 2, lruSize: 20_000 });
    sqlite = openLexicalMemory({ embedder });
    store = await PostgresStore.open({ url: server.url, embedder, wordRanking: WORDS });
    const started = performance.now();
    for (let i = 0; i < data.docs.length; i += BATCH) {
      const batch = data.docs
        .slice(i, i + BATCH)
        .map((d) => ({ content: d.content, source: `scifact:${d.id}`, created_at: 1_700_000_000_000 }));
      const a = await sqlite.memory.encodeMany(batch);
      const b = await store.encodeMany(batch);
      // Same statuses and the same integer ids: both stores number facts in insertion order.
      expect(b).toEqual(a);
    }
    console.log(
      `parity: imported ${data.docs.length} docs into both stores in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 1_800_000);

  afterAll(async () => {
    await store?.close();
    await sqlite?.close();
    await embedder?.close();
    await server?.close();
  });

  /** Mean share of top-10 ids both stores return, identical lists, and nDCG@10 of each. */
  async function compare(label: string) {
    let overlap = 0;
    let identical = 0;
    let ndcgSqlite = 0;
    let ndcgPg = 0;
    const started = performance.now();
    for (const q of data.queries) {
      const a = docIds(await sqlite.memory.recall(q.text, undefined, { limit: 10 }));
      const b = docIds(await store.recall(q.text, undefined, { limit: 10 }));
      const shared = b.filter((id) => a.includes(id)).length;
      overlap += shared / Math.max(1, a.length, b.length);
      if (a.join() === b.join()) identical++;
      ndcgSqlite += ndcgAt10(a, data.qrels.get(q._id)!);
      ndcgPg += ndcgAt10(b, data.qrels.get(q._id)!);
    }
    const n = data.queries.length;
    const [vectorStep] = await store.explainRecall(data.queries[0]!.text, { limit: 10 });
    const plan = vectorStep!.plan.includes('facts_embedding_hnsw') ? 'HNSW index' : 'exact scan';
    if (process.env.HIPPO_PARITY_PLAN) console.log(vectorStep!.plan);
    const out = {
      n,
      agreement: overlap / n,
      diff: Math.abs(ndcgSqlite / n - ndcgPg / n),
      plan,
    };
    console.log(
      `parity (${WORDS}, ${label}, vector step: ${plan}): ${n} queries over ${data.docs.length} docs in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s: top-10 agreement ${(out.agreement * 100).toFixed(2)}%, ` +
        `identical lists ${identical}/${n}, nDCG@10 SQLite ${(ndcgSqlite / n).toFixed(4)} ` +
        `Postgres ${(ndcgPg / n).toFixed(4)} (diff ${out.diff.toFixed(4)})`,
    );
    return out;
  }

  it('top-10 lists agree on >= 90% of ids and nDCG@10 differs by <= 0.01', async () => {
    const r = await compare("planner's choice");
    expect(r.n).toBe(300);
    expect(r.agreement).toBeGreaterThanOrEqual(0.9);
    expect(r.diff).toBeLessThanOrEqual(0.01);
  }, 1_800_000);

  it('holds with the approximate HNSW index forced', async () => {
    // At this size the planner may rightly prefer an exact scan and sort; this pass takes that
    // choice away so the approximate index itself is measured. PGlite serves every connection
    // from one session, so a session SET reaches the pool's connections; a real server gets it
    // as the database's default for new connections.
    // Scans that need a sort (a seq scan, or a btree partial index the planner likes while the
    // table has no statistics) are priced out; the HNSW scan needs none.
    for (const setting of ['enable_seqscan', 'enable_bitmapscan', 'enable_sort']) {
      if (server.kind === 'pglite') await store.pool.query(`SET ${setting} = off`);
      else
        await store.pool.query(
          `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET ${setting} = off', current_database()); END $$`,
        );
    }
    const r = await compare('HNSW forced');
    expect(r.plan).toBe('HNSW index');
    expect(r.agreement).toBeGreaterThanOrEqual(0.9);
    expect(r.diff).toBeLessThanOrEqual(0.01);
  }, 1_800_000);
});
