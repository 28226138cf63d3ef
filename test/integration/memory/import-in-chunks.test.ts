import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EncodeResult, ExportedFact } from '../../../src/shared/contract';
import { openLexicalMemory } from '../../helpers/lexical-memory';

type Env = ReturnType<typeof openLexicalMemory>;

/** What another connection sees committed: the facts' contents in id order. */
function committed(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT content FROM facts ORDER BY id').all() as Array<{ content: string }>).map(
      (r) => r.content,
    );
  } finally {
    db.close();
  }
}

const MEETING =
  'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon in room seven';
const REUNION =
  'the annual family reunion at the lake house moved from the first weekend of july to the second weekend of august';

const distinct = (n: number, tag: string): ExportedFact[] =>
  Array.from({ length: n }, (_, i) => ({
    content: `${tag} ${i}: ${['apples', 'trains', 'violins', 'glaciers'][i % 4]} ${i * 7}`,
  }));

describe('Memory.importInChunks', () => {
  let env: Env;
  beforeEach(() => {
    env = openLexicalMemory();
  });
  afterEach(async () => env.close());

  it('commits one chunk per transaction, in order, each whole before the next is written', async () => {
    const records = distinct(7, 'fact');
    const seen: string[][] = [];
    const dones: number[] = [];
    const results = await env.memory.importInChunks(records, {
      chunkSize: 3,
      onChunk: (rs, done) => {
        dones.push(done);
        expect(rs).toHaveLength(Math.min(3, 7 - (done - rs.length)));
        seen.push(committed(env.dbPath));
      },
    });
    expect(dones).toEqual([3, 6, 7]);
    // Every chunk committed in full when reported, and nothing of the next one yet.
    expect(seen).toEqual([3, 6, 7].map((n) => records.slice(0, n).map((r) => r.content)));
    expect(results.map((r) => r.status)).toEqual(Array(7).fill('created'));
    expect(results.map((r) => env.memory.get(r.id).content)).toEqual(records.map((r) => r.content));
    // Written with their vectors: nothing waits for embedding, one vector row per fact.
    expect((await env.memory.stats()).pending_embeddings).toBe(0);
    const db = new Database(env.dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM vec_facts_rowids').get()).toEqual({ n: 7 });
    } finally {
      db.close();
    }
  });

  it('merges and deduplicates within a chunk and against the chunk written just before it', async () => {
    // Chunk size 2: chunk 2 is embedded before chunk 1 is written, and must still see it.
    const records: ExportedFact[] = [
      { content: MEETING },
      { content: REUNION },
      { content: `${MEETING} sharp` },
      { content: REUNION.toUpperCase() },
      { content: 'call the plumber about the leaking kitchen tap' },
      { content: 'call the plumber about the leaking kitchen tap' },
    ];
    const results = await env.memory.importInChunks(records, { chunkSize: 2 });
    expect(results.map((r) => r.status)).toEqual([
      'created',
      'created',
      'merged',
      'duplicate',
      'created',
      'duplicate',
    ]);
    expect(results[2]!.id).toBe(results[0]!.id);
    expect(results[3]!.id).toBe(results[1]!.id);
    expect(results[5]!.id).toBe(results[4]!.id);
    expect(env.memory.get(results[0]!.id).content).toBe(`${MEETING} sharp`);
    expect(env.memory.list().total).toBe(3);
  });

  it('gives the same results as importing chunk by chunk with importRecords', async () => {
    const records: ExportedFact[] = [
      ...distinct(5, 'note'),
      { content: MEETING, category: 'work' },
      { content: `${MEETING} sharp`, category: 'work' },
      { content: `${MEETING} again`, category: 'home' },
      { content: 'note 1: trains 7' },
    ];
    const piped = await env.memory.importInChunks(records, { chunkSize: 4 });
    const other = openLexicalMemory();
    try {
      const serial: EncodeResult[] = [];
      for (let i = 0; i < records.length; i += 4)
        serial.push(...(await other.memory.importRecords(records.slice(i, i + 4))));
      expect(piped).toEqual(serial);
    } finally {
      await other.close();
    }
  });

  it('stops between chunks when aborted, keeping whole chunks only', async () => {
    const records = distinct(9, 'item');
    const abort = new AbortController();
    const results = await env.memory.importInChunks(records, {
      chunkSize: 3,
      signal: abort.signal,
      onChunk: () => abort.abort(),
    });
    expect(results).toHaveLength(3);
    expect(committed(env.dbPath)).toEqual(records.slice(0, 3).map((r) => r.content));
  });

  it('a bad record keeps the chunks before its own and writes nothing of its chunk', async () => {
    const records = [...distinct(4, 'row'), { content: '' } as ExportedFact, ...distinct(2, 'late')];
    const done: number[] = [];
    await expect(
      env.memory.importInChunks(records, { chunkSize: 2, onChunk: (_, n) => done.push(n) }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('records[4]') });
    expect(done).toEqual([2, 4]);
    expect(committed(env.dbPath)).toEqual(records.slice(0, 4).map((r) => r.content));
  });

  it('imports nothing for no records', async () => {
    expect(await env.memory.importInChunks([], { chunkSize: 10 })).toEqual([]);
  });
});
