import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb } from '../../../src/main/memory/open-db';
import { FactsRepo } from '../../../src/main/memory/facts-repo';
import { ftsTerms } from '../../../src/main/memory/fts-query';
import { makeTempDir } from '../../helpers/temp-dir';

const SENTENCES = [
  'Priya lives in Toronto and loves green tea',
  'The café serves naïve résumé-writers every Monday',
  'My passport expires in March 2031',
  'Alex prefers window seats on long flights',
  'The dentist appointment moved to Thursday afternoon',
  'Green tea tastes better with a little honey',
  'Toronto winters are long, cold and grey',
  'Running shoes should be replaced every 800 kilometres',
];

function addFact(
  facts: FactsRepo,
  content: string,
  over: { space?: string; category?: string } = {},
): number {
  const now = Date.now();
  return facts.insert({
    space: over.space ?? 'personal',
    content,
    content_hash: content,
    category: over.category ?? 'general',
    confidence: 1,
    label_id: null,
    source: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    superseded_by: null,
  });
}

const QUERIES = ['green tea toronto', 'naive cafe resume', 'long flights winters', 'passport March', 'zzz'];

function expectSameAsFts5(facts: FactsRepo, filters = {}): void {
  for (const q of QUERIES) {
    const words = ftsTerms(q);
    const fromIndex = facts.searchText('personal', words, 20, filters);
    const fromFts5 = facts.searchTextInSqlite('personal', words, 20, filters);
    expect(fromIndex.map((h) => h.id)).toEqual(fromFts5.map((h) => h.id));
    fromIndex.forEach((h, i) => expect(h.rank).toBeCloseTo(fromFts5[i]!.rank, 9));
  }
}

describe('LiveText (the in-memory word index kept equal to facts_fts)', () => {
  const tmp = makeTempDir();
  afterAll(tmp.cleanup);

  it('ranks exactly as FTS5 after inserts, edits, deletes and purges', () => {
    const { db } = openDb(join(tmp.dir, 'a.db'));
    const facts = new FactsRepo(db);
    const ids = SENTENCES.map((s, i) => addFact(facts, s, { category: i % 2 ? 'travel' : 'general' }));
    addFact(facts, 'Green tea in another space', { space: 'work' });
    expectSameAsFts5(facts);
    expect(facts.text.current()!.size).toBe(SENTENCES.length + 1);
    facts.update(ids[0]!, { content: 'Priya moved to Montreal' });
    facts.update(ids[5]!, { deleted_at: Date.now() });
    facts.update(ids[6]!, { category: 'travel' });
    facts.purge(ids[2]!);
    expectSameAsFts5(facts);
    expectSameAsFts5(facts, { category: 'travel' });
    expect(facts.searchText('personal', ['montreal'], 5).map((h) => h.id)).toEqual([ids[0]]);
    expect(facts.searchText('personal', ['passport'], 5)).toEqual([]);
    db.close();
  });

  it('stems and folds as FTS5 does (porter, diacritics removed)', () => {
    const { db } = openDb(join(tmp.dir, 'b.db'));
    const facts = new FactsRepo(db);
    const id = addFact(facts, SENTENCES[1]!);
    expect(facts.text.queryTerms(['naive', 'cafés', 'serving'])).toEqual(['naiv', 'cafe', 'serv']);
    expect(facts.searchText('personal', ['serving'], 5).map((h) => h.id)).toEqual([id]);
    db.close();
  });

  it('never shows a fact from a rolled-back transaction', () => {
    const { db } = openDb(join(tmp.dir, 'c.db'));
    const facts = new FactsRepo(db);
    for (const s of SENTENCES) addFact(facts, s);
    expect(facts.searchText('personal', ['zebra'], 5)).toEqual([]);
    expect(() =>
      db.transaction(() => {
        addFact(facts, 'A zebra crossed the road');
        // Inside the transaction FTS5 answers, and sees the uncommitted row.
        expect(facts.text.current()).toBeNull();
        expect(facts.searchText('personal', ['zebra'], 5)).toHaveLength(1);
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(facts.searchText('personal', ['zebra'], 5)).toEqual([]);
    expect(facts.text.current()!.size).toBe(SENTENCES.length);
    db.close();
  });

  it('rebuilds when the change log was pruned past what it had read', () => {
    const path = join(tmp.dir, 'e.db');
    const appDb = openDb(path).db;
    const app = new FactsRepo(appDb);
    const cliDb = openDb(path).db;
    const cli = new FactsRepo(cliDb);
    addFact(app, SENTENCES[0]!);
    expect(app.searchText('personal', ['toronto'], 5)).toHaveLength(1);
    const ids = SENTENCES.slice(1).map((s) => addFact(cli, s));
    cli.pruneChanges(2);
    expect(cliDb.prepare('SELECT count(*) AS n FROM fact_changes').get()).toEqual({ n: 2 });
    expectSameAsFts5(app);
    expect(app.searchText('personal', ['passport'], 5).map((h) => h.id)).toEqual([ids[1]]);
    appDb.close();
    cliDb.close();
  });

  it('sees what another connection committed', () => {
    const path = join(tmp.dir, 'd.db');
    const app = new FactsRepo(openDb(path).db);
    const cliDb = openDb(path).db;
    const cli = new FactsRepo(cliDb);
    for (const s of SENTENCES) addFact(app, s);
    expect(app.searchText('personal', ['zebra'], 5)).toEqual([]);
    const id = addFact(cli, 'A zebra crossed the road');
    expect(app.searchText('personal', ['zebra'], 5).map((h) => h.id)).toEqual([id]);
    cliDb.close();
  });
});
