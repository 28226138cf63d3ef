import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/shared/contract';
import { parseMarkdownNotes } from '../../../src/shared/import-markdown-notes';

const VAULT = path.resolve(__dirname, '../../fixtures/imports/vault');

describe('parseMarkdownNotes', () => {
  it('makes a fact of each paragraph and list item under its heading; front matter, code, tables and comments are not facts', () => {
    expect(parseMarkdownNotes(readFileSync(path.join(VAULT, 'Home.md'), 'utf8'))).toEqual([
      { line: 6, heading: null, content: 'The boiler was serviced by Nordheat in March 2024.' },
      {
        line: 10,
        heading: 'Utilities',
        content:
          'The water meter is behind the panel under the kitchen sink. Its reading is due every quarter.',
      },
      { line: 13, heading: 'Utilities', content: 'Electricity contract with Greenvolt ends in October' },
      // Task box dropped; the indented line continues the item.
      {
        line: 14,
        heading: 'Utilities',
        content: 'Switched broadband to fibre (the router is in the hall cupboard)',
      },
      // A block quote is a paragraph; [[Page|shown]] reads as what it shows.
      { line: 23, heading: 'Keys', content: 'The spare key is with Mrs Lindqvist at number 12.' },
    ]);
  });

  it('reads setext headings, numbered and nested items, and closing #s', () => {
    expect(parseMarkdownNotes(readFileSync(path.join(VAULT, 'Projects/Garden/Tomatoes.md'), 'utf8'))).toEqual(
      [
        { line: 4, heading: 'Tomato plan', content: 'Sow the San Marzano seeds indoors in late February.' },
        { line: 6, heading: 'Tomato plan', content: 'Harden the seedlings off for a week in May' },
        { line: 7, heading: 'Tomato plan', content: 'Plant them out after the last frost' },
        { line: 8, heading: 'Tomato plan', content: 'nested: water at the base, never the leaves' },
      ],
    );
    const text = [
      '## Plans ##',
      'First line',
      '---',
      'Under the setext heading.',
      '',
      '***',
      '- ',
      '%%',
      'a comment over',
      'two lines %%',
      '[[Only a link]]',
      '> [!note] Callout title',
      '> callout body',
      '~~~',
      'code',
      '~~~',
    ].join('\r\n');
    expect(parseMarkdownNotes(`\uFEFF${text}`)).toEqual([
      { line: 4, heading: 'First line', content: 'Under the setext heading.' },
      { line: 11, heading: 'First line', content: 'Only a link' },
      { line: 12, heading: 'First line', content: 'Callout title callout body' },
    ]);
  });

  it('front matter only at the very top; an unclosed one is text', () => {
    expect(parseMarkdownNotes('---\ntitle: x\n---\nBody.')).toEqual([
      { line: 4, heading: null, content: 'Body.' },
    ]);
    expect(parseMarkdownNotes('Intro.\n\n---\nAfter a break.').map((b) => b.content)).toEqual([
      'Intro.',
      'After a break.',
    ]);
  });

  it('cuts a paragraph longer than a fact may be into several', () => {
    const long = 'Word '.repeat(LIMITS.contentMaxChars / 4).trim();
    const blocks = parseMarkdownNotes(`# H\n\n${long}\n`);
    expect(blocks.length).toBe(2);
    for (const b of blocks) {
      expect(b.content.length).toBeLessThanOrEqual(LIMITS.contentMaxChars);
      expect(b).toMatchObject({ line: 3, heading: 'H' });
    }
    expect(blocks.map((b) => b.content).join(' ')).toBe(long);
  });
});
