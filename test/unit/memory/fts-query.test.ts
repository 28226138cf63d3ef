import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ftsTerms, toFtsMatch } from '../../../src/main/memory/fts-query';

describe('toFtsMatch', () => {
  it('quotes each word and ORs them, dropping stop words', () => {
    expect(toFtsMatch(ftsTerms('Where does Priya live?'))).toBe('"does" OR "priya" OR "live"');
    expect(ftsTerms('the THE The cat')).toEqual(['cat']);
  });

  it('keeps stop words when the query is nothing else', () => {
    expect(toFtsMatch(ftsTerms('who is it'))).toBe('"who" OR "is" OR "it"');
  });

  it('returns null when there is nothing to search', () => {
    expect(toFtsMatch(ftsTerms('*** --- 😀'))).toBeNull();
    expect(toFtsMatch(ftsTerms(''))).toBeNull();
  });

  it('never produces an expression FTS5 rejects', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(content, tokenize = 'porter unicode61 remove_diacritics 2')");
    db.prepare('INSERT INTO t(content) VALUES (?)').run('priya lives in toronto');
    const inputs = [
      '"',
      'AND OR NOT',
      'NEAR(a b, 3)',
      'content:priya',
      '{content}: x',
      'priya*',
      '^start',
      "'; DROP TABLE t; --",
      '(((',
      'a + b - c',
      'x'.repeat(1000),
      'Ünïcödé façade',
      '\u0000\u0001',
    ];
    for (const q of inputs) {
      const match = toFtsMatch(ftsTerms(q));
      if (match) expect(() => db.prepare('SELECT * FROM t WHERE t MATCH ?').all(match)).not.toThrow();
    }
    expect(
      db.prepare('SELECT * FROM t WHERE t MATCH ?').all(toFtsMatch(ftsTerms('"Priya" AND*'))),
    ).toHaveLength(1);
    db.close();
  });

  it('caps very long queries', () => {
    const words = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    expect(ftsTerms(words)).toHaveLength(32);
  });
});
