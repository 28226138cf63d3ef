import type { Migration } from '.';

/** The columns the in-memory search indexes read; a write to any other column is not logged. */
const INDEXED_COLUMNS =
  'content, space, category, confidence, label_id, created_at, deleted_at, superseded_by, embedded_model';

/**
 * A log of the facts whose searchable state changed, written by triggers in the same
 * transaction as the change. Every connection's in-memory indexes read it to catch up with
 * writes made elsewhere (the CLI or an MCP agent while the app runs) by re-reading only those
 * facts, and a rolled-back write leaves no entry. Old entries are pruned; a reader that fell
 * behind the pruned part rebuilds its indexes.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'fact-changes',
  up(db) {
    db.exec(`
      CREATE TABLE fact_changes (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        fact_id INTEGER NOT NULL
      );
      CREATE TRIGGER fact_changes_insert AFTER INSERT ON facts BEGIN
        INSERT INTO fact_changes(fact_id) VALUES (new.id);
      END;
      CREATE TRIGGER fact_changes_update AFTER UPDATE OF ${INDEXED_COLUMNS} ON facts BEGIN
        INSERT INTO fact_changes(fact_id) VALUES (new.id);
      END;
      CREATE TRIGGER fact_changes_delete AFTER DELETE ON facts BEGIN
        INSERT INTO fact_changes(fact_id) VALUES (old.id);
      END;
    `);
  },
};
