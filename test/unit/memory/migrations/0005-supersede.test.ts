import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../../src/main/memory/open-db';
import { migration0001 } from '../../../../src/main/memory/migrations/0001-initial';
import { migration0002 } from '../../../../src/main/memory/migrations/0002-fact-changes';
import { migration0003 } from '../../../../src/main/memory/migrations/0003-sync';
import { migration0004 } from '../../../../src/main/memory/migrations/0004-label-versions';
import { migration0005 } from '../../../../src/main/memory/migrations/0005-supersede';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir();
afterAll(tmp.cleanup);

const V4 = [migration0001, migration0002, migration0003, migration0004];
// This file is about 0005: later migrations are their own files' business.
const V5 = [...V4, migration0005];

const insertFact = (db: Db, content: string, extra: Record<string, unknown> = {}): number =>
  Number(
    db
      .prepare(
        `INSERT INTO facts (space, content, content_hash, category, confidence, created_at, updated_at, superseded_by)
         VALUES ('personal', @content, @content, 'general', 1, 10, @updated_at, @superseded_by)`,
      )
      .run({ content, updated_at: 20, superseded_by: null, ...extra }).lastInsertRowid,
  );

const supersedeColumns = (db: Db) =>
  db.prepare('SELECT id, superseded_by, superseded_at, supersede_reason FROM facts ORDER BY id').all();

describe('migration 0005 (supersede)', () => {
  it('backfills existing superseded rows as earlier wordings stopped at their last update', () => {
    const path = join(tmp.dir, 'v4.db');
    const v4 = openDb(path, { migrations: V4 }).db;
    const current = insertFact(v4, 'Anna lives in Porto');
    const wording = insertFact(v4, 'Anna lives in Porto now', { superseded_by: current, updated_at: 15 });
    const seq = v4.prepare("SELECT value FROM meta WHERE key = 'sync_local_seq'").get();
    v4.close();
    const { db, migration } = openDb(path, { migrations: V5 });
    expect(migration).toMatchObject({ from: 4, to: 5 });
    expect(supersedeColumns(db)).toEqual([
      { id: current, superseded_by: null, superseded_at: null, supersede_reason: null },
      { id: wording, superseded_by: current, superseded_at: 15, supersede_reason: 'edited' },
    ]);
    // Backfilling is not a change another device must pull.
    expect(db.prepare("SELECT value FROM meta WHERE key = 'sync_local_seq'").get()).toEqual(seq);
    db.close();
  });

  it('keeps the pair consistent for writers that only set or clear superseded_by', () => {
    const { db } = openDb(join(tmp.dir, 'triggers.db'), { migrations: V5 });
    const a = insertFact(db, 'a');
    const b = insertFact(db, 'b', { superseded_by: a });
    const c = insertFact(db, 'c');
    const row = (id: number) =>
      db.prepare('SELECT superseded_at, supersede_reason FROM facts WHERE id = ?').get(id) as {
        superseded_at: number | null;
        supersede_reason: string | null;
      };
    expect(row(b).supersede_reason).toBe('edited');
    expect(row(b).superseded_at).toBeGreaterThan(1_700_000_000_000);
    db.prepare('UPDATE facts SET superseded_by = ? WHERE id = ?').run(a, c);
    expect(row(c).supersede_reason).toBe('edited');
    // Set explicitly, the values stay as given.
    db.prepare(
      'UPDATE facts SET superseded_by = NULL, superseded_at = NULL, supersede_reason = NULL WHERE id = ?',
    ).run(c);
    db.prepare(
      "UPDATE facts SET superseded_by = ?, superseded_at = 99, supersede_reason = 'superseded' WHERE id = ?",
    ).run(a, c);
    expect(row(c)).toEqual({ superseded_at: 99, supersede_reason: 'superseded' });
    db.prepare('UPDATE facts SET superseded_by = NULL WHERE id = ?').run(c);
    expect(row(c)).toEqual({ superseded_at: null, supersede_reason: null });
    expect(() => db.prepare("UPDATE facts SET supersede_reason = 'moved' WHERE id = ?").run(a)).toThrow(
      /CHECK constraint failed/,
    );
    db.close();
  });

  it('rolls back whole when it fails part-way', () => {
    const path = join(tmp.dir, 'fail.db');
    const v4 = openDb(path, { migrations: V4 }).db;
    // A trigger of that name in the way makes the step fail after the columns were added.
    v4.exec('CREATE TRIGGER facts_supersede_clear AFTER DELETE ON labels BEGIN SELECT 1; END;');
    v4.close();
    expect(() => openDb(path, { migrations: V5 })).toThrow(
      /migration 5 \(supersede\) failed and was rolled back/,
    );
    const still = openDb(path, { migrations: V4 }).db;
    expect(still.pragma('user_version', { simple: true })).toBe(4);
    const columns = (still.prepare('PRAGMA table_info(facts)').all() as Array<{ name: string }>).map(
      (c) => c.name,
    );
    expect(columns).not.toContain('superseded_at');
    still.close();
  });
});
