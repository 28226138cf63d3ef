import type { Migration } from '.';
import { LOCAL_SEQ, NEXT_LOCAL_SEQ } from './0003-sync';

/**
 * Earlier states of labels, as Postgres's label_versions keeps them (see pg-migrations 0003): a
 * row is the name, kind and category a label had before it was renamed here ('renamed'), lost a
 * sync conflict ('conflict') or was merged into another label ('merged', naming it in
 * merged_into), with the version, edit time and device of that state. Rows are only inserted,
 * each under its own uid, so sync carries them by uid and never twice.
 *
 * Labels are referred to by uid, not id: a label merged away is deleted here but its names stay
 * findable from the label it went into, and a pulled row may speak of a label not pulled yet.
 * As for facts and labels, a row written here (remote_seq NULL) takes the next local_seq so the
 * next push sends it; a pulled row carries the remote change_seq and is not a local change.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'label-versions',
  up(db) {
    db.exec(`
      CREATE TABLE label_versions (
        id            INTEGER PRIMARY KEY,
        uid           TEXT NOT NULL UNIQUE,
        label_uid     TEXT NOT NULL,
        space         TEXT NOT NULL,
        name          TEXT NOT NULL,
        kind          TEXT NOT NULL,
        category      TEXT,
        version       INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        origin_device TEXT NOT NULL,
        superseded_at INTEGER NOT NULL,
        reason        TEXT NOT NULL CHECK (reason IN ('renamed', 'conflict', 'merged')),
        merged_into   TEXT,
        local_seq     INTEGER,
        remote_seq    INTEGER,
        CHECK ((reason = 'merged') = (merged_into IS NOT NULL))
      );
      CREATE INDEX label_versions_label ON label_versions(label_uid);
      CREATE INDEX label_versions_merged_into ON label_versions(merged_into) WHERE merged_into IS NOT NULL;
      CREATE INDEX label_versions_local_seq ON label_versions(local_seq) WHERE local_seq IS NOT NULL;

      CREATE TRIGGER label_versions_sync_insert AFTER INSERT ON label_versions WHEN new.remote_seq IS NULL BEGIN
        ${NEXT_LOCAL_SEQ};
        UPDATE label_versions SET local_seq = ${LOCAL_SEQ} WHERE id = new.id;
      END;
    `);
  },
};
