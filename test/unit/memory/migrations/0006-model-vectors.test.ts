import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FactsRepo } from '../../../../src/main/memory/facts-repo';
import { migration0001 } from '../../../../src/main/memory/migrations/0001-initial';
import { migration0002 } from '../../../../src/main/memory/migrations/0002-fact-changes';
import { migration0003 } from '../../../../src/main/memory/migrations/0003-sync';
import { migration0004 } from '../../../../src/main/memory/migrations/0004-label-versions';
import { ModelVectors } from '../../../../src/main/memory/model-vectors';
import { openDb, type Db } from '../../../../src/main/memory/open-db';
import { contentHash } from '../../../../src/main/memory/normalize-content';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir();
afterAll(tmp.cleanup);

const V4 = [migration0001, migration0002, migration0003, migration0004];

const unit = (dims: number, hot: number): Float32Array => {
  const v = new Float32Array(dims);
  v[hot] = 1;
  return v;
};

function addFact(db: Db, content: string, vector: Float32Array | null, model: string): number {
  const facts = new FactsRepo(db);
  const row = {
    space: 'personal',
    content,
    content_hash: contentHash(content),
    category: 'general',
    confidence: 1,
    label_id: null,
    source: null,
    created_at: 1,
    updated_at: 1,
    deleted_at: null,
    superseded_by: null,
  };
  return vector ? facts.insertEmbedded(row, vector, model) : facts.insert(row);
}

const widths = (db: Db) =>
  db.prepare('SELECT DISTINCT length(embedding) / 4 FROM vec_facts').pluck().all() as number[];

describe('migration 0006 (model vectors)', () => {
  it('upgrades a version-4 database: its vectors stay in use, and an empty parking table appears', () => {
    const path = join(tmp.dir, 'v4.db');
    const v4 = openDb(path, { migrations: V4 }).db;
    addFact(v4, 'boiler service in October', unit(384, 3), 'minilm:aaaa');
    v4.prepare("INSERT INTO meta(key, value) VALUES ('embedding_model', 'minilm:aaaa')").run();
    v4.close();

    const { db, migration } = openDb(path);
    try {
      expect(migration).toMatchObject({ from: 4, to: 6 });
      expect(db.prepare('SELECT count(*) FROM parked_vectors').pluck().get()).toBe(0);
      expect(widths(db)).toEqual([384]);
      const mv = new ModelVectors(db);
      expect(mv.currentModel()).toBe('minilm:aaaa');
      expect(mv.tableDims()).toBe(384);
      expect(mv.reembeddingFrom()).toBeNull();
      // One row per model, kind and owner.
      const park = db.prepare(
        "INSERT INTO parked_vectors (model, kind, owner_id, embedding) VALUES ('m', 'fact', 1, x'00')",
      );
      park.run();
      expect(() => park.run()).toThrow(/UNIQUE/);
      expect(() =>
        db
          .prepare(
            "INSERT INTO parked_vectors (model, kind, owner_id, embedding) VALUES ('m', 'x', 1, x'00')",
          )
          .run(),
      ).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });

  it('a switch parks the old vectors, widens the tables and restores what the new model parked for unchanged facts', () => {
    const { db } = openDb(join(tmp.dir, 'switch.db'));
    try {
      const mv = new ModelVectors(db);
      expect(mv.switchTo('small:1', 384)).toMatchObject({ from: null, pending: 0 });
      const kept = addFact(db, 'kept the same', unit(384, 1), 'small:1');
      const edited = addFact(db, 'edited later', unit(384, 2), 'small:1');
      const purged = addFact(db, 'purged later', unit(384, 5), 'small:1');

      const toLarge = mv.switchTo('large:1', 768);
      expect(toLarge).toEqual({
        from: 'small:1',
        to: 'large:1',
        restoredFacts: 0,
        restoredLabels: 0,
        pending: 3,
      });
      expect(mv.tableDims()).toBe(768);
      expect(widths(db)).toEqual([]);
      expect(mv.reembeddingFrom()).toBe('small:1');
      expect(mv.parkedModels()).toEqual([{ model: 'small:1', facts: 3 }]);
      // A 384-wide vector no longer fits the table: the two models cannot share it.
      const facts = new FactsRepo(db);
      expect(() => facts.setEmbedding(kept, unit(384, 1), 'large:1')).toThrow(/dimension/i);
      for (const id of [kept, edited, purged]) facts.setEmbedding(id, unit(768, id), 'large:1');
      mv.finishReembedding();

      db.prepare("UPDATE facts SET content = 'edited now', content_hash = ? WHERE id = ?").run(
        contentHash('edited now'),
        edited,
      );
      db.prepare('UPDATE facts SET deleted_at = 2 WHERE id = ?').run(purged);
      facts.purge(purged);

      const back = mv.switchTo('small:1', 384);
      expect(back).toEqual({
        from: 'large:1',
        to: 'small:1',
        restoredFacts: 1,
        restoredLabels: 0,
        pending: 1,
      });
      expect(widths(db)).toEqual([384]);
      expect(db.prepare('SELECT id, embedded_model FROM facts ORDER BY id').all()).toEqual([
        { id: kept, embedded_model: 'small:1' },
        { id: edited, embedded_model: null },
      ]);
      expect(Array.from(facts.getEmbedding(kept)!)).toEqual(Array.from(unit(384, 1)));
      expect(mv.reembeddingFrom()).toBe('large:1');
      // The restored model's rows left the parking; the other model's wait there (the purged fact's went with it).
      expect(mv.parkedModels()).toEqual([{ model: 'large:1', facts: 2 }]);
    } finally {
      db.close();
    }
  });
});
