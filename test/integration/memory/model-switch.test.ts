/**
 * Issue 8's model choice, end to end with real onnxruntime and SQLite: the generated 384-dimension
 * model stands for MiniLM and the 768-dimension one for bge-base (test/helpers/two-models.ts).
 * 384 -> 768 (re-embedding with progress, recall on words meanwhile, a restart half-way) -> 384
 * (the parked vectors come back without embedding again).
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { Memory, type EmbedPendingProgress } from '../../../src/main/memory/memory';
import { MODEL_CATALOG, type ModelName } from '../../../src/shared/model-catalog';
import { makeTempDir } from '../../helpers/temp-dir';
import { LEXICAL_MODEL_DIR } from '../../helpers/lexical-memory';
import { homeWithBothModels, LEXICAL_768_MODEL_DIR } from '../../helpers/two-models';

const tmp = makeTempDir('hippo-switch-');
const home = join(tmp.dir, 'home');
const dbPath = join(tmp.dir, 'hippo.db');
afterAll(tmp.cleanup);
beforeAll(() => homeWithBothModels(home));

// More facts than one embedding batch (64), so a re-embedding can be stopped half-way.
const TOPICS = ['boiler', 'passport', 'dentist', 'bicycle', 'garden', 'piano', 'tax', 'kitchen'];
const FACTS = Array.from({ length: 96 }, (_, i) => ({
  content: `${TOPICS[i % TOPICS.length]} note number ${i} about item${i} and thing${i * 7}`,
  label: TOPICS[i % TOPICS.length],
}));

function embedderFor(model: ModelName): EmbedderClient {
  // No HIPPO_MODEL_DIR: each model is found in its own folder of the user data root.
  return createNodeEmbedder({ env: {}, userDataDir: home, model: MODEL_CATALOG[model], threads: 1 });
}

async function open(
  model: ModelName,
): Promise<{ memory: Memory; embedder: EmbedderClient; close(): Promise<void> }> {
  const embedder = embedderFor(model);
  const memory = Memory.open({ dbPath, embedder });
  return {
    memory,
    embedder,
    close: async () => {
      await memory.close();
      await embedder.close();
    },
  };
}

/** What the vector tables hold: every vector's width and the models the facts say they are of. */
function vectorState(memory: Memory) {
  const widths = memory.db
    .prepare('SELECT DISTINCT length(embedding) / 4 AS dims FROM vec_facts')
    .pluck()
    .all() as number[];
  const labelWidths = memory.db
    .prepare('SELECT DISTINCT length(embedding) / 4 AS dims FROM vec_labels')
    .pluck()
    .all() as number[];
  const models = memory.db
    .prepare(
      "SELECT DISTINCT coalesce(substr(embedded_model, 1, instr(embedded_model, ':') - 1), 'none') FROM facts",
    )
    .pluck()
    .all() as string[];
  return { widths, labelWidths, models: models.sort() };
}

describe('switching the embedding model (384 -> 768 -> 384)', () => {
  let minilmId = '';
  let bgeId = '';
  let editedId = 0;

  it('starts on MiniLM: 384-wide vectors, each recording a minilm model id, hybrid recall', async () => {
    const s = await open('minilm');
    try {
      await s.memory.encodeMany(FACTS);
      await s.memory.embedPending();
      minilmId = s.embedder.modelId!;
      expect(minilmId).toMatch(/^minilm:[0-9a-f]{16}$/);
      expect(vectorState(s.memory)).toEqual({ widths: [384], labelWidths: [384], models: ['minilm'] });
      const hits = await s.memory.recall('piano item13');
      expect(hits[0]!.content).toContain('item13 ');
      expect(hits[0]!.similarity).not.toBeNull();
      expect(s.memory.mode).toBe('hybrid');
    } finally {
      await s.close();
    }
  });

  it('switching to bge-base parks the 384 vectors, re-embeds with progress and answers on words meanwhile', async () => {
    const s = await open('minilm');
    try {
      await s.memory.stats();
      const switches: unknown[] = [];
      s.memory.onModelSwitch((change) => switches.push(change));
      // As the app does from its settings screen: the same embedder runs the other model.
      await s.embedder.useModel(MODEL_CATALOG['bge-base']);
      const status = await s.memory.embeddingStatus();
      bgeId = status.model!;
      expect(bgeId).toMatch(/^bge-base:[0-9a-f]{16}$/);
      expect(status.reembeddingFrom).toBe(minilmId);
      expect(status.pending).toBe(FACTS.length + TOPICS.length);
      expect(status.parked).toEqual([{ model: minilmId, facts: FACTS.length }]);
      expect(switches).toEqual([
        { from: minilmId, to: bgeId, restoredFacts: 0, restoredLabels: 0, pending: FACTS.length },
      ]);
      // Nothing of the old model is searchable: the vector tables are empty and 768 wide now.
      expect(vectorState(s.memory)).toEqual({ widths: [], labelWidths: [], models: ['none'] });

      // Recall meanwhile: found by words, no similarity (no vector compared), and it says so.
      const during = await s.memory.recall('piano item13');
      expect(during[0]!.content).toContain('item13 ');
      expect(during.every((h) => h.similarity === null)).toBe(true);
      expect(s.memory.mode).toBe('text-only');
      expect((await s.memory.stats()).mode).toBe('text-only');

      // One batch, then stop, as a quit would.
      const abort = new AbortController();
      const progress: EmbedPendingProgress[] = [];
      const first = await s.memory.embedPending({
        signal: abort.signal,
        onProgress: (p) => {
          progress.push(p);
          abort.abort();
        },
      });
      expect(progress).toEqual([{ done: TOPICS.length + 64, total: FACTS.length + TOPICS.length }]);
      expect(first.done).toBeLessThan(first.total);
      // Half-filled: still words only, and what is stored is 768 wide and of bge-base alone.
      expect(vectorState(s.memory)).toEqual({
        widths: [768],
        labelWidths: [768],
        models: ['bge-base', 'none'],
      });
      expect((await s.memory.recall('piano item13')).every((h) => h.similarity === null)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('a restart half-way resumes the re-embedding, and recall uses the 768 vectors once it is complete', async () => {
    const s = await open('bge-base');
    try {
      const status = await s.memory.embeddingStatus();
      expect(status).toMatchObject({ model: bgeId, reembeddingFrom: minilmId, pending: FACTS.length - 64 });
      expect((await s.memory.recall('piano item13')).every((h) => h.similarity === null)).toBe(true);

      const progress: EmbedPendingProgress[] = [];
      const done = await s.memory.embedPending({ onProgress: (p) => progress.push(p) });
      expect(done).toEqual({ done: FACTS.length - 64, total: FACTS.length - 64 });
      expect(progress.at(-1)).toEqual(done);
      expect((await s.memory.embeddingStatus()).reembeddingFrom).toBeNull();
      expect(vectorState(s.memory)).toEqual({ widths: [768], labelWidths: [768], models: ['bge-base'] });

      const hits = await s.memory.recall('piano item13');
      expect(hits[0]!.content).toContain('item13 ');
      expect(hits[0]!.similarity).toBeGreaterThan(0.3);
      expect(s.memory.mode).toBe('hybrid');

      // An edit under bge-base: MiniLM's parked vector of this fact no longer fits its words.
      editedId = hits[0]!.fact_id;
      await s.memory.update(editedId, { content: 'piano lessons moved to thursday item13' });
    } finally {
      await s.close();
    }
  });

  it('switching back to MiniLM restores its parked vectors instead of embedding every fact again', async () => {
    const s = await open('minilm');
    try {
      const status = await s.memory.embeddingStatus();
      expect(status.model).toBe(minilmId);
      // Only the edited fact waits; the rest came back from parked_vectors.
      expect(status).toMatchObject({ reembeddingFrom: bgeId, pending: 1 });
      expect(status.parked).toEqual([{ model: bgeId, facts: FACTS.length }]);
      expect(vectorState(s.memory).widths).toEqual([384]);
      expect((await s.memory.recall('piano item13')).every((h) => h.similarity === null)).toBe(true);

      const before = s.embedder.stats().workerTexts;
      expect(await s.memory.embedPending()).toEqual({ done: 1, total: 1 });
      // One fact's text (and the worker's own warm-up) went to the model, not all of them.
      expect(s.embedder.stats().workerTexts - before).toBe(1);
      expect(vectorState(s.memory)).toEqual({ widths: [384], labelWidths: [384], models: ['minilm'] });

      const hits = await s.memory.recall('piano lessons thursday');
      expect(hits[0]!.fact_id).toBe(editedId);
      expect(hits[0]!.similarity).toBeGreaterThan(0.3);
      expect((await s.memory.stats()).mode).toBe('hybrid');
    } finally {
      await s.close();
    }
  });
});

describe('switching while the background embedding runs', () => {
  it('drops the old model\u2019s run and embeds everything with the new model', async () => {
    const dir = join(tmp.dir, 'background');
    const bgHome = join(dir, 'home');
    // MiniLM is missing at first: the facts are stored without vectors.
    mkdirSync(join(bgHome, 'models'), { recursive: true });
    symlinkSync(LEXICAL_768_MODEL_DIR, join(bgHome, 'models', MODEL_CATALOG['bge-base'].folder));
    const embedder = createNodeEmbedder({
      env: {},
      userDataDir: bgHome,
      model: MODEL_CATALOG.minilm,
      threads: 1,
    });
    const memory = Memory.open({ dbPath: join(dir, 'hippo.db'), embedder, backgroundEmbedding: true });
    try {
      await memory.encodeMany(FACTS);
      expect((await memory.stats()).pending_embeddings).toBe(FACTS.length);
      // MiniLM arrives; a write starts the background run for it...
      symlinkSync(LEXICAL_MODEL_DIR, join(bgHome, 'models', MODEL_CATALOG.minilm.folder));
      await memory.encode({ content: 'one more note about the piano tuner' });
      // ...and the model is switched while it runs.
      await embedder.useModel(MODEL_CATALOG['bge-base']);
      await memory.stats();
      const until = Date.now() + 60_000;
      while ((await memory.embeddingStatus()).pending > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect(await memory.embeddingStatus()).toMatchObject({
        model: expect.stringMatching(/^bge-base:/),
        pending: 0,
      });
      expect(vectorState(memory)).toEqual({ widths: [768], labelWidths: [768], models: ['bge-base'] });
      expect((await memory.recall('piano item13'))[0]!.similarity).not.toBeNull();
    } finally {
      await memory.close();
      await embedder.close();
    }
  });
});
