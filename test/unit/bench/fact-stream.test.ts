import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  deriveFacts,
  factStream,
  pickFact,
  readJsonl,
  SOURCE_SENTENCES,
  type FactLine,
} from '../../../bench/lib/bench-data';

const line = (content: string, source: string): FactLine => ({ content, source });
// Two sources of three and two sentences, then one of one.
const LINES = [
  line('a1', 's:1'),
  line('a2', 's:1'),
  line('a3', 's:1'),
  line('b1', 's:2'),
  line('b2', 's:2'),
  line('c1', 's:3'),
];

describe('factStream', () => {
  it('yields the lines, then same-source pairs, then triples, in file order, and stops', () => {
    expect([...factStream(LINES)].map((f) => f.content)).toEqual([
      'a1',
      'a2',
      'a3',
      'b1',
      'b2',
      'c1',
      'a1 a2',
      'a2 a3',
      'b1 b2',
      'a1 a2 a3',
    ]);
  });

  it('keeps the source of every derived fact', () => {
    const derived = [...factStream(LINES)].slice(LINES.length);
    expect(derived.map((f) => f.source)).toEqual(['s:1', 's:1', 's:2', 's:1']);
  });

  it('adds no duplicate when the lines have none', () => {
    const lines = Array.from({ length: 200 }, (_, i) => line(`sentence ${i}`, `s:${Math.floor(i / 7)}`));
    const all = [...factStream(lines)].map((f) => f.content);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('deriveFacts', () => {
  it('returns exactly the count asked, as the prefix of the stream', () => {
    expect(deriveFacts(LINES, 8).map((f) => f.content)).toEqual([
      'a1',
      'a2',
      'a3',
      'b1',
      'b2',
      'c1',
      'a1 a2',
      'a2 a3',
    ]);
    expect(deriveFacts(LINES, 0)).toEqual([]);
  });

  it('throws when the stream is shorter than asked', () => {
    expect(() => deriveFacts(LINES, 11)).toThrow(/only 10 facts, 11 asked/);
  });

  it('is deterministic', () => {
    expect(deriveFacts(LINES, 10)).toEqual(deriveFacts(LINES, 10));
  });

  const sentences = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../../../shared/data/facts/scifact-sentences.jsonl',
  );
  it.runIf(fs.existsSync(sentences))('gives 100k facts of the SciFact sentences by the issue 7 rule', () => {
    const lines = readJsonl(sentences, pickFact);
    expect(lines).toHaveLength(SOURCE_SENTENCES);
    const facts = deriveFacts(lines, 100_000);
    expect(facts).toHaveLength(100_000);
    expect(facts.slice(0, SOURCE_SENTENCES)).toEqual(lines);
    // The first pair: lines 0 and 1 share a source.
    expect(lines[0]!.source).toBe(lines[1]!.source);
    expect(facts[SOURCE_SENTENCES]!.content).toBe(`${lines[0]!.content} ${lines[1]!.content}`);
    // Duplicates only where the file repeats a sentence: a derived fact repeating another is made
    // of sentences the file itself has more than once.
    const lineCount = new Map<string, number>();
    for (const l of lines) lineCount.set(l.content, (lineCount.get(l.content) ?? 0) + 1);
    const seen = new Set<string>();
    for (const f of facts) {
      if (seen.has(f.content) && !lineCount.has(f.content)) {
        const repeated = [...lineCount].some(([c, n]) => n > 1 && f.content.includes(c));
        expect(repeated, f.content).toBe(true);
      }
      seen.add(f.content);
    }
  });
});
