import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../../src/main/memory/open-db';
import { migration0001 } from '../../../../src/main/memory/migrations/0001-initial';
import { migration0002 } from '../../../../src/main/memory/migrations/0002-fact-changes';
import { migration0003 } from '../../../../src/main/memory/migrations/0003-sync';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir();
afterAll(tmp.cleanup);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const insertFact = (db: Db, content: string, labelId: number | null = null): number =>
  Number(
    db
      .prepare(
        `INSERT INTO facts (space, content, content_hash, category, confidence, label_id, created_at, updated_at)
         VALUES ('personal', ?, ?, 'general', 1, ?, 0, 0)`,
      )
      .run(content, content, labelId).lastInsertRowid,
  );
const insertLabel = (db: Db, name: string): number =>
  Number(
    db
      .prepare(
        `INSERT INTO labels (space, name, kind, created_at, updated_at) VALUES ('personal', ?, 'topic', 0, 0)`,
      )
      .run(name).lastInsertRowid,
  );

interface SyncCols {
  uid: string;
  version: number;
  origin_device: string;
  local_seq: number | null;
  remote_seq: number | null;
}
const syncCols = (db: Db, table: 'facts' | 'labels', id: number): SyncCols =>
  db
    .prepare(`SELECT uid, version, origin_device, local_seq, remote_seq FROM ${table} WHERE id = ?`)
    .get(id) as SyncCols;
const device = (db: Db): string =>
  (db.prepare("SELECT value FROM meta WHERE key = 'device_id'").get() as { value: string }).value;

describe('migration 0003 (sync)', () => {
  it('upgrades a version-2 database: every row gets a uid and a place in the push order, labels first', () => {
    const path = join(tmp.dir, 'old.db');
    const v2 = openDb(path, { migrations: [migration0001, migration0002] }).db;
    const label = insertLabel(v2, 'work');
    const a = insertFact(v2, 'a', label);
    const b = insertFact(v2, 'b');
    v2.close();
    const { db, migration } = openDb(path, { migrations: [migration0001, migration0002, migration0003] });
    expect(migration).toMatchObject({ from: 2, to: 3 });
    const dev = device(db);
    expect(dev).toMatch(UUID);
    const l = syncCols(db, 'labels', label);
    const fa = syncCols(db, 'facts', a);
    const fb = syncCols(db, 'facts', b);
    for (const row of [l, fa, fb]) {
      expect(row.uid).toMatch(UUID);
      expect(row).toMatchObject({ version: 1, origin_device: dev, remote_seq: null });
    }
    expect(new Set([l.uid, fa.uid, fb.uid]).size).toBe(3);
    expect(l.local_seq!).toBeLessThan(fa.local_seq!);
    expect(fa.local_seq!).toBeLessThan(fb.local_seq!);
    // The next local change is numbered after every backfilled one.
    const c = insertFact(db, 'c');
    expect(syncCols(db, 'facts', c).local_seq).toBe(fb.local_seq! + 1);
    db.close();
  });

  it('the device id is made once: reopening keeps it, another file has its own', () => {
    const path = join(tmp.dir, 'device.db');
    const first = openDb(path).db;
    const id = device(first);
    first.close();
    const again = openDb(path).db;
    expect(device(again)).toBe(id);
    again.close();
    const other = openDb(join(tmp.dir, 'other.db')).db;
    expect(device(other)).not.toBe(id);
    other.close();
  });

  it('a change to a synced column bumps the version and the local order; bookkeeping and no-op writes do not', () => {
    const { db } = openDb(join(tmp.dir, 'bump.db'));
    const id = insertFact(db, 'x');
    const start = syncCols(db, 'facts', id);
    db.prepare('UPDATE facts SET access_count = 3, last_accessed_at = 5 WHERE id = ?').run(id);
    db.prepare('UPDATE facts SET confidence = 1, updated_at = 0 WHERE id = ?').run(id);
    expect(syncCols(db, 'facts', id)).toEqual(start);
    let seq = start.local_seq!;
    let version = start.version;
    for (const set of [
      "content = 'y'",
      "category = 'travel'",
      'confidence = 0.5',
      "source = 's'",
      'updated_at = 9',
      'deleted_at = 7',
      'deleted_at = NULL',
      "embedded_model = 'm'",
    ]) {
      db.prepare(`UPDATE facts SET ${set} WHERE id = ?`).run(id);
      const now = syncCols(db, 'facts', id);
      expect(now.version, set).toBe(++version);
      expect(now.local_seq!, set).toBeGreaterThan(seq);
      seq = now.local_seq!;
    }
    const label = insertLabel(db, 'l');
    const lv = syncCols(db, 'labels', label).version;
    db.prepare("UPDATE labels SET name = 'renamed' WHERE id = ?").run(label);
    expect(syncCols(db, 'labels', label).version).toBe(lv + 1);
    db.close();
  });

  it('a write that moves remote_seq (sync applying a remote row) is not a local change', () => {
    const { db } = openDb(join(tmp.dir, 'remote.db'));
    const id = insertFact(db, 'x');
    const before = syncCols(db, 'facts', id);
    db.prepare(
      "UPDATE facts SET content = 'from afar', version = 7, origin_device = 'other', remote_seq = 42 WHERE id = ?",
    ).run(id);
    expect(syncCols(db, 'facts', id)).toEqual({
      ...before,
      version: 7,
      origin_device: 'other',
      remote_seq: 42,
    });
    // A remote insert arrives with its own uid and stays clean.
    db.prepare(
      `INSERT INTO facts (space, content, content_hash, category, confidence, created_at, updated_at,
         uid, version, origin_device, remote_seq)
       VALUES ('personal', 'r', 'r', 'general', 1, 0, 0, 'u-1', 3, 'other', 43)`,
    ).run();
    expect(db.prepare("SELECT local_seq, version FROM facts WHERE uid = 'u-1'").get()).toEqual({
      local_seq: null,
      version: 3,
    });
    db.close();
  });

  it('hard deletes leave tombstones in the push order', () => {
    const { db } = openDb(join(tmp.dir, 'tomb.db'));
    const id = insertFact(db, 'gone');
    const label = insertLabel(db, 'merged away');
    const { uid } = syncCols(db, 'facts', id);
    const { uid: labelUid, local_seq: labelSeq } = syncCols(db, 'labels', label);
    db.prepare('DELETE FROM facts WHERE id = ?').run(id);
    db.prepare('DELETE FROM labels WHERE id = ?').run(label);
    const tombs = db
      .prepare('SELECT uid, kind, local_seq FROM sync_tombstones ORDER BY local_seq')
      .all() as Array<{
      uid: string;
      kind: string;
      local_seq: number;
    }>;
    expect(tombs.map((t) => [t.uid, t.kind])).toEqual([
      [uid, 'fact'],
      [labelUid, 'label'],
    ]);
    expect(tombs[0]!.local_seq).toBeGreaterThan(labelSeq!);
    db.close();
  });

  it('rolls back whole when it fails part-way', () => {
    const path = join(tmp.dir, 'fail.db');
    const v2 = openDb(path, { migrations: [migration0001, migration0002] }).db;
    // A table in the way makes the step fail after its columns and device id were written.
    v2.exec('CREATE TABLE sync_state (x)');
    v2.close();
    expect(() => openDb(path)).toThrow(/migration 3 \(sync\) failed and was rolled back/);
    const still = openDb(path, { migrations: [migration0001, migration0002] }).db;
    expect(still.pragma('user_version', { simple: true })).toBe(2);
    const cols = (still.prepare('PRAGMA table_info(facts)').all() as Array<{ name: string }>).map(
      (c) => c.name,
    );
    expect(cols).not.toContain('uid');
    expect(still.prepare("SELECT count(*) AS n FROM meta WHERE key = 'device_id'").get()).toEqual({ n: 0 });
    still.close();
  });
});
