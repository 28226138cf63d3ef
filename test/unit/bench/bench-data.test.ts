import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  categoryOf,
  CATEGORY_COUNT,
  pickFact,
  pickQueryText,
  readJsonl,
  resolveDataFiles,
  textsOfTokenCount,
  UniqueTexts,
} from '../../../bench/lib/bench-data';
import { makeTempDir } from '../../helpers/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function tempDir(): string {
  const t = makeTempDir('hippo-bench-data-');
  cleanups.push(t.cleanup);
  return t.dir;
}

function writeSharedData(root: string): void {
  fs.mkdirSync(path.join(root, 'data', 'facts'), { recursive: true });
  fs.mkdirSync(path.join(root, 'data', 'scifact'), { recursive: true });
  fs.writeFileSync(path.join(root, 'data', 'facts', 'scifact-sentences.jsonl'), '{"content":"a"}\n');
  fs.writeFileSync(path.join(root, 'data', 'scifact', 'queries.jsonl'), '{"_id":"1","text":"q"}\n');
}

describe('resolveDataFiles', () => {
  it('uses <repo>/../shared/data by default', () => {
    const root = tempDir();
    writeSharedData(path.join(root, 'shared'));
    const files = resolveDataFiles(path.join(root, 'repo'), {});
    expect(files.dir).toBe(path.join(root, 'shared', 'data'));
    expect(files.facts).toBe(path.join(root, 'shared', 'data', 'facts', 'scifact-sentences.jsonl'));
  });

  it('HIPPO_SHARED_DIR overrides the shared folder', () => {
    const root = tempDir();
    writeSharedData(path.join(root, 'elsewhere'));
    const files = resolveDataFiles('/no/such/repo', { HIPPO_SHARED_DIR: path.join(root, 'elsewhere') });
    expect(files.queries).toBe(path.join(root, 'elsewhere', 'data', 'scifact', 'queries.jsonl'));
  });

  it('names the missing file and the variable to set', () => {
    const root = tempDir();
    expect(() => resolveDataFiles(path.join(root, 'repo'), {})).toThrow(
      /scifact-sentences\.jsonl.*HIPPO_SHARED_DIR/,
    );
  });
});

describe('readJsonl', () => {
  it('reads facts and query texts, skipping blank lines', () => {
    const dir = tempDir();
    const file = path.join(dir, 'f.jsonl');
    fs.writeFileSync(file, '{"content":"one","source":"scifact:4"}\n\n{"content":"two"}\n');
    expect(readJsonl(file, pickFact)).toEqual([{ content: 'one', source: 'scifact:4' }, { content: 'two' }]);
    fs.writeFileSync(file, '{"_id":"1","text":"a claim"}\n');
    expect(readJsonl(file, pickQueryText)).toEqual(['a claim']);
  });

  it('names the file and line of a bad record', () => {
    const dir = tempDir();
    const file = path.join(dir, 'f.jsonl');
    fs.writeFileSync(file, '{"content":"ok"}\n{not json\n');
    expect(() => readJsonl(file, pickFact)).toThrow(/f\.jsonl:2: not JSON/);
    fs.writeFileSync(file, '{"content":"ok"}\n{"content":""}\n');
    expect(() => readJsonl(file, pickFact)).toThrow(/f\.jsonl:2: unexpected record shape/);
  });
});

describe('categoryOf', () => {
  it('is stable per source document and spreads documents over CATEGORY_COUNT categories', () => {
    expect(categoryOf('scifact:4983')).toBe(categoryOf('scifact:4983'));
    expect(categoryOf('scifact:8')).toBe('topic-0');
    expect(categoryOf('scifact:9')).toBe('topic-1');
    const seen = new Set(Array.from({ length: 100 }, (_, i) => categoryOf(`scifact:${i}`)));
    expect(seen.size).toBe(CATEGORY_COUNT);
    expect(categoryOf(undefined)).toMatch(/^topic-\d$/);
    expect(categoryOf('notes')).toMatch(/^topic-\d$/);
  });
});

describe('UniqueTexts', () => {
  it('never hands out the same text twice, comparing texts as the embedder keys them', () => {
    const u = new UniqueTexts();
    u.reserve(['already  stored']);
    const pool = ['already stored', 'fresh one', ' fresh   one ', 'another', 'third'][Symbol.iterator]();
    expect(u.take(pool, 2, 'test')).toEqual(['fresh one', 'another']);
    expect(u.claim('Another')).toBe(true);
    expect(u.claim('another')).toBe(false);
    expect(u.claim('   ')).toBe(false);
  });

  it('takes objects by their text, and says what ran short', () => {
    const u = new UniqueTexts();
    const facts = [{ content: 'a' }, { content: 'a' }, { content: 'b' }];
    expect(u.take(facts[Symbol.iterator](), 2, 'encodes', (f) => f.content)).toEqual([
      { content: 'a' },
      { content: 'b' },
    ]);
    expect(() => u.take(['b', 'c'][Symbol.iterator](), 2, 'recalls')).toThrow(/recalls: wanted 2, found 1/);
  });
});

describe('textsOfTokenCount', () => {
  const words = (t: string): number => t.split(' ').length;

  it('cuts sentences at word boundaries to exactly the wanted count, skipping those that cannot fit', () => {
    const out = [...textsOfTokenCount(['a b c d e', 'x y', 'p q r'], words, 3)];
    expect(out).toEqual(['a b c', 'p q r']);
  });

  it('skips a sentence whose prefix jumps past the count', () => {
    // One word worth two tokens: 'big' makes the count jump from 1 to 3 when the target is 2.
    const count = (t: string): number => t.split(' ').reduce((n, w) => n + (w === 'big' ? 2 : 1), 0);
    expect([...textsOfTokenCount(['a big cat', 'a b'], count, 2)]).toEqual(['a b']);
  });
});
