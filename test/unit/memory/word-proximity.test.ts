import { describe, expect, it } from 'vitest';
import { FtsTokenizer } from '../../../src/main/memory/fts-tokenizer';
import { openDb } from '../../../src/main/memory/open-db';
import { PROXIMITY, rerankByProximity, wordStems } from '../../../src/main/memory/word-proximity';

const docs = new Map<number, string>([
  [1, 'High blood sugar and raised pressure in the eye.'],
  [2, 'Her blood pressure was high this morning.'],
  [3, 'Pressure of blood.'],
  [4, 'blood one two three pressure'],
  [5, 'blood one two pressure'],
  [6, 'Nothing relevant here.'],
]);
const contentOf = (id: number) => docs.get(id);
const hits = (...ids: number[]) => ids.map((id) => ({ id, score: 5 }));

describe('wordStems', () => {
  it("stems as FTS5's porter unicode61 remove_diacritics 2 tokenizer does", () => {
    const { db } = openDb(':memory:');
    try {
      const fts = new FtsTokenizer(db);
      const text =
        'Running runners ran quickly; Müller’s naïve café résumés, hypertension relational ' +
        'generalization final 3D-printed organisations GENERALLY agreed, oscillators oscillating';
      expect(wordStems(text)).toEqual(fts.tokens(text));
    } finally {
      db.close();
    }
  });
});

describe('rerankByProximity', () => {
  const idfs = [2, 2];

  it('ranks facts holding the query words side by side above facts holding them apart', () => {
    const ranked = rerankByProximity(hits(1, 2, 6), ['blood', 'pressure'], idfs, contentOf);
    expect(ranked.map((h) => h.id)).toEqual([2, 1, 6]);
    expect(ranked[0]!.proximity).toBeCloseTo(PROXIMITY.weight * 2, 10);
    expect(ranked[0]!.score).toBeCloseTo(5 + PROXIMITY.weight * 2, 10);
    expect(ranked[1]!.proximity).toBe(0);
  });

  it('counts either order and up to PROXIMITY.window words between, not more', () => {
    expect(PROXIMITY.window).toBe(2);
    const ranked = rerankByProximity(hits(3, 4, 5), ['blood', 'pressure'], idfs, contentOf);
    const bonus = new Map(ranked.map((h) => [h.id, h.proximity]));
    expect(bonus.get(3)).toBeGreaterThan(0); // "pressure of blood": reversed, one word between
    expect(bonus.get(5)).toBeGreaterThan(0); // two words between
    expect(bonus.get(4)).toBe(0); // three words between
  });

  it('weighs a pair by its words idf and saturates repeats as BM25 does', () => {
    const once = rerankByProximity(hits(2), ['blood', 'pressure'], [1, 3], contentOf)[0]!;
    expect(once.proximity).toBeCloseTo(PROXIMITY.weight * 2, 10);
    docs.set(7, 'blood pressure, blood pressure, blood pressure');
    const thrice = rerankByProximity(hits(7), ['blood', 'pressure'], [1, 3], contentOf)[0]!;
    const k1 = PROXIMITY.k1;
    // Three close occurrences of the pair (plus the "pressure, blood" crossings within reach).
    expect(thrice.proximity).toBeGreaterThan(once.proximity);
    expect(thrice.proximity).toBeLessThan(once.proximity * (k1 + 1));
  });

  it('leaves BM25 order alone for a one-word query, and ties go to the lower id', () => {
    expect(rerankByProximity(hits(6, 2, 1), ['blood'], [2], contentOf).map((h) => h.id)).toEqual([1, 2, 6]);
    const scored = [
      { id: 6, score: 9 },
      { id: 1, score: 3 },
    ];
    expect(rerankByProximity(scored, ['blood'], [2], contentOf).map((h) => h.id)).toEqual([6, 1]);
  });

  it('finds pairs in accented and upper-case text as the word search does', () => {
    docs.set(8, 'UN CAFÉ CRÈME le matin, avant le travail.');
    docs.set(9, 'Le café du coin vend aussi de la crème glacée.');
    const ranked = rerankByProximity(hits(9, 8), ['cafe', 'creme'], idfs, contentOf);
    expect(ranked.map((h) => h.id)).toEqual([8, 9]);
    expect(ranked[0]!.proximity).toBeGreaterThan(0);
    expect(ranked[1]!.proximity).toBe(0);
  });

  it('never lets a pair outweigh a far better BM25 match', () => {
    const ranked = rerankByProximity(
      [
        { id: 1, score: 12 },
        { id: 2, score: 4 },
      ],
      ['blood', 'pressure'],
      idfs,
      contentOf,
    );
    expect(ranked.map((h) => h.id)).toEqual([1, 2]);
  });
});
