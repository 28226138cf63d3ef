import { describe, expect, it } from 'vitest';
import { formatResults } from '../../../src/cli/recall-command';
import type { SearchResult } from '../../../src/shared/contract';

const result = (over: Partial<SearchResult>): SearchResult => ({
  fact_id: 7,
  content: 'Anna lives in Lisbon',
  category: 'people',
  confidence: 1,
  label_name: null,
  similarity: 0.8123,
  score: 0.03,
  source: null,
  created_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('formatResults', () => {
  it('prints one line a result, and a long fact by its best passage', () => {
    expect(formatResults([result({})])).toBe(' 1. 0.812  Anna lives in Lisbon  [people · no label · #7]\n');
    const long = result({
      content: 'Garden notes go on for a while.\n\nPassport renewal is on the ninth.\n\nMore garden notes.',
      snippet: 'Passport renewal is on the ninth.',
      similarity: null,
    });
    expect(formatResults([long])).toBe(
      ' 1. 0.030  …Passport renewal is on the ninth.…  [people · no label · #7]\n',
    );
    expect(formatResults([])).toBe('No matching facts.\n');
  });

  it('lists under --explain the words found and the unknown ones read as a word of the fact', () => {
    const explained = result({
      explain: {
        matched_words: ['tyre'],
        expanded_words: [{ word: 'pres', as: 'pressure' }],
        vector: null,
        words: { rank: 1, contribution: 0.0164, proximity: 0 },
        context: null,
        boosts: { recency: 0, confidence: 0.00005 },
        base_score: 0.0164,
        score: 0.01645,
      },
    });
    expect(formatResults([explained])).toContain('words: tyre, pres \u2192 pressure');
  });
});
