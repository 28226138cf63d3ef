import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, loadTokenizer, splitIntoWindows } from '../../../src/utility/tokenize';

const tokenizerDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/models/all-MiniLM-L6-v2',
);
const special = { clsId: 101, sepId: 102 };

describe('tokenizer', () => {
  const tok = loadTokenizer(tokenizerDir);

  it('frames a short text exactly as BertTokenizer does', () => {
    expect(tok.windows('The weather is lovely today.')).toEqual([
      [101, 1996, 4633, 2003, 8403, 2651, 1012, 102],
    ]);
    expect(tok.padId).toBe(0);
  });

  it('gives an empty text one window of [CLS] [SEP]', () => {
    expect(tok.windows('')).toEqual([[101, 102]]);
  });

  it('splits a 2,000-word text into overlapping windows that cover every token', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`);
    const content = tok.encodeContent(words.join(' '));
    const windows = tok.windows(words.join(' '));
    expect(windows.length).toBeGreaterThan(5);
    const covered = new Set<number>();
    for (const w of windows) {
      expect(w.length).toBeLessThanOrEqual(DEFAULT_WINDOW.maxTokens);
      expect(w[0]).toBe(101);
      expect(w.at(-1)).toBe(102);
    }
    // Windows are contiguous slices of the content, so locate each by its start and mark its span.
    let from = 0;
    for (const w of windows) {
      const body = w.slice(1, -1);
      let start = -1;
      for (let s = from; s <= content.length - body.length; s++) {
        if (body.every((id, k) => content[s + k] === id)) {
          start = s;
          break;
        }
      }
      expect(start).toBeGreaterThanOrEqual(0);
      for (let k = 0; k < body.length; k++) covered.add(start + k);
      from = start + 1;
    }
    expect(covered.size).toBe(content.length);
  });
});

describe('splitIntoWindows', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => 1000 + i);

  it('keeps texts that fit in one window whole', () => {
    expect(splitIntoWindows(ids(254), special)).toHaveLength(1);
    expect(splitIntoWindows(ids(254), special)[0]).toHaveLength(256);
  });

  it('overlaps neighbours by the configured amount and ends on the last token', () => {
    const content = ids(600);
    const windows = splitIntoWindows(content, special, { maxTokens: 256, overlap: 64 });
    const starts = windows.map((w) => content.indexOf(w[1]!));
    expect(starts).toEqual([0, 190, 346]);
    expect(windows.every((w) => w.length === 256)).toBe(true);
    expect(windows.at(-1)!.at(-2)).toBe(content.at(-1));
    // One token past a window's capacity gives two windows, not a dropped token.
    expect(splitIntoWindows(ids(255), special)).toHaveLength(2);
  });

  it('rejects an overlap that leaves no stride', () => {
    expect(() => splitIntoWindows(ids(10), special, { maxTokens: 10, overlap: 8 })).toThrow(/overlap/);
  });
});
