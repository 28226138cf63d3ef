import { describe, expect, it } from 'vitest';
import { rankPossibleUpdates, wordUpdateSimilarity } from '../../../src/main/memory/possible-updates';

const tuning = { updateThreshold: 0.55, mergeThreshold: 0.95 };
const fact = (id: number, content: string, category = 'general', label: number | null = null) => ({
  id,
  content,
  category,
  label,
});

describe('wordUpdateSimilarity (the text-only rule)', () => {
  it('same beginning, different ending: the share of words in common', () => {
    expect(wordUpdateSimilarity('Anna lives in Porto', 'Anna lives in Lisbon')).toBe(0.6);
    expect(wordUpdateSimilarity('The team standup is at 10am', 'the team standup is at 9am')).toBeCloseTo(
      5 / 7,
    );
  });
  it('not an update: different subjects, too short a shared start, the same words, or only more words', () => {
    expect(wordUpdateSimilarity('Bob lives in Berlin', 'Anna lives in Lisbon')).toBeNull();
    expect(wordUpdateSimilarity('Anna works at a bakery', 'Anna lives in Lisbon')).toBeNull();
    expect(
      wordUpdateSimilarity('My dentist is Dr Okafor on Elm Street', 'My dentist appointment is on Monday'),
    ).toBeNull();
    expect(wordUpdateSimilarity('Anna lives in Lisbon', 'anna LIVES in lisbon!')).toBeNull();
    expect(wordUpdateSimilarity('Anna lives in Lisbon', 'Anna lives in Lisbon with Bob')).toBeNull();
  });
});

describe('rankPossibleUpdates', () => {
  it('keeps the band, needs a shared label or category, skips the fact itself, best first, at most 3', () => {
    const f = fact(1, 'Anna lives in Porto', 'people', 7);
    const out = rankPossibleUpdates(
      f,
      [
        { row: f, cosine: 1 },
        { row: fact(2, 'a', 'people'), cosine: 0.6 },
        { row: fact(3, 'b', 'other', 7), cosine: 0.7 },
        { row: fact(4, 'c', 'other'), cosine: 0.9 },
        { row: fact(5, 'd', 'people'), cosine: 0.95 },
        { row: fact(6, 'e', 'people'), cosine: 0.54 },
        { row: fact(8, 'g', 'people'), cosine: 0.56 },
        { row: fact(9, 'h', 'people'), cosine: 0.58 },
      ],
      tuning,
    );
    expect(out).toEqual([
      { id: 3, content: 'b', similarity: 0.7, reason: 'same_label' },
      { id: 2, content: 'a', similarity: 0.6, reason: 'same_category' },
      { id: 9, content: 'h', similarity: 0.58, reason: 'same_category' },
    ]);
  });
  it('text-only candidates (no cosine) go through the word rule', () => {
    const out = rankPossibleUpdates(
      fact(1, 'Anna lives in Porto'),
      [
        { row: fact(2, 'Anna lives in Lisbon'), cosine: null },
        { row: fact(3, 'Bob lives in Berlin'), cosine: null },
      ],
      tuning,
    );
    expect(out).toEqual([
      { id: 2, content: 'Anna lives in Lisbon', similarity: 0.6, reason: 'same_category' },
    ]);
  });
});
