import type pg from 'pg';
import { FtsTokenizer } from '../memory/fts-tokenizer';
import { openDb, type Db } from '../memory/open-db';
import { PG_LIVE } from './pg-fact-rows';
import { named } from './pg-statements';
import { PURGED_HASH } from './sync-rows';

/** FTS5's bm25 defaults (fts5_aux.c), which SQLite's recall ranks with. */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** Serializes indexers so two processes never count one fact twice. */
const INDEX_LOCK = 782102;
/** Facts tokenized per round trip while catching up. */
const INDEX_BATCH = 500;

/**
 * FTS5's own tokenizer (the facts_fts tokenize option, read from SQLite's schema), run in a
 * private in-memory SQLite, so Postgres holds exactly the terms SQLite ranks by.
 */
export class Bm25Tokenizer {
  private db: Db | null = null;
  private tokenizer: FtsTokenizer | null = null;

  private get fts(): FtsTokenizer {
    if (!this.tokenizer) {
      this.db = openDb(':memory:').db;
      this.tokenizer = new FtsTokenizer(this.db);
    }
    return this.tokenizer;
  }

  termCounts(text: string): Map<string, number> {
    return this.fts.termCounts(text);
  }

  /**
   * The terms of query words, one entry per word's term, repeats kept: FTS5 scores each quoted
   * word as its own phrase, so two words with one stem count twice there too. A word that makes
   * several tokens (rare: FTS5 would treat it as a phrase) contributes each of them.
   */
  queryTerms(words: readonly string[]): string[] {
    return words.flatMap((w) => this.fts.tokens(w));
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.tokenizer = null;
  }
}

/**
 * Brings the bm25 tables up to every fact row committed (or written in this transaction): rows
 * whose change_seq passed the indexed mark and whose content changed are re-tokenized. Must run
 * inside a transaction; takes its own advisory lock.
 */
export async function indexFactTerms(client: pg.ClientBase, tokenizer: Bm25Tokenizer): Promise<number> {
  await client.query(named(client, 'SELECT pg_advisory_xact_lock($1)', [INDEX_LOCK]));
  const state = await client.query<{ indexed_seq: string }>(
    named(client, 'SELECT indexed_seq FROM bm25_state', []),
  );
  let cursor = state.rows[0]!.indexed_seq;
  let indexed = 0;
  for (;;) {
    const batch = await client.query<{
      uid: string;
      content: string;
      change_seq: string;
      stale: boolean;
      purged: boolean;
    }>(
      named(
        client,
        `SELECT f.uid, f.content, f.change_seq, f.content_hash = '${PURGED_HASH}' AS purged,
                (d.content_md5 IS DISTINCT FROM md5(f.content)) AS stale
           FROM facts f LEFT JOIN fact_doc_lengths d ON d.fact_uid = f.uid
          WHERE f.change_seq > $1 ORDER BY f.change_seq LIMIT $2`,
        [cursor, INDEX_BATCH],
      ),
    );
    if (batch.rows.length === 0) break;
    cursor = batch.rows.at(-1)!.change_seq;
    const stale = batch.rows.filter((r) => r.stale);
    if (stale.length > 0) {
      await writeTerms(client, tokenizer, stale);
      indexed += stale.length;
    }
    if (batch.rows.length < INDEX_BATCH) break;
  }
  await client.query(
    named(client, 'UPDATE bm25_state SET indexed_seq = greatest(indexed_seq, $1)', [cursor]),
  );
  return indexed;
}

async function writeTerms(
  client: pg.ClientBase,
  tokenizer: Bm25Tokenizer,
  rows: Array<{ uid: string; content: string; purged: boolean }>,
): Promise<void> {
  const uids = rows.map((r) => r.uid);
  // Take the old terms out of the statistics first (a changed fact, or a re-run).
  await client.query(
    named(
      client,
      `UPDATE term_doc_counts c SET df = c.df - x.n
         FROM (SELECT term, count(*) AS n FROM fact_terms WHERE fact_uid = ANY($1::uuid[]) GROUP BY term) x
        WHERE x.term = c.term`,
      [uids],
    ),
  );
  await client.query(
    named(
      client,
      `UPDATE bm25_state SET docs = docs - x.n, total_len = total_len - x.len
         FROM (SELECT count(*) AS n, coalesce(sum(doc_len), 0) AS len
                 FROM fact_doc_lengths WHERE fact_uid = ANY($1::uuid[])) x`,
      [uids],
    ),
  );
  await client.query(named(client, 'DELETE FROM fact_terms WHERE fact_uid = ANY($1::uuid[])', [uids]));
  await client.query(named(client, 'DELETE FROM fact_doc_lengths WHERE fact_uid = ANY($1::uuid[])', [uids]));

  // A purged fact's tombstone row is no document: FTS5 loses the row with the purge, so N drops.
  const live = rows.filter((r) => !r.purged);
  const termUid: string[] = [];
  const terms: string[] = [];
  const tfs: number[] = [];
  const lengths: number[] = [];
  for (const r of live) {
    let len = 0;
    for (const [term, tf] of tokenizer.termCounts(r.content)) {
      termUid.push(r.uid);
      terms.push(term);
      tfs.push(tf);
      len += tf;
    }
    lengths.push(len);
  }
  await client.query(
    named(
      client,
      `INSERT INTO fact_terms (fact_uid, term, tf)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[])`,
      [termUid, terms, tfs],
    ),
  );
  await client.query(
    named(
      client,
      `INSERT INTO term_doc_counts (term, df)
       SELECT term, count(*) FROM unnest($1::text[]) AS term GROUP BY term
       ON CONFLICT (term) DO UPDATE SET df = term_doc_counts.df + EXCLUDED.df`,
      [terms],
    ),
  );
  await client.query(
    named(
      client,
      `INSERT INTO fact_doc_lengths (fact_uid, doc_len, content_md5)
       SELECT u, l, md5(f.content) FROM unnest($1::uuid[], $2::int[]) AS x(u, l) JOIN facts f ON f.uid = x.u`,
      [live.map((r) => r.uid), lengths],
    ),
  );
  await client.query(
    named(client, 'UPDATE bm25_state SET docs = docs + $1, total_len = total_len + $2', [
      live.length,
      lengths.reduce((a, b) => a + b, 0),
    ]),
  );
}

/**
 * The SQL of the bm25 word step: FTS5's formula (idf = ln((N - n + 0.5) / (n + 0.5)), floored at
 * 1e-6; tf weighted by k1 and b against the mean length), summed over the query's terms, best
 * first, ties by id as SQLite breaks them. $1 = terms (repeats kept), $2 = space, then the
 * filters' parameters; the limit is the last parameter.
 */
export function bm25Sql(filterSql: string, limitParam: number, live = PG_LIVE): string {
  return `
    WITH s AS (SELECT greatest(docs, 1)::float8 AS n, total_len::float8 / greatest(docs, 1) AS avgdl FROM bm25_state),
         w AS (SELECT q.term, greatest(ln((s.n - c.df + 0.5) / (c.df + 0.5)), 1e-6) AS idf
                 FROM unnest($1::text[]) AS q(term) JOIN term_doc_counts c ON c.term = q.term CROSS JOIN s)
    SELECT f.id,
           sum(w.idf * (t.tf * ${BM25_K1 + 1}) /
               (t.tf + ${BM25_K1} * (${1 - BM25_B} + ${BM25_B} * d.doc_len / s.avgdl))) AS score
      FROM w
      JOIN fact_terms t ON t.term = w.term
      JOIN fact_doc_lengths d ON d.fact_uid = t.fact_uid
      JOIN facts f ON f.uid = t.fact_uid
      CROSS JOIN s
     WHERE f.space = $2 AND ${live}${filterSql}
     GROUP BY f.id
     ORDER BY score DESC, f.id
     LIMIT $${limitParam}`;
}
