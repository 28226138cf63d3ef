import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder } from '../../../src/main/embedder/embedder-client';
import { MODEL_CATALOG } from '../../../src/shared/model-catalog';
import { makeTempDir } from '../../helpers/temp-dir';
import { homeWithBothModels, LEXICAL_768_MODEL_DIR } from '../../helpers/two-models';

const tmp = makeTempDir('hippo-embedder-models-');
beforeAll(() => homeWithBothModels(tmp.dir));
afterAll(tmp.cleanup);

describe('the embedder and the model catalogue', () => {
  it('refuses a folder whose model is not as wide as the chosen one', async () => {
    const e = createNodeEmbedder({
      modelDir: LEXICAL_768_MODEL_DIR,
      model: MODEL_CATALOG.minilm,
      threads: 1,
    });
    try {
      expect(await e.ready()).toBe(false);
      expect(e.lastError).toMatchObject({
        code: 'MODEL_FAILED',
        message: expect.stringMatching(/384\] for minilm/),
      });
    } finally {
      await e.close();
    }
  });

  it('switches models: what was asked of the old one fails, the next call gets the new width', async () => {
    const e = createNodeEmbedder({ env: {}, userDataDir: tmp.dir, model: MODEL_CATALOG.minilm, threads: 1 });
    try {
      const [before] = await e.embed(['tide tables for the harbour']);
      expect(before).toHaveLength(384);
      expect(e.modelId).toMatch(/^minilm:/);
      // Observed at once: it fails while useModel runs.
      const asked = e
        .embed(Array.from({ length: 200 }, (_, i) => `late text ${i}`))
        .catch((err: unknown) => err);
      await e.useModel(MODEL_CATALOG['bge-base']);
      expect(await asked).toMatchObject({
        code: 'MODEL_FAILED',
        message: expect.stringMatching(/switched to bge-base/),
      });
      const [after] = await e.embed(['tide tables for the harbour']);
      expect(after).toHaveLength(768);
      expect(e.modelId).toMatch(/^bge-base:/);
      expect(e.dims).toBe(768);
      // A query gets bge-base's instruction, so it is not the same vector as the stored text's.
      const [query] = await e.embed(['tide tables for the harbour'], { query: true });
      expect(Array.from(query!)).not.toEqual(Array.from(after!));
    } finally {
      await e.close();
    }
  });

  it('finds each model in its folder of the user data root', async () => {
    const e = createNodeEmbedder({
      env: { HIPPO_EMBEDDING_MODEL: 'bge-base' },
      userDataDir: tmp.dir,
      threads: 1,
    });
    try {
      expect(await e.ready()).toBe(true);
      expect(e.model.name).toBe('bge-base');
      expect((await e.embed(['x']))[0]).toHaveLength(768);
    } finally {
      await e.close();
    }
  });
});
