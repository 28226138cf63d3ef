import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../../src/main/memory/open-db';
import { migration0001 } from '../../../../src/main/memory/migrations/0001-initial';
import { migration0002 } from '../../../../src/main/memory/migrations/0002-fact-changes';
import { migration0003 } from '../../../../src/main/memory/migrations/0003-sync';
import { migration0004 } from '../../../../src/main/memory/migrations/0004-label-versions';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir();
afterAll(tmp.cleanup);

const V3 = [migration0001, migration0002, migration0003];

const localSeq = (db: Db): number =>
  Number(
    (db.prepare("SELECT value FROM meta WHERE key = 'sync_local_seq'").get() as { value: string }).value,
  );

const insertVersion = (db: Db, uid: string, extra: Record<string, unknown> = {}): void => {
  const row = {
    uid,
    label_uid: 'l-1',
    space: 'personal',
    name: 'work',
    kind: 'topic',
    category: null,
    version: 1,
    updated_at: 10,
    origin_device: 'dev',
    superseded_at: 20,
    reason: 'renamed',
    merged_into: null,
    remote_seq: null,
    ...extra,
  };
  db.prepare(
    `INSERT INTO label_versions (uid, label_uid, space, name, kind, category, version, updated_at, origin_device,
       superseded_at, reason, merged_into, remote_seq)
     VALUES (@uid, @label_uid, @space, @name, @kind, @category, @version, @updated_at, @origin_device,
       @superseded_at, @reason, @merged_into, @remote_seq)`,
  ).run(row);
};

describe('migration 0004 (label versions)', () => {
  it('upgrades a version-3 database, keeping its labels and its local change counter', () => {
    const path = join(tmp.dir, 'v3.db');
    const v3 = openDb(path, { migrations: V3 }).db;
    v3.prepare(
      "INSERT INTO labels (space, name, kind, created_at, updated_at) VALUES ('personal', 'work', 'topic', 0, 0)",
    ).run();
    const seq = localSeq(v3);
    v3.close();
    const { db, migration } = openDb(path, { migrations: [...V3, migration0004] });
    expect(migration).toMatchObject({ from: 3, to: 4 });
    expect(db.prepare('SELECT name FROM labels').all()).toEqual([{ name: 'work' }]);
    expect(localSeq(db)).toBe(seq);
    expect(db.prepare('SELECT count(*) AS n FROM label_versions').get()).toEqual({ n: 0 });
    db.close();
  });

  it('a version written here takes the next local_seq (push sends it); a pulled one does not', () => {
    const { db } = openDb(join(tmp.dir, 'seq.db'));
    const before = localSeq(db);
    insertVersion(db, 'v-local');
    insertVersion(db, 'v-pulled', { remote_seq: 42 });
    expect(db.prepare('SELECT uid, local_seq FROM label_versions ORDER BY id').all()).toEqual([
      { uid: 'v-local', local_seq: before + 1 },
      { uid: 'v-pulled', local_seq: null },
    ]);
    expect(localSeq(db)).toBe(before + 1);
    db.close();
  });

  it('refuses a row without a known reason, a merge without its target, and a uid twice', () => {
    const { db } = openDb(join(tmp.dir, 'checks.db'));
    insertVersion(db, 'v-1');
    expect(() => insertVersion(db, 'v-2', { reason: 'deleted' })).toThrow(/CHECK constraint failed/);
    expect(() => insertVersion(db, 'v-3', { reason: 'merged' })).toThrow(/CHECK constraint failed/);
    expect(() => insertVersion(db, 'v-4', { merged_into: 'l-2' })).toThrow(/CHECK constraint failed/);
    expect(() => insertVersion(db, 'v-1', { name: 'other' })).toThrow(/UNIQUE constraint failed/);
    insertVersion(db, 'v-5', { reason: 'merged', merged_into: 'l-2' });
    expect(db.prepare('SELECT uid FROM label_versions ORDER BY id').all()).toEqual([
      { uid: 'v-1' },
      { uid: 'v-5' },
    ]);
    db.close();
  });

  it('rolls back whole when it fails part-way', () => {
    const path = join(tmp.dir, 'fail.db');
    const v3 = openDb(path, { migrations: V3 }).db;
    // An index of that name in the way makes the step fail after the table was made.
    v3.exec('CREATE TABLE other (x); CREATE INDEX label_versions_local_seq ON other(x);');
    v3.close();
    expect(() => openDb(path)).toThrow(/migration 4 \(label-versions\) failed and was rolled back/);
    const still = openDb(path, { migrations: V3 }).db;
    expect(still.pragma('user_version', { simple: true })).toBe(3);
    expect(
      still.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'label_versions'").get(),
    ).toEqual({ n: 0 });
    still.close();
  });
});
