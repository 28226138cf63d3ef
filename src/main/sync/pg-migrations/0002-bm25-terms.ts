import type { PgMigration } from './index';

/**
 * The word index SQLite's recall ranks by: FTS5's bm25 over the terms FTS5's own tokenizer
 * (porter unicode61 remove_diacritics 2) makes. Postgres's ts_rank over english tsvectors orders
 * facts differently, so the same query would rank differently in the two stores; these tables
 * let recall compute the same bm25 (k1 1.2, b 0.75) in SQL. The gin index of 0001 stays.
 *
 * Every fact row counts, live or not, as in FTS5. Rows are indexed by change_seq: the store
 * indexes its own writes in their transaction, and any row written by someone else (sync) when
 * next recalled; bm25_state.indexed_seq is how far that has got. Not part of the sync contract:
 * sync neither reads nor writes these tables.
 */
export const bm25Terms: PgMigration = {
  version: 2,
  name: 'bm25-terms',
  async up(client) {
    await client.query(`
      CREATE TABLE fact_terms (
        fact_uid uuid NOT NULL,
        term text NOT NULL,
        tf integer NOT NULL,
        PRIMARY KEY (term, fact_uid)
      );
      CREATE INDEX fact_terms_by_fact ON fact_terms (fact_uid);
      CREATE TABLE fact_doc_lengths (
        fact_uid uuid PRIMARY KEY,
        doc_len integer NOT NULL,
        content_md5 text NOT NULL
      );
      CREATE TABLE term_doc_counts (term text PRIMARY KEY, df bigint NOT NULL);
      CREATE TABLE bm25_state (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        docs bigint NOT NULL,
        total_len bigint NOT NULL,
        indexed_seq bigint NOT NULL
      );
      INSERT INTO bm25_state (docs, total_len, indexed_seq) VALUES (0, 0, 0);

      -- A purged fact leaves the statistics with it.
      CREATE FUNCTION hippo_bm25_forget() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE term_doc_counts c SET df = c.df - 1
          FROM fact_terms t WHERE t.fact_uid = OLD.uid AND t.term = c.term;
        UPDATE bm25_state SET docs = docs - 1, total_len = total_len - d.doc_len
          FROM fact_doc_lengths d WHERE d.fact_uid = OLD.uid;
        DELETE FROM fact_terms WHERE fact_uid = OLD.uid;
        DELETE FROM fact_doc_lengths WHERE fact_uid = OLD.uid;
        RETURN OLD;
      END $$;
      CREATE TRIGGER facts_bm25_forget BEFORE DELETE ON facts
        FOR EACH ROW EXECUTE FUNCTION hippo_bm25_forget();
    `);
  },
};
