import { randomUUID } from 'node:crypto';
import type { Migration } from '.';

/** A random (version 4) uuid made by SQLite, so triggers can give new rows one on any connection. */
export const SQL_UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
  substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
  substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/** Columns another device sees; a change to any of them is a change sync must push. */
export const SYNCED_FACT_COLUMNS = [
  'space',
  'content',
  'content_hash',
  'category',
  'confidence',
  'label_id',
  'source',
  'created_at',
  'updated_at',
  'deleted_at',
  'superseded_by',
  'embedded_model',
] as const;
export const SYNCED_LABEL_COLUMNS = [
  'space',
  'name',
  'kind',
  'category',
  'vector_count',
  'created_at',
  'updated_at',
  'deleted_at',
] as const;

const changed = (columns: readonly string[]) => columns.map((c) => `new.${c} IS NOT old.${c}`).join(' OR ');

export const NEXT_LOCAL_SEQ = `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'sync_local_seq'`;
export const LOCAL_SEQ = `(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sync_local_seq')`;
const DEVICE = `(SELECT value FROM meta WHERE key = 'device_id')`;

/**
 * What sync needs, kept by triggers so the engine writes as before and users who never sync pay
 * only a counter bump per write:
 * - every fact and label gets a uid (its identity across devices), a version bumped on each change
 *   of a synced column, and the device that made that change;
 * - local_seq orders local changes (a counter in meta, never reused), so push sends the rows
 *   changed after its mark; remote_seq is the remote change_seq the row last matched, the base
 *   that tells a concurrent remote change (a conflict) from our own echo. A write that moves
 *   remote_seq is sync applying a remote row, and is not a local change;
 * - hard deletes (purge, label merge) leave a tombstone so they travel too;
 * - sync_state remembers, per remote, the pull cursor, the push mark and the last outcome.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'sync',
  up(db) {
    for (const table of ['facts', 'labels']) {
      db.exec(`
        ALTER TABLE ${table} ADD COLUMN uid TEXT;
        ALTER TABLE ${table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE ${table} ADD COLUMN origin_device TEXT;
        ALTER TABLE ${table} ADD COLUMN local_seq INTEGER;
        ALTER TABLE ${table} ADD COLUMN remote_seq INTEGER;
      `);
    }
    const device = randomUUID();
    db.prepare("INSERT INTO meta(key, value) VALUES ('device_id', ?)").run(device);
    // Rows written before sync existed are all local changes still to push, labels first.
    db.exec(`
      UPDATE labels SET uid = ${SQL_UUID}, origin_device = ${DEVICE}, local_seq = id;
      UPDATE facts SET uid = ${SQL_UUID}, origin_device = ${DEVICE},
        local_seq = id + (SELECT coalesce(max(id), 0) FROM labels);
      INSERT INTO meta(key, value) VALUES ('sync_local_seq',
        (SELECT coalesce(max(id), 0) FROM labels) + (SELECT coalesce(max(id), 0) FROM facts));

      CREATE UNIQUE INDEX facts_uid ON facts(uid);
      CREATE UNIQUE INDEX labels_uid ON labels(uid);
      CREATE INDEX facts_local_seq ON facts(local_seq) WHERE local_seq IS NOT NULL;
      CREATE INDEX labels_local_seq ON labels(local_seq) WHERE local_seq IS NOT NULL;

      CREATE TABLE sync_tombstones (
        uid        TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('fact', 'label')),
        deleted_at INTEGER NOT NULL,
        local_seq  INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sync_tombstones_local_seq ON sync_tombstones(local_seq);

      CREATE TABLE sync_state (
        remote        TEXT PRIMARY KEY,
        url           TEXT NOT NULL,
        pulled_seq    INTEGER NOT NULL DEFAULT 0,
        pushed_seq    INTEGER NOT NULL DEFAULT 0,
        last_sync_at  INTEGER,
        last_result   TEXT CHECK (last_result IN ('ok', 'failed')),
        last_error    TEXT,
        pushed        INTEGER NOT NULL DEFAULT 0,
        pulled        INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
    `);
    for (const [table, columns, kind] of [
      ['facts', SYNCED_FACT_COLUMNS, 'fact'],
      ['labels', SYNCED_LABEL_COLUMNS, 'label'],
    ] as const) {
      db.exec(`
        CREATE TRIGGER ${table}_sync_insert AFTER INSERT ON ${table} WHEN new.remote_seq IS NULL BEGIN
          ${NEXT_LOCAL_SEQ};
          UPDATE ${table} SET uid = coalesce(new.uid, ${SQL_UUID}),
            origin_device = coalesce(new.origin_device, ${DEVICE}), local_seq = ${LOCAL_SEQ}
          WHERE id = new.id;
        END;
        CREATE TRIGGER ${table}_sync_update AFTER UPDATE OF ${columns.join(', ')} ON ${table}
        WHEN new.remote_seq IS old.remote_seq AND (${changed(columns)}) BEGIN
          ${NEXT_LOCAL_SEQ};
          UPDATE ${table} SET version = old.version + 1, origin_device = ${DEVICE}, local_seq = ${LOCAL_SEQ}
          WHERE id = new.id;
        END;
        CREATE TRIGGER ${table}_sync_delete AFTER DELETE ON ${table} WHEN old.uid IS NOT NULL BEGIN
          ${NEXT_LOCAL_SEQ};
          INSERT OR REPLACE INTO sync_tombstones(uid, kind, deleted_at, local_seq)
          VALUES (old.uid, '${kind}', CAST(unixepoch('subsec') * 1000 AS INTEGER), ${LOCAL_SEQ});
        END;
      `);
    }
  },
};
