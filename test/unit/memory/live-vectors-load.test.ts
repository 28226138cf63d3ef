import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb, type Db } from '../../../src/main/memory/open-db';
import { FactsRepo } from '../../../src/main/memory/facts-repo';
import { normalize } from '../../../src/main/memory/vector';
import type { VectorIndex } from '../../../src/main/memory/vector-index';
import { VecChunkReader } from '../../../src/main/memory/vec-chunk-reader';
import { makeTempDir } from '../../helpers/temp-dir';

const DIM = 384;

/** Seeded pseudo-random unit vectors sharing a common direction, as embeddings do. */
function unit(seed: number): Float32Array {
  let x = seed * 2654435761;
  const next = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  };
  return normalize(Float32Array.from({ length: DIM }, (_, i) => next() + (i % 7 === 0 ? 0.8 : 0)));
}

function addFact(facts: FactsRepo, n: number, opts: { space?: string; category?: string } = {}): number {
  const now = 1_700_000_000_000 + n;
  const id = facts.insert({
    space: opts.space ?? 'default',
    content: `fact ${n}`,
    content_hash: `fact ${n}`,
    category: opts.category ?? `topic-${n % 3}`,
    confidence: (n % 10) / 10,
    label_id: null,
    source: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    superseded_by: null,
  });
  facts.setEmbedding(id, unit(n), 'test-model');
  return id;
}

/** Each component within half an int16 step of the float (the index holds int16 copies). */
function closeTo(held: Float32Array, blob: Buffer): boolean {
  const want = new Float32Array(Uint8Array.from(blob).buffer);
  const halfStep = (Math.max(...want.map(Math.abs)) / 32767 / 2) * 1.001 + 1e-7;
  return want.length === held.length && want.every((x, j) => Math.abs(x - held[j]!) <= halfStep);
}

/** The index holds exactly vec_facts's live vectors (as int16 copies). */
function expectEqualToSqlite(db: Db, index: VectorIndex): void {
  let live = 0;
  const wrong: number[] = [];
  const rows = db.prepare('SELECT fact_id, embedding, live FROM vec_facts').raw().iterate() as Iterable<
    [number, Buffer, number]
  >;
  for (const [id, embedding, isLive] of rows) {
    const held = index.vectorOf(Number(id));
    if (isLive === 1) live++;
    const same = isLive === 1 ? held !== undefined && closeTo(held, embedding) : held === undefined;
    if (!same) wrong.push(Number(id));
  }
  expect(wrong).toEqual([]);
  expect(index.size).toBe(live);
}

function expectSameAnswers(facts: FactsRepo): void {
  for (const seed of [3, 500, 2222]) {
    const q = unit(seed + 0.5);
    for (const filters of [{}, { category: 'topic-1' }, { minConfidence: 0.5 }]) {
      expect(facts.nearest('default', q, 10, filters).map((h) => h.id)).toEqual(
        facts.nearestInSqlite('default', q, 10, filters).map((h) => h.id),
      );
    }
  }
}

/** 2,600 facts over three sqlite-vec chunks, some deleted, purged, re-embedded or moved. */
function seed(db: Db): { facts: FactsRepo; ids: number[] } {
  const facts = new FactsRepo(db);
  const ids: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < 2600; i++) ids.push(addFact(facts, i, i % 50 === 0 ? { space: 'work' } : {}));
    for (let i = 0; i < 2600; i += 97) facts.update(ids[i]!, { deleted_at: 1 });
    for (let i = 5; i < 2600; i += 131) facts.purge(ids[i]!);
    for (let i = 7; i < 2600; i += 211) facts.setEmbedding(ids[i]!, unit(10_000 + i), 'test-model');
    for (let i = 9; i < 2600; i += 173) facts.update(ids[i]!, { category: 'moved', confidence: 0.95 });
  })();
  return { facts, ids };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LiveVectors loading (from sqlite-vec chunk tables, in the background)', () => {
  const tmp = makeTempDir();
  afterAll(tmp.cleanup);

  it('loads exactly the live vectors vec_facts holds, across chunks, with their filter columns', () => {
    const { db } = openDb(join(tmp.dir, 'a.db'));
    const { facts } = seed(db);
    expect(db.prepare('SELECT count(*) FROM vec_facts_chunks').pluck().get()).toBeGreaterThanOrEqual(3);
    const index = facts.vectors.current()!;
    expectEqualToSqlite(db, index);
    expectSameAnswers(facts);
    expect(facts.nearest('work', unit(50), 1)[0]!.id).toBe(facts.nearestInSqlite('work', unit(50), 1)[0]!.id);
    expect(facts.nearest('default', unit(9.5), 5, { category: 'moved' }).map((h) => h.id)).toEqual(
      facts.nearestInSqlite('default', unit(9.5), 5, { category: 'moved' }).map((h) => h.id),
    );
    db.close();
  });

  it('answers from SQLite while loading, and ends equal to SQLite after writes made during the load', async () => {
    const path = join(tmp.dir, 'b.db');
    const { db } = openDb(path);
    const { facts, ids } = seed(db);
    const other = new FactsRepo(openDb(path).db);
    const done = facts.vectors.startLoading(0);
    expect(facts.vectors.current()).toBeNull();
    expect(facts.vectors.loaded).toBe(false);
    // The exact scan answers meanwhile.
    expect(facts.nearest('default', unit(3), 5)).toEqual(facts.nearestInSqlite('default', unit(3), 5));
    // Writes between slices, on this connection and another, to facts in chunks already read
    // and not yet read (the first chunks are the 'work' space's and then the default's, from the
    // lowest ids on): new vectors (appended, maybe to a chunk already read), deletions, purges,
    // re-embeddings and filter changes.
    const added: number[] = [];
    for (let round = 0; round < 4; round++) {
      await tick();
      const at = (k: number): number => ids[1 + round * 10 + k]!;
      added.push(addFact(facts, 5000 + 2 * round), addFact(other, 5001 + 2 * round));
      facts.update(at(0), { deleted_at: 2 });
      other.purge(at(1));
      facts.setEmbedding(at(2), unit(7777 + round), 'test-model');
      other.update(at(3), { category: 'moved' });
      other.update(ids[2590 - round]!, { deleted_at: 2 });
    }
    expect(facts.vectors.loaded).toBe(false);
    await done;
    expect(facts.vectors.loaded).toBe(true);
    const index = facts.vectors.current()!;
    expectEqualToSqlite(db, index);
    for (const id of added) expect(index.has(id)).toBe(true);
    expect(index.has(ids[2]!)).toBe(false);
    expectSameAnswers(facts);
    other.update(ids[6]!, { deleted_at: 3 });
    expectEqualToSqlite(db, facts.vectors.current()!);
    db.close();
  });

  it('reads no chunks where sqlite-vec keeps none in the layout it knows (the vec0 table is read instead)', () => {
    const { db } = openDb(join(tmp.dir, 'd.db'));
    const facts = new FactsRepo(db);
    for (let i = 0; i < 20; i++) addFact(facts, i);
    expect(VecChunkReader.open(db)).not.toBeNull();
    db.exec('ALTER TABLE vec_facts_vector_chunks00 RENAME TO moved_vector_chunks');
    expect(VecChunkReader.open(db)).toBeNull();
    db.close();
  });

  it('stops loading when released', async () => {
    const { db } = openDb(join(tmp.dir, 'c.db'));
    const { facts } = seed(db);
    const done = facts.vectors.startLoading(0);
    facts.vectors.release();
    await done;
    expect(facts.vectors.loaded).toBe(false);
    db.close();
  });
});
