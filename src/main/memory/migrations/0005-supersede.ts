import type { Migration } from '.';

/** Epoch ms now, as SQLite computes it inside a trigger. */
const NOW_MS = `CAST(unixepoch('subsec') * 1000 AS INTEGER)`;

/**
 * Memory over time (issue 8): a fact can supersede another, and recall can answer as of a past
 * date, so a row that stops being current records when (superseded_at) and why
 * (supersede_reason): 'edited' for an earlier wording of the same fact (kept when a near-duplicate
 * merged into it, or a sync conflict was resolved), 'superseded' for a fact another one replaced.
 * Rows superseded before this migration are all earlier wordings; their last update is the best
 * known time they stopped being current.
 *
 * Triggers keep the pair consistent with superseded_by for every writer, so code that only sets
 * superseded_by (a merge's history row, sync joining twins) records an 'edited' row stopped now,
 * and clearing superseded_by (unsupersede, a purge of the newer fact) clears both. Both columns
 * change only together with superseded_by, which sync already watches, so sync's triggers need
 * no change.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'supersede',
  up(db) {
    db.exec(`
      ALTER TABLE facts ADD COLUMN superseded_at INTEGER;
      ALTER TABLE facts ADD COLUMN supersede_reason TEXT CHECK (supersede_reason IN ('edited', 'superseded'));
      UPDATE facts SET superseded_at = updated_at, supersede_reason = 'edited' WHERE superseded_by IS NOT NULL;
      CREATE INDEX facts_superseded_at ON facts(space, superseded_at) WHERE superseded_at IS NOT NULL;

      CREATE TRIGGER facts_supersede_insert AFTER INSERT ON facts
      WHEN new.superseded_by IS NOT NULL AND (new.supersede_reason IS NULL OR new.superseded_at IS NULL) BEGIN
        UPDATE facts SET supersede_reason = coalesce(new.supersede_reason, 'edited'),
          superseded_at = coalesce(new.superseded_at, ${NOW_MS})
        WHERE id = new.id;
      END;
      CREATE TRIGGER facts_supersede_set AFTER UPDATE OF superseded_by ON facts
      WHEN new.superseded_by IS NOT NULL AND (new.supersede_reason IS NULL OR new.superseded_at IS NULL) BEGIN
        UPDATE facts SET supersede_reason = coalesce(new.supersede_reason, 'edited'),
          superseded_at = coalesce(new.superseded_at, ${NOW_MS})
        WHERE id = new.id;
      END;
      CREATE TRIGGER facts_supersede_clear AFTER UPDATE OF superseded_by ON facts
      WHEN new.superseded_by IS NULL AND (new.supersede_reason IS NOT NULL OR new.superseded_at IS NOT NULL) BEGIN
        UPDATE facts SET supersede_reason = NULL, superseded_at = NULL WHERE id = new.id;
      END;
    `);
  },
};
