import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb } from '../../../src/main/memory/open-db';
import { FactsRepo } from '../../../src/main/memory/facts-repo';
import { normalize } from '../../../src/main/memory/vector';
import { makeTempDir } from '../../helpers/temp-dir';

const DIM = 384;

function unit(seed: number): Float32Array {
  return normalize(
    Float32Array.from(
      { length: DIM },
      (_, i) => Math.sin(seed * 7.3 + i * 0.37) + (i === seed % DIM ? 3 : 0),
    ),
  );
}

function addFact(facts: FactsRepo, content: string, seed: number, space = 'default'): number {
  const now = Date.now();
  const id = facts.insert({
    space,
    content,
    content_hash: content,
    category: 'general',
    confidence: 1,
    label_id: null,
    source: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    superseded_by: null,
  });
  facts.setEmbedding(id, unit(seed), 'test-model');
  return id;
}

describe('LiveVectors (the in-memory index kept equal to vec_facts)', () => {
  const tmp = makeTempDir();
  afterAll(tmp.cleanup);

  it('answers like sqlite-vec after inserts, updates, deletes and purges', () => {
    const { db } = openDb(join(tmp.dir, 'a.db'));
    const facts = new FactsRepo(db);
    const ids = Array.from({ length: 300 }, (_, i) => addFact(facts, `fact ${i}`, i));
    const q = unit(17);
    const same = () =>
      expect(facts.nearest('default', q, 20).map((h) => h.id)).toEqual(
        facts.nearestInSqlite('default', q, 20).map((h) => h.id),
      );
    same();
    expect(facts.vectors.current()!.size).toBe(300);
    facts.update(ids[17]!, { deleted_at: Date.now() });
    facts.update(ids[18]!, { category: 'preference' });
    facts.purge(ids[19]!);
    facts.setEmbedding(ids[20]!, unit(900), 'test-model');
    facts.dropEmbedding(ids[21]!);
    same();
    const index = facts.vectors.current()!;
    expect(index.size).toBe(297);
    expect(index.has(ids[17]!)).toBe(false);
    expect(facts.nearest('default', q, 5, { category: 'preference' }).map((h) => h.id)).toEqual([ids[18]]);
    facts.clearEmbeddings();
    expect(facts.nearest('default', q, 5)).toEqual([]);
    db.close();
  });

  it('never keeps a vector from a rolled-back transaction', () => {
    const { db } = openDb(join(tmp.dir, 'b.db'));
    const facts = new FactsRepo(db);
    for (let i = 0; i < 50; i++) addFact(facts, `fact ${i}`, i);
    expect(facts.vectors.current()!.size).toBe(50);
    const q = unit(4242);
    expect(() =>
      db.transaction(() => {
        addFact(facts, 'doomed', 4242);
        // Inside the transaction the uncommitted vector counts, and SQLite answers.
        expect(facts.vectors.current()).toBeNull();
        expect(facts.nearest('default', q, 1)[0]!.rank).toBeCloseTo(0, 5);
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(facts.vectors.current()!.size).toBe(50);
    expect(facts.nearest('default', q, 1)[0]!.rank).toBeGreaterThan(0.01);
    db.close();
  });

  it('sees what another connection committed (the CLI writing while the app runs)', () => {
    const path = join(tmp.dir, 'c.db');
    const app = openDb(path).db;
    const cli = openDb(path).db;
    const appFacts = new FactsRepo(app);
    const cliFacts = new FactsRepo(cli);
    for (let i = 0; i < 20; i++) addFact(appFacts, `fact ${i}`, i);
    expect(appFacts.vectors.current()!.size).toBe(20);
    const id = addFact(cliFacts, 'written by the cli', 777);
    expect(appFacts.nearest('default', unit(777), 1)[0]!.id).toBe(id);
    cliFacts.purge(id);
    expect(appFacts.nearest('default', unit(777), 1)[0]!.id).not.toBe(id);
    app.close();
    cli.close();
  });
});
