import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeEmbedder } from '../../../src/main/embedder/embedder-client';
import { Memory } from '../../../src/main/memory/memory';
import { LEXICAL_MODEL_DIR, REPO_ROOT } from '../../helpers/lexical-memory';
import { makeTempDir } from '../../helpers/temp-dir';

const waitFor = async (check: () => boolean | Promise<boolean>, ms = 30_000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('without a model (first run offline)', () => {
  it('encodes and recalls on words, says text-only, and embeds the waiting facts once the model appears', async () => {
    const tmp = makeTempDir();
    const emptyModelDir = join(tmp.dir, 'no-model');
    mkdirSync(emptyModelDir);
    const dbPath = join(tmp.dir, 'hippo.db');
    const missing = createNodeEmbedder({ modelDir: emptyModelDir });
    const offline = Memory.open({ dbPath, embedder: missing });
    try {
      const a = await offline.encode({ content: 'the boiler service is due in October', label: 'house' });
      expect(a.status).toBe('created');
      expect(offline.mode).toBe('text-only');
      await offline.encode({ content: 'the boiler service is due in October.' }).then((r) => {
        expect(r).toMatchObject({ id: a.id, status: 'duplicate' });
      });
      await offline.encodeMany([
        { content: 'passport expires in 2031' },
        { content: 'bike lock code is 4471' },
      ]);
      const hits = await offline.recall('boiler service');
      expect(hits.map((h) => h.fact_id)).toEqual([a.id]);
      expect(hits[0]!.similarity).toBeNull();
      const stats = await offline.stats();
      expect(stats).toMatchObject({ mode: 'text-only', model: null, pending_embeddings: 3, facts: 3 });
      expect(missing.lastError?.code).toBe('MODEL_MISSING');
    } finally {
      await offline.close();
      await missing.close();
    }

    // The model arrives: a background pass embeds everything stored meanwhile.
    const embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR });
    const online = Memory.open({ dbPath, embedder, backgroundEmbedding: true });
    try {
      expect((await online.stats()).mode).toBe('hybrid');
      await waitFor(async () => (await online.stats()).pending_embeddings === 0);
      const hits = await online.recall('when is the boiler service due');
      expect(hits[0]!.content).toBe('the boiler service is due in October');
      expect(hits[0]!.similarity).toBeGreaterThan(0.3);
      // The label made offline got its vector too, so new facts can be matched to it.
      const b = await online.encode({
        content: 'the boiler service is due in October every year',
        label: 'house',
      });
      expect(b.label).toBe('house');
    } finally {
      await online.close();
      await embedder.close();
      tmp.cleanup();
    }
  });

  it('re-embeds every fact when the model changes, keeping words searchable meanwhile', async () => {
    const tmp = makeTempDir();
    const dbPath = join(tmp.dir, 'hippo.db');
    const lexical = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR });
    const first = Memory.open({ dbPath, embedder: lexical });
    await first.encodeMany([{ content: 'alpha bravo charlie' }, { content: 'delta echo foxtrot' }]);
    const lexicalModel = (await first.stats()).model;
    await first.close();
    await lexical.close();

    const twin = createNodeEmbedder({ modelDir: join(REPO_ROOT, 'test', '.models', 'twin') });
    const second = Memory.open({ dbPath, embedder: twin });
    try {
      const stats = await second.stats();
      expect(stats.model).not.toBe(lexicalModel);
      expect(stats.pending_embeddings).toBe(2);
      expect((await second.recall('delta echo')).map((h) => h.content)).toEqual(['delta echo foxtrot']);
      const done = await second.embedPending();
      expect(done).toEqual({ done: 2, total: 2 });
      expect((await second.stats()).pending_embeddings).toBe(0);
    } finally {
      await second.close();
      await twin.close();
      tmp.cleanup();
    }
  });
});

describe('the persistent embedding cache', () => {
  it('lives in the database: a new process re-embeds nothing it has seen', async () => {
    const tmp = makeTempDir();
    const dbPath = join(tmp.dir, 'hippo.db');
    const first = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR });
    const m1 = Memory.open({ dbPath, embedder: first });
    await m1.encode({ content: 'the recycling goes out on wednesdays' });
    await m1.recall('when does recycling go out');
    // The fact's embedding is kept; a query's is not (it would cost every recall a disk write).
    expect(m1.embeddingCache.count()).toBe(1);
    await m1.close();
    await first.close();

    const second = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR });
    const m2 = Memory.open({ dbPath, embedder: second });
    try {
      await m2.recall('the recycling goes out on wednesdays');
      expect(second.stats()).toMatchObject({ diskHits: 1, workerTexts: 0 });
    } finally {
      await m2.close();
      await second.close();
      tmp.cleanup();
    }
  });
});
