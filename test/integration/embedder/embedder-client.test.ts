import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeEmbedder, EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { NodeWorkerHost } from '../../../src/main/embedder/node-worker-host';
import { HippoError } from '../../../src/shared/errors';
import { dot, faultyHosts, LEXICAL_DIR, norm, sqliteCacheStore } from './helpers';

const clients: EmbedderClient[] = [];
function lexicalClient(opts: Partial<ConstructorParameters<typeof EmbedderClient>[0]> = {}): EmbedderClient {
  const client = new EmbedderClient({
    hostFactory: () => new NodeWorkerHost(),
    resolveModelDir: () => LEXICAL_DIR,
    threads: 1,
    ...opts,
  });
  clients.push(client);
  return client;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('EmbedderClient over a forked worker (lexical model)', () => {
  it('embeds through the real worker: unit vectors, similar texts closer than unrelated ones', async () => {
    const client = lexicalClient();
    expect(await client.ready()).toBe(true);
    expect(client.modelId).toMatch(/^minilm:/);
    const [a, b, c] = await client.embed([
      'the cat sat on the mat',
      'a cat sat on a mat',
      'quarterly bond yields rose',
    ]);
    expect(a).toBeInstanceOf(Float32Array);
    expect(norm(a!)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.2);
  });

  it('coalesces 100 concurrent calls into at most ceil(unique / 32) worker batches', async () => {
    const client = lexicalClient();
    await client.ready();
    const texts = Array.from({ length: 100 }, (_, i) => `note ${i % 70} about topic ${i % 70}`);
    const vectors = await Promise.all(texts.map((t) => client.embed([t])));
    expect(vectors).toHaveLength(100);
    const s = client.stats();
    expect(s.workerTexts).toBe(70);
    expect(s.workerBatches).toBeLessThanOrEqual(Math.ceil(70 / 32));
    expect(s.dedupHits).toBe(30);
    // Duplicates get equal vectors (but not the same object, so callers cannot corrupt the cache).
    expect(Array.from(vectors[0]![0]!)).toEqual(Array.from(vectors[70]![0]!));
    expect(vectors[0]![0]).not.toBe(vectors[70]![0]);
  });

  it('closes a request early when its texts reach maxBatchChars', async () => {
    const client = lexicalClient({ maxBatchChars: 2500 });
    const long = (i: number) => `${'cat '.repeat(249)}number${i}`;
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.embed([long(i)])));
    expect(client.stats()).toMatchObject({ workerTexts: 10, workerBatches: 5 });
  });

  it('embeds texts differing only in whitespace once, within one call', async () => {
    const client = lexicalClient();
    const [a, b] = await client.embed(['hello  world', ' hello world\n']);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(client.stats().workerTexts).toBe(1);
  });

  it('answers repeats from the LRU, and from the disk cache after a restart, without the worker', async () => {
    const cache = sqliteCacheStore();
    const first = lexicalClient({ cache });
    const [v1] = await first.embed(['remember the milk']);
    await first.embed(['remember the milk']);
    expect(first.stats()).toMatchObject({ workerTexts: 1, lruHits: 1 });
    expect(cache.count()).toBe(1);

    const second = lexicalClient({ cache });
    const [v2] = await second.embed(['remember   the milk']);
    expect(second.stats()).toMatchObject({ workerTexts: 0, workerBatches: 0, diskHits: 1 });
    expect(Array.from(v2!)).toEqual(Array.from(v1!));
    cache.close();
  });

  it('keeps a vector asked with persist: false out of the disk cache (recall queries), in the LRU', async () => {
    const cache = sqliteCacheStore();
    const client = lexicalClient({ cache });
    await client.embed(['a passing question'], { persist: false });
    expect(cache.count()).toBe(0);
    await client.embed(['a passing question'], { persist: false });
    expect(client.stats()).toMatchObject({ workerTexts: 1, lruHits: 1 });
    // Shared by a caller that wants it kept: kept.
    await Promise.all([client.embed(['a fact'], { persist: false }), client.embed(['a fact'])]);
    expect(cache.count()).toBe(1);
    cache.close();
  });

  it('restarts a worker killed mid-request and retries the batch once', async () => {
    const faults = faultyHosts({ onEmbed: (n) => (n === 1 ? 'kill' : 'pass') });
    const client = lexicalClient({ hostFactory: faults.factory });
    const vectors = await client.embed(['one', 'two', 'three']);
    expect(vectors).toHaveLength(3);
    expect(norm(vectors[2]!)).toBeCloseTo(1, 5);
    expect(client.stats()).toMatchObject({ crashes: 1, restarts: 1, workerBatches: 2 });
    expect(faults.hosts).toHaveLength(2);
  });

  it('fails with MODEL_FAILED when the worker crashes again on the retry, and recovers afterwards', async () => {
    const faults = faultyHosts({ onEmbed: (n) => (n <= 2 ? 'kill' : 'pass') });
    const client = lexicalClient({ hostFactory: faults.factory });
    await expect(client.embed(['doomed'])).rejects.toMatchObject({ code: 'MODEL_FAILED' });
    expect(client.lastError?.code).toBe('MODEL_FAILED');
    expect(await client.embed(['fine now'])).toHaveLength(1);
  });

  it('treats a worker that stops answering as crashed', async () => {
    const faults = faultyHosts({ onEmbed: (n) => (n === 1 ? 'drop' : 'pass') });
    const client = lexicalClient({ hostFactory: faults.factory, requestTimeoutMs: 300 });
    expect(await client.embed(['hello?'])).toHaveLength(1);
    expect(client.stats()).toMatchObject({ crashes: 1, restarts: 1 });
  });

  it('rejects pending work when closed', async () => {
    const client = lexicalClient();
    const pending = client.embed(['bye']);
    await client.close();
    await expect(pending).rejects.toMatchObject({ code: 'MODEL_FAILED' });
  });
});

describe('createNodeEmbedder', () => {
  it('runs with default options (onnxruntime picks the thread count)', async () => {
    const client = createNodeEmbedder({ modelDir: LEXICAL_DIR });
    clients.push(client);
    const [v] = await client.embed(['defaults']);
    expect(norm(v!)).toBeCloseTo(1, 5);
  });
});

describe('createNodeEmbedder without a model', () => {
  it('ready() resolves false with MODEL_MISSING naming the folders; embed() throws it', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-home-'));
    const missing = path.join(home, 'nowhere');
    const client = createNodeEmbedder({ env: { HIPPO_HOME: home, HIPPO_MODEL_DIR: missing } });
    clients.push(client);
    expect(await client.ready()).toBe(false);
    expect(client.lastError?.code).toBe('MODEL_MISSING');
    expect(client.lastError?.message).toContain(missing);
    expect(client.lastError?.message).toContain(path.join(home, 'models', 'all-MiniLM-L6-v2'));
    const error = await client.embed(['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HippoError);
    expect(error).toMatchObject({ code: 'MODEL_MISSING' });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('says to run npm run build:node when the worker script is missing', async () => {
    const client = createNodeEmbedder({
      modelDir: LEXICAL_DIR,
      workerPath: '/nonexistent/embedder-worker.mjs',
    });
    clients.push(client);
    expect(await client.ready()).toBe(false);
    expect(client.lastError?.message).toMatch(/npm run build:node/);
  });
});
