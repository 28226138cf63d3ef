import { afterEach, describe, expect, it } from 'vitest';
import { EmbedderClient } from '../../../src/main/embedder/embedder-client';
import type { QueryType } from '../../../src/main/memory/memory-context';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { faultyHosts, LEXICAL_DIR } from '../embedder/helpers';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function client(opts: Partial<ConstructorParameters<typeof EmbedderClient>[0]> = {}) {
  const hosts = faultyHosts();
  const c = new EmbedderClient({
    hostFactory: hosts.factory,
    resolveModelDir: () => LEXICAL_DIR,
    threads: 1,
    ...opts,
  });
  closers.push(() => c.close());
  return c;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('EmbedderClient observation hooks', () => {
  it('reports every worker batch to listeners added before the worker starts, until removed', async () => {
    const c = client({ maxBatch: 4 });
    const seen: Array<[number, number]> = [];
    const off = c.onBatchTimed((seconds, texts) => seen.push([seconds, texts]));
    await c.embed(Array.from({ length: 10 }, (_, i) => `note number ${i}`));
    expect(seen.map(([, texts]) => texts).reduce((a, b) => a + b, 0)).toBe(10);
    expect(seen).toHaveLength(c.stats().workerBatches);
    for (const [seconds] of seen) expect(seconds).toBeGreaterThan(0);

    off();
    await c.embed(['something new']);
    expect(seen).toHaveLength(c.stats().workerBatches - 1);
  });

  it('keeps embedding when a listener throws', async () => {
    const c = client();
    c.onBatchTimed(() => {
      throw new Error('broken observer');
    });
    const calls: number[] = [];
    c.onBatchTimed((_, texts) => calls.push(texts));
    const [v] = await c.embed(['the cat sat on the mat']);
    expect(v).toHaveLength(384);
    expect(calls).toEqual([1]);
  });

  it('says how many texts wait behind the requests in flight', async () => {
    const hosts = faultyHosts({ onEmbed: () => 'drop' });
    const c = new EmbedderClient({
      hostFactory: hosts.factory,
      resolveModelDir: () => LEXICAL_DIR,
      threads: 1,
      maxBatch: 8,
    });
    closers.push(() => c.close());
    expect(c.queueDepth()).toBe(0);
    await c.ready();
    // Bulk work keeps two requests (8 texts each) at the worker; neither gets an answer, and the
    // other 24 texts wait behind them.
    const pending = c.embed(Array.from({ length: 40 }, (_, i) => `waiting text ${i}`));
    pending.catch(() => undefined);
    await until(() => hosts.embeds() === 2);
    expect(c.queueDepth()).toBe(24);
    await c.close();
    expect(c.queueDepth()).toBe(0);
    await expect(pending).rejects.toMatchObject({ code: 'MODEL_FAILED' });
  });
});

describe('Memory.onQueryTimed', () => {
  it('times recall, encode and list steps; a throwing listener breaks nothing; off() stops it', async () => {
    const h = openLexicalMemory();
    closers.push(() => h.close());
    const seen: QueryType[] = [];
    h.memory.onQueryTimed(() => {
      throw new Error('broken observer');
    });
    const off = h.memory.onQueryTimed((type, seconds) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push(type);
    });

    // The near-duplicate scan of the new fact, then the write transaction.
    await h.memory.encode({ content: 'the cat sat on the mat' });
    expect(seen).toEqual(['encode_knn', 'encode_write']);
    await h.memory.encodeMany([{ content: 'a dog sat on the rug' }, { content: 'buy oat milk' }]);
    expect(seen.slice(2)).toEqual(['encode_knn', 'encode_knn', 'encode_write']);
    // An exact duplicate needs no vector and no scan.
    await h.memory.encode({ content: 'the cat sat on the mat' });
    expect(seen.slice(5)).toEqual(['encode_write']);
    seen.length = 0;

    const results = await h.memory.recall('cat', 'mat');
    expect(results[0]?.content).toBe('the cat sat on the mat');
    // Query and context words are two searches.
    expect(seen.sort()).toEqual(['fts', 'fts', 'knn']);
    seen.length = 0;

    expect(h.memory.list({}).total).toBe(3);
    expect(seen).toEqual(['list']);

    off();
    await h.memory.recall('dog');
    expect(seen).toEqual(['list']);
  });
});
