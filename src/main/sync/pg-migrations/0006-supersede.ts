import type { PgMigration } from './index';

/**
 * SQLite's migration 0005 for Postgres (issue 8's supersede and as_of): when a fact stopped being
 * current (superseded_at, epoch ms) and why (supersede_reason: 'edited' for an earlier wording of
 * the same fact, 'superseded' for a fact another one replaced). Rows superseded before are all
 * earlier wordings, stopped at their last update. A trigger keeps the pair consistent with
 * superseded_by for writers that set only superseded_by (a merge's history row, a sync conflict's
 * loser, a device that predates these columns): an 'edited' row stopped now; clearing
 * superseded_by clears both. Both columns are in the sync contract (sync-rows.ts).
 */
export const supersede: PgMigration = {
  version: 6,
  name: 'supersede',
  async up(client) {
    await client.query(`
      ALTER TABLE facts ADD COLUMN superseded_at bigint;
      ALTER TABLE facts ADD COLUMN supersede_reason text CHECK (supersede_reason IN ('edited', 'superseded'));
      UPDATE facts SET superseded_at = updated_at, supersede_reason = 'edited' WHERE superseded_by IS NOT NULL;
      CREATE INDEX facts_superseded_at ON facts (space, superseded_at) WHERE superseded_at IS NOT NULL;

      CREATE FUNCTION hippo_supersede_columns() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.superseded_by IS NULL THEN
          NEW.superseded_at := NULL;
          NEW.supersede_reason := NULL;
        ELSE
          NEW.supersede_reason := coalesce(NEW.supersede_reason, 'edited');
          NEW.superseded_at := coalesce(NEW.superseded_at, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER facts_supersede_columns BEFORE INSERT OR UPDATE ON facts
        FOR EACH ROW EXECUTE FUNCTION hippo_supersede_columns();
    `);
  },
};
