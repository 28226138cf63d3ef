import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FactsRepo } from '../../../src/main/memory/facts-repo';
import { ftsTerms } from '../../../src/main/memory/fts-query';
import { openDb } from '../../../src/main/memory/open-db';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { mulberry32 } from '../../../scripts/model-gen/prng';

/** Deterministic pseudo-random numbers in [0, 1), from the test-model generator's mulberry32. */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

const WORDS =
  'priya toronto tea garden dentist monday passport flight window seat recycling wednesday bike repair piano lesson sister birthday march coffee running shoes museum ticket'.split(
    ' ',
  );
const CATEGORIES = ['general', 'travel', 'health'];

/**
 * Random writes through the real Memory (one connection) while a second connection, like the app
 * reading what the CLI writes, checks after every write that its in-memory indexes answer exactly
 * as SQLite does (sqlite-vec's scan and FTS5's bm25) for the same queries and filters.
 */
describe('in-memory search indexes stay equal to SQLite under random writes', () => {
  let env: ReturnType<typeof openLexicalMemory>;
  let reader: FactsRepo;
  let closeReader: () => void;
  const random = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const sentence = (): string =>
    Array.from({ length: 3 + Math.floor(random() * 5) }, () => pick(WORDS)).join(' ');

  beforeAll(() => {
    env = openLexicalMemory({ tuning: { mergeThreshold: 1.01 } });
    const { db } = openDb(env.dbPath);
    reader = new FactsRepo(db);
    closeReader = () => db.close();
  });
  afterAll(async () => {
    closeReader();
    await env.close();
  });

  async function check(step: string): Promise<void> {
    for (let q = 0; q < 3; q++) {
      const text = sentence();
      const words = ftsTerms(text);
      const filters = q === 2 ? { category: pick(CATEGORIES) } : {};
      const viaIndex = reader.searchText('personal', words, 20, filters).map((h) => h.id);
      const viaFts5 = reader.searchTextInSqlite('personal', words, 20, filters).map((h) => h.id);
      expect(viaIndex, `${step}: words "${text}"`).toEqual(viaFts5);
      const [vector] = await env.embedder!.embed([text]);
      const near = reader.nearest('personal', vector!, 10, filters);
      const exact = reader.nearestInSqlite('personal', vector!, 10, filters);
      expect(near.map((h) => h.id).sort(), `${step}: vector "${text}"`).toEqual(
        exact.map((h) => h.id).sort(),
      );
    }
  }

  it('after each of 60 encodes, edits, forgets, restores and purges', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 15; i++) ids.push((await env.memory.encode({ content: `${sentence()} ${i}` })).id);
    await check('seeded');
    for (let step = 0; step < 60; step++) {
      const op = pick(['encode', 'edit', 'recategorize', 'forget', 'restore', 'purge'] as const);
      const id = pick(ids);
      try {
        if (op === 'encode') {
          ids.push(
            (await env.memory.encode({ content: `${sentence()} n${step}`, category: pick(CATEGORIES) })).id,
          );
        } else if (op === 'edit') await env.memory.update(id, { content: `${sentence()} e${step}` });
        else if (op === 'recategorize')
          await env.memory.update(id, { category: pick(CATEGORIES), confidence: random() });
        else if (op === 'forget') env.memory.forget(id);
        else if (op === 'restore') env.memory.restore(id);
        else {
          env.memory.forget(id);
          env.memory.purge(id);
          ids.splice(ids.indexOf(id), 1);
        }
      } catch (e) {
        // Refused operations (restoring over a live twin, editing a purged fact) change nothing.
        expect((e as { code?: string }).code, `${step} ${op}`).toMatch(/BAD_INPUT|NOT_FOUND/);
      }
      await check(`step ${step} (${op} ${id})`);
    }
    expect(reader.text.current()!.size).toBeGreaterThan(0);
  });
});
