import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../../src/main/memory/open-db';
import { migration0001 } from '../../../../src/main/memory/migrations/0001-initial';
import { migration0002 } from '../../../../src/main/memory/migrations/0002-fact-changes';
import { FactChanges } from '../../../../src/main/memory/fact-changes';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir();
afterAll(tmp.cleanup);

const insertFact = (db: ReturnType<typeof openDb>['db'], content: string): number =>
  Number(
    db
      .prepare(
        `INSERT INTO facts (space, content, content_hash, category, confidence, created_at, updated_at)
         VALUES ('personal', ?, ?, 'general', 1, 0, 0)`,
      )
      .run(content, content).lastInsertRowid,
  );

describe('migration 0002 (fact-changes)', () => {
  it('upgrades a version-1 database, keeping its facts', () => {
    const path = join(tmp.dir, 'old.db');
    const v1 = openDb(path, { migrations: [migration0001] }).db;
    insertFact(v1, 'written before the upgrade');
    v1.close();
    const { db, migration } = openDb(path, { migrations: [migration0001, migration0002] });
    expect(migration).toMatchObject({ from: 1, to: 2 });
    expect(db.prepare('SELECT count(*) AS n FROM facts').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM fact_changes').get()).toEqual({ n: 0 });
    db.close();
  });

  it('logs inserts, deletes and changes to searchable columns, not bookkeeping ones', () => {
    const { db } = openDb(join(tmp.dir, 'log.db'));
    const changes = new FactChanges(db);
    const a = insertFact(db, 'a');
    const b = insertFact(db, 'b');
    expect(changes.head()).toBe(2);
    db.prepare('UPDATE facts SET access_count = 5, last_accessed_at = 1, updated_at = 9 WHERE id = ?').run(a);
    db.prepare('UPDATE facts SET source = ? WHERE id = ?').run('x', a);
    expect(changes.head()).toBe(2);
    for (const set of [
      "content = 'a2'",
      "category = 'travel'",
      'confidence = 0.5',
      'label_id = NULL',
      'created_at = 5',
      'deleted_at = 7',
      'superseded_by = NULL',
      "embedded_model = 'm'",
      "space = 'work'",
    ]) {
      const before = changes.head();
      db.prepare(`UPDATE facts SET ${set} WHERE id = ?`).run(a);
      expect(changes.head(), set).toBe(before + 1);
    }
    db.prepare('DELETE FROM facts WHERE id = ?').run(b);
    expect(changes.changedBetween(2, changes.head())!.sort()).toEqual([a, b].sort());
    db.close();
  });

  it('a rolled-back write leaves no entry; pruning leaves readers a way to tell they fell behind', () => {
    const { db } = openDb(join(tmp.dir, 'prune.db'));
    const changes = new FactChanges(db);
    expect(() =>
      db.transaction(() => {
        insertFact(db, 'doomed');
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(changes.head()).toBe(0);
    for (let i = 0; i < 10; i++) insertFact(db, `f${i}`);
    db.prepare('DELETE FROM fact_changes WHERE seq <= (SELECT max(seq) FROM fact_changes) - ?').run(3);
    const head = changes.head();
    expect(changes.changedBetween(head - 3, head)).toHaveLength(3);
    expect(changes.changedBetween(2, head)).toBeNull();
    db.close();
  });
});
