import { describe, expect, it } from 'vitest';
import { contentHash, normalizeContent } from '../../../src/main/memory/normalize-content';

describe('normalizeContent', () => {
  it('folds case, width, whitespace and trailing punctuation', () => {
    expect(normalizeContent('  I like   TEA. ')).toBe('i like tea');
    expect(normalizeContent('Ｉ like tea!')).toBe('i like tea');
    expect(contentHash('I like tea')).toBe(contentHash('i like tea.'));
  });

  it('keeps differences that change meaning', () => {
    expect(contentHash('I like tea')).not.toBe(contentHash('I like tea?'));
    expect(contentHash('I like tea')).not.toBe(contentHash('I like teas'));
  });
});
