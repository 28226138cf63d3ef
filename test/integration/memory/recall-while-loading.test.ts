import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Memory } from '../../../src/main/memory/memory';
import { openLexicalMemory } from '../../helpers/lexical-memory';

const WORDS = (
  'tea toronto green honey flight window seat passport march dentist thursday winter cold grey ' +
  'running shoes kilometre priya alex monday river mountain sister nurse pizza basil car oil'
).split(' ');

function sentence(n: number): string {
  let x = n * 2654435761 + 7;
  const next = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x;
  };
  return Array.from({ length: 5 + (next() % 8) }, () => WORDS[next() % WORDS.length]!).join(' ');
}

const QUERIES = ['green tea in toronto', 'dentist on thursday', 'my sister the nurse', 'oil for the car'];

const shape = (hits: Awaited<ReturnType<Memory['recall']>>) =>
  hits.map((h) => ({ id: h.fact_id, score: h.score.toFixed(9), similarity: h.similarity }));

/** Same facts, order and scores; similarities within the index's int16 rounding of sqlite-vec's. */
function expectSameRecalls(got: ReturnType<typeof shape>[], want: ReturnType<typeof shape>[]): void {
  const strip = (r: ReturnType<typeof shape>[]) =>
    r.map((hits) => hits.map(({ id, score }) => ({ id, score })));
  expect(strip(got)).toEqual(strip(want));
  got.forEach((hits, i) =>
    hits.forEach((h, j) => {
      const w = want[i]![j]!.similarity;
      if (w === null) expect(h.similarity).toBeNull();
      else expect(Math.abs(h.similarity! - w)).toBeLessThan(1e-4);
    }),
  );
}

describe('recall while the indexes load in the background', () => {
  let env: ReturnType<typeof openLexicalMemory>;
  beforeAll(async () => {
    env = openLexicalMemory({ loadIndexes: false, tuning: { mergeThreshold: 1.01 } });
    const items = Array.from({ length: 1500 }, (_, i) => ({ content: `${sentence(i)} ${i}` }));
    for (let i = 0; i < items.length; i += 500) await env.memory.encodeMany(items.slice(i, i + 500));
    await env.memory.close();
  }, 120_000);
  afterAll(async () => env.close());

  async function recallAll(memory: Memory) {
    const out = [];
    for (const q of QUERIES) out.push(shape(await memory.recall(q, undefined, { trackAccess: false })));
    return out;
  }

  it('answers on words at once (from FTS5) what it answers once the word index is built', async () => {
    // Without a model recall never waits on the worker, so these run before the first load slice.
    const memory = Memory.open({ dbPath: env.dbPath, embedder: null });
    try {
      let built = false;
      const loaded = memory.indexesLoaded().then(() => (built = true));
      const early = await recallAll(memory);
      expect(built).toBe(false);
      expect(early.flat().length).toBeGreaterThan(10);
      await loaded;
      expectSameRecalls(await recallAll(memory), early);
    } finally {
      await memory.close();
    }
  });

  it('answers hybrid recalls right after open as it does once the indexes are built', async () => {
    const memory = Memory.open({
      dbPath: env.dbPath,
      embedder: env.embedder,
      tuning: { mergeThreshold: 1.01 },
    });
    try {
      expect(memory.db.pragma('mmap_size', { simple: true })).toBeGreaterThan(0);
      const early = await recallAll(memory);
      await memory.indexesLoaded();
      // The indexes hold everything now: the file's memory map is let go (RSS), and searches,
      // writes and reads go on through SQLite's page cache.
      expect(memory.db.pragma('mmap_size', { simple: true })).toBe(0);
      expectSameRecalls(await recallAll(memory), early);
      // A fact written after the load shows up.
      const { id } = await memory.encode({ content: 'green tea in toronto with honey, written late' });
      const hits = await memory.recall('green tea in toronto with honey', undefined, { trackAccess: false });
      expect(hits[0]!.fact_id).toBe(id);
    } finally {
      await memory.close();
    }
  });
});
