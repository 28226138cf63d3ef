import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeEmbedder, createNodeEmbedderPool } from '../../../src/main/embedder/embedder-client';
import { EmbedderPool } from '../../../src/main/embedder/embedder-pool';
import type { EmbeddingCacheStore } from '../../../src/main/embedder/types';
import { makeTempDir } from '../../helpers/temp-dir';
import { LEXICAL_DIR } from './helpers';

const texts = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag} text number ${i} about tea`);

describe('EmbedderPool (several worker processes behind one embedder)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('runs one worker while calls come one at a time, and both under concurrent load', async () => {
    const a = createNodeEmbedder({ modelDir: LEXICAL_DIR, threads: 1 });
    const b = createNodeEmbedder({ modelDir: LEXICAL_DIR, threads: 1 });
    const pool = new EmbedderPool([a, b]);
    closers.push(() => pool.close());
    expect(await pool.ready()).toBe(true);
    expect(pool.modelId).toBe(a.modelId);
    for (const t of texts(5, 'sequential')) await pool.embed([t]);
    expect(b.stats().requests).toBe(0);
    const many = texts(40, 'concurrent');
    const out = await Promise.all(many.map((t) => pool.embed([t])));
    expect(a.stats().requests).toBeGreaterThan(0);
    expect(b.stats().requests).toBeGreaterThan(0);
    expect(pool.stats().requests).toBe(a.stats().requests + b.stats().requests);
    // Either worker gives the same vector for a text.
    const single = createNodeEmbedder({ modelDir: LEXICAL_DIR, threads: 1 });
    closers.push(() => single.close());
    const direct = await single.embed(many);
    out.forEach(([v], i) => expect(Array.from(v!)).toEqual(Array.from(direct[i]!)));
  });

  it('shares a large call out between the workers, keeping the order of the texts', async () => {
    const a = createNodeEmbedder({ modelDir: LEXICAL_DIR, threads: 1 });
    const b = createNodeEmbedder({ modelDir: LEXICAL_DIR, threads: 1 });
    const pool = new EmbedderPool([a, b]);
    closers.push(() => pool.close());
    const many = texts(64, 'bulk');
    const out = await pool.embed(many);
    expect(a.stats().texts).toBe(32);
    expect(b.stats().texts).toBe(32);
    const direct = await a.embed(many);
    out.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(direct[i]!)));
  });

  it('serves a call on the first worker when an extra one cannot start', async () => {
    const tmp = makeTempDir();
    closers.push(async () => tmp.cleanup());
    const good = createNodeEmbedder({ modelDir: LEXICAL_DIR, threads: 1 });
    const broken = createNodeEmbedder({ modelDir: join(tmp.dir, 'no-model-here'), threads: 1 });
    const pool = new EmbedderPool([good, broken]);
    closers.push(() => pool.close());
    const out = await Promise.all(texts(12, 'fallback').map((t) => pool.embed([t])));
    expect(out.every(([v]) => v instanceof Float32Array && v.length === 384)).toBe(true);
    expect(broken.lastError?.code).toBe('MODEL_MISSING');
    expect(pool.lastError).toBeNull();
  });

  it('reports batches from every worker, shares the persistent cache, and closes them all', async () => {
    const store = new Map<string, Float32Array>();
    const cache: EmbeddingCacheStore = {
      getMany: (keys) => new Map(keys.filter((k) => store.has(k)).map((k) => [k, store.get(k)!])),
      putMany: (entries) => entries.forEach(([k, v]) => store.set(k, v)),
    };
    const pool = createNodeEmbedderPool({ modelDir: LEXICAL_DIR, workers: 2 });
    closers.push(() => pool.close());
    expect(pool).toBeInstanceOf(EmbedderPool);
    pool.attachCache!(cache);
    let batches = 0;
    const stop = pool.onBatchTimed(() => batches++);
    await Promise.all(texts(20, 'cached').map((t) => pool.embed([t])));
    expect(batches).toBeGreaterThan(0);
    expect(store.size).toBe(20);
    stop();
    await pool.close();
    await expect(pool.embed(['after close'])).rejects.toThrow();
  });

  it('is a single client on a one-core machine or when asked for one worker', async () => {
    const one = createNodeEmbedderPool({ modelDir: LEXICAL_DIR, cores: 1 });
    const asked = createNodeEmbedderPool({ modelDir: LEXICAL_DIR, workers: 1 });
    closers.push(
      () => one.close(),
      () => asked.close(),
    );
    expect(one).not.toBeInstanceOf(EmbedderPool);
    expect(asked).not.toBeInstanceOf(EmbedderPool);
    expect(createNodeEmbedderPool({ modelDir: LEXICAL_DIR, cores: 8 })).toMatchObject({ size: 2 });
  });
});
