import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb } from '../../../src/main/memory/open-db';
import { FactsRepo } from '../../../src/main/memory/facts-repo';
import { makeTempDir } from '../../helpers/temp-dir';

const WORDS = (
  'tea toronto green honey flight window seat passport march dentist thursday winter cold grey ' +
  'running shoes kilometre café naïve résumé priya alex monday long short blue river mountain'
).split(' ');

/** A seeded sentence of 4 to 12 of the words above. */
function sentence(n: number): string {
  let x = n * 2654435761 + 1;
  const next = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x;
  };
  return Array.from({ length: 4 + (next() % 9) }, () => WORDS[next() % WORDS.length]!).join(' ');
}

function addFact(facts: FactsRepo, n: number, space = 'personal'): number {
  return facts.insert({
    space,
    content: sentence(n),
    content_hash: `h${n}`,
    category: `topic-${n % 3}`,
    confidence: 1,
    label_id: null,
    source: null,
    created_at: 1_700_000_000_000 + n,
    updated_at: 1_700_000_000_000 + n,
    deleted_at: null,
    superseded_by: null,
  });
}

const QUERIES = [
  ['tea', 'toronto'],
  ['naïve', 'café', 'résumé'],
  ['winter'],
  ['blue', 'river', 'mountain', 'seat'],
];

function expectSameAsFts5(facts: FactsRepo): void {
  for (const words of QUERIES) {
    for (const filters of [{}, { category: 'topic-1' }]) {
      const fromIndex = facts.searchText('personal', words, 30, filters);
      const fromFts5 = facts.searchTextInSqlite('personal', words, 30, filters);
      expect(fromIndex.map((h) => h.id)).toEqual(fromFts5.map((h) => h.id));
      fromIndex.forEach((h, i) => expect(h.rank).toBeCloseTo(fromFts5[i]!.rank, 9));
    }
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LiveText loading in the background', () => {
  const tmp = makeTempDir();
  afterAll(tmp.cleanup);

  it('answers from FTS5 while loading, and ranks exactly as FTS5 after writes made during the load', async () => {
    const path = join(tmp.dir, 'a.db');
    const { db } = openDb(path);
    const facts = new FactsRepo(db);
    const ids: number[] = [];
    db.transaction(() => {
      for (let i = 0; i < 4500; i++) ids.push(addFact(facts, i, i % 40 === 0 ? 'work' : 'personal'));
    })();
    const other = new FactsRepo(openDb(path).db);
    const done = facts.text.startLoading(0);
    expect(facts.text.current()).toBeNull();
    expect(facts.searchText('personal', ['tea'], 5)).toEqual(
      facts.searchTextInSqlite('personal', ['tea'], 5),
    );
    // Writes between slices (while documents and then terms are read), on this connection and
    // another: new facts, edited words, deletions, purges, moved categories.
    for (let round = 0; round < 8; round++) {
      await tick();
      const at = (k: number): number => ids[1 + round * 7 + k]!;
      addFact(facts, 10_000 + round);
      addFact(other, 20_000 + round);
      facts.update(at(0), { content: `${sentence(30_000 + round)} tea` });
      other.update(at(1), { deleted_at: 5 });
      facts.purge(at(2));
      other.update(at(3), { category: 'topic-1' });
      other.update(ids[4400 - round]!, { content: 'green tea river' });
    }
    expect(facts.text.loaded).toBe(false);
    await done;
    expect(facts.text.loaded).toBe(true);
    expectSameAsFts5(facts);
    expect(facts.text.current()!.size).toBe(db.prepare('SELECT count(*) FROM facts').pluck().get());
    other.update(ids[100]!, { content: 'tea tea tea' });
    expectSameAsFts5(facts);
    db.close();
  });

  it('stops loading when released', async () => {
    const { db } = openDb(join(tmp.dir, 'b.db'));
    const facts = new FactsRepo(db);
    for (let i = 0; i < 50; i++) addFact(facts, i);
    const done = facts.text.startLoading(0);
    facts.text.release();
    await done;
    expect(facts.text.loaded).toBe(false);
    db.close();
  });
});
