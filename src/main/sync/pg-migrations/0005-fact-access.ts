import type { PgMigration } from './index';

/**
 * Two things the store needed to match SQLite's Memory:
 *
 * fact_access: how often recall returned each fact and when last (SQLite's facts.access_count
 * and last_accessed_at). Not columns of facts: every UPDATE of facts takes a fresh change_seq
 * (0001's trigger), so counting there would make each recalled fact look changed to every device
 * syncing against this Postgres. Access counts are per store and never synced (not in the sync
 * contract), as a SQLite file's counts never leave it.
 *
 * facts_embedding_pending: the rows embedPending counts and walks by id (pg-facts.ts), stored
 * without a vector, not older wordings, not purge tombstones ('purged' is sync-rows.ts's
 * PURGED_HASH, written out so this migration never changes). The count runs on every command
 * with the model loaded; without the index it scanned the whole table.
 */
export const factAccess: PgMigration = {
  version: 5,
  name: 'fact-access',
  async up(client) {
    await client.query(`
      CREATE TABLE fact_access (
        fact_id bigint PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,
        access_count bigint NOT NULL DEFAULT 0,
        last_accessed_at bigint
      );
      CREATE INDEX facts_embedding_pending ON facts (id)
        WHERE embedding IS NULL AND superseded_by IS NULL AND content_hash <> 'purged';
    `);
  },
};
