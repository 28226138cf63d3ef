import { describe, expect, it } from 'vitest';
import { editDistance, EXPANSION, expansionsOf, firstLetter } from '../../../src/main/memory/word-expansion';

const vocab = (...pairs: Array<[string, number]>) => pairs.map(([term, df]) => ({ term, df }));
const L = vocab(
  ['lisbon', 5],
  ['list', 9],
  ['listen', 2],
  ['lisp', 1],
  ['meet', 4],
  ['meal', 3],
  ['receiv', 6],
  ['recip', 2],
  ['lost', 0],
);

describe('expansionsOf', () => {
  it('completes a word being typed with the terms that continue it, most common first', () => {
    expect(expansionsOf('lisb', 'lisb', L)).toEqual(['lisbon']);
    expect(expansionsOf('lis', 'li', L)).toEqual(
      ['list', 'lisbon', 'listen'].slice(0, EXPANSION.maxPrefixTerms),
    );
    // A stem the typed word runs past: "meetin" is on its way to "meeting", stored as "meet".
    expect(expansionsOf('meetin', 'meetin', L)).toEqual(['meet']);
  });

  it('corrects a typo to the closest term, one edit for short words, two for long ones', () => {
    expect(expansionsOf('lisbin', 'lisbin', L)).toEqual(['lisbon']);
    expect(expansionsOf('recieve', 'reciev', L)).toEqual(['receiv']); // a swap of neighbours
    expect(expansionsOf('mxxl', 'mxxl', L)).toEqual([]); // two edits in a short word: nothing
    const long = vocab(['hypertens', 3]);
    expect(expansionsOf('hyprtnsion', 'hyprtnsion', vocab(['hypertension', 3]))).toEqual(['hypertension']);
    expect(expansionsOf('hypotens', 'hypotens', long)).toEqual(['hypertens']);
  });

  it('leaves short words and terms no fact holds alone', () => {
    expect(expansionsOf('li', 'li', L)).toEqual([]);
    expect(expansionsOf('los', 'los', vocab(['lost', 0]))).toEqual([]);
  });

  it('prefers completions over corrections', () => {
    // "lispx" runs past the stem "lisp" by one letter, and is one edit from "lispy".
    expect(expansionsOf('lispx', 'lispx', vocab(['lisp', 1], ['lispx', 0], ['lispy', 4]))).toEqual(['lisp']);
  });
});

describe('editDistance', () => {
  it('counts inserts, deletes, replacements and swaps, and stops past the limit', () => {
    expect(editDistance('lisbon', 'lisbon', 2)).toBe(0);
    expect(editDistance('lisbon', 'lisbin', 2)).toBe(1);
    expect(editDistance('receive', 'recieve', 2)).toBe(1);
    expect(editDistance('abc', 'abcde', 2)).toBe(2);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
    expect(editDistance('café', 'cafe', 1)).toBe(1);
  });

  it('takes the first letter by code point', () => {
    expect(firstLetter('ёлка')).toBe('ё');
    expect(firstLetter('😀x')).toBe('😀');
  });
});
