import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../../src/main/memory/open-db';
import { migration0001 } from '../../../../src/main/memory/migrations/0001-initial';
import type { Migration } from '../../../../src/main/memory/migrations';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir();
afterAll(tmp.cleanup);

const objects = (db: Database.Database) =>
  (
    db
      .prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as Array<{
      type: string;
      name: string;
    }>
  ).map((o) => `${o.type}:${o.name}`);

describe('migration 0001 (initial)', () => {
  it('creates facts, labels, FTS, vector tables, the embedding cache and hot-filter indexes', () => {
    const { db } = openDb(join(tmp.dir, 'm1.db'), { migrations: [migration0001] });
    const names = objects(db);
    for (const want of [
      'table:facts',
      'table:labels',
      'table:meta',
      'table:embedding_cache',
      'table:facts_fts',
      'table:vec_facts',
      'table:vec_labels',
      'index:facts_live_hash',
      'index:facts_live_confidence',
      'index:facts_live_category',
      'index:labels_live_name',
      'index:labels_live_kind',
      'index:labels_live_category',
      'trigger:facts_fts_insert',
      'trigger:facts_fts_update',
      'trigger:facts_fts_delete',
    ])
      expect(names).toContain(want);
    expect(db.pragma('user_version', { simple: true })).toBe(1);

    // FTS follows inserts, updates and deletes through the triggers.
    const ins = db.prepare(
      "INSERT INTO facts(space, content, content_hash, category, confidence, created_at, updated_at) VALUES ('personal', ?, 'h', 'general', 1, 0, 0)",
    );
    const id = Number(ins.run('the quick brown fox').lastInsertRowid);
    const match = (q: string) =>
      db.prepare('SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?').all(q).length;
    expect(match('quick')).toBe(1);
    db.prepare('UPDATE facts SET content = ? WHERE id = ?').run('a slow green turtle', id);
    expect(match('quick')).toBe(0);
    expect(match('turtle')).toBe(1);
    db.prepare('DELETE FROM facts WHERE id = ?').run(id);
    expect(match('turtle')).toBe(0);

    // Confidence outside 0..1 is refused by the schema itself.
    expect(() =>
      db
        .prepare(
          "INSERT INTO facts(space, content, content_hash, category, confidence, created_at, updated_at) VALUES ('p', 'x', 'h', 'g', 1.5, 0, 0)",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('backs the file up before migrating an existing database', () => {
    const path = join(tmp.dir, 'm2.db');
    openDb(path, { migrations: [migration0001] }).db.close();
    const second: Migration = {
      version: 2,
      name: 'add-notes',
      up: (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)'),
    };
    const { db, migration } = openDb(path, { migrations: [migration0001, second] });
    expect(migration).toMatchObject({ from: 1, to: 2 });
    expect(migration.backupPath).not.toBeNull();
    expect(existsSync(migration.backupPath!)).toBe(true);
    const backup = new Database(migration.backupPath!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    backup.close();
    db.close();
  });

  it('a failing migration leaves the file exactly as it was', () => {
    const path = join(tmp.dir, 'm3.db');
    const first = openDb(path, { migrations: [migration0001] });
    first.db
      .prepare(
        "INSERT INTO facts(space, content, content_hash, category, confidence, created_at, updated_at) VALUES ('personal', 'keep me', 'h', 'general', 1, 0, 0)",
      )
      .run();
    first.db.close();
    const before = objects(new Database(path, { readonly: true }));
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (db) => {
        db.exec('CREATE TABLE half_done (id INTEGER)');
        db.exec('ALTER TABLE no_such_table ADD COLUMN x');
      },
    };
    expect(() => openDb(path, { migrations: [migration0001, broken] })).toThrow(
      /migration 2 \(broken\) failed/,
    );
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(1);
    expect(objects(after)).toEqual(before);
    expect(after.prepare('SELECT content FROM facts').all()).toEqual([{ content: 'keep me' }]);
    after.close();
    expect(readFileSync(path).length).toBeGreaterThan(0);
  });

  it('refuses a database from a newer Hippo', () => {
    const path = join(tmp.dir, 'm4.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openDb(path)).toThrow(/newer than this Hippo understands/);
  });
});
