import { describe, expect, it } from 'vitest';
import { PASSAGE_MAX_WORDS, passagesOf } from '../../../src/main/memory/passages';
import { shownText } from '../../../src/shared/snippet';

const words = (n: number, word = 'word') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
const count = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('passagesOf', () => {
  it('keeps content of up to PASSAGE_MAX_WORDS words whole, exactly as given', () => {
    const text = `  ${words(PASSAGE_MAX_WORDS)}\n`;
    expect(passagesOf(text)).toEqual([text]);
    expect(passagesOf('Anna lives in Lisbon.')).toEqual(['Anna lives in Lisbon.']);
  });

  it('splits longer content into its paragraphs, a short one (a heading) joining the next', () => {
    const paragraphs = ['# Garden', words(50, 'a'), words(50, 'b'), 'Short remark.', words(30, 'd')];
    const passages = passagesOf(paragraphs.join('\n\n'));
    expect(passages).toEqual([
      `# Garden\n\n${paragraphs[1]}`,
      paragraphs[2],
      `Short remark.\n\n${paragraphs[4]}`,
    ]);
  });

  it('splits a long paragraph by sentences and a long sentence by words, losing no word', () => {
    const sentences = Array.from({ length: 9 }, (_, i) => `${words(40, `s${i}x`)}.`);
    const giant = words(300, 'g');
    const text = `${sentences.join(' ')}\n\n${giant}`;
    const passages = passagesOf(text);
    expect(passages.every((p) => count(p) <= PASSAGE_MAX_WORDS)).toBe(true);
    expect(passages.join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
    // Sentences stay whole: every passage of the first paragraph ends a sentence.
    expect(passages.slice(0, 3).every((p) => p.endsWith('.'))).toBe(true);
  });
});

describe('shownText', () => {
  it('marks where the content goes on around the snippet', () => {
    const content = 'first part.\n\nmiddle part.\n\nlast part.';
    expect(shownText({ content })).toBe(content);
    expect(shownText({ content, snippet: 'middle part.' })).toBe('…middle part.…');
    expect(shownText({ content, snippet: 'first part.' })).toBe('first part.…');
    expect(shownText({ content, snippet: 'last part.' })).toBe('…last part.');
  });
});
