import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelSearchPaths } from '../../../src/main/embedder/model-locate';
import { saveSelectedModel, selectedModel } from '../../../src/main/embedder/model-selection';
import { readSettings, SETTINGS_FILE } from '../../../src/main/settings-store';
import { MODEL_CATALOG, modelNameOfId, modelSpec } from '../../../src/shared/model-catalog';
import { makeTempDir } from '../../helpers/temp-dir';

describe('the model catalogue', () => {
  it('has MiniLM (384, mean) and bge-base (768, CLS, query instruction)', () => {
    expect(modelSpec('minilm')).toMatchObject({ dims: 384, pooling: 'mean', queryPrefix: '' });
    expect(modelSpec('bge-base')).toMatchObject({
      dims: 768,
      pooling: 'cls',
      queryPrefix: 'Represent this sentence for searching relevant passages: ',
    });
  });

  it('refuses an unknown name with BAD_INPUT naming the choices', () => {
    expect(() => modelSpec('bge-large')).toThrow(
      /model: unknown model "bge-large"; choose one of minilm, bge-base/,
    );
  });

  it('reads the model out of a model id', () => {
    expect(modelNameOfId('bge-base:0123456789abcdef')).toBe('bge-base');
    expect(modelNameOfId('minilm:0123456789abcdef')).toBe('minilm');
    expect(modelNameOfId('other:1')).toBeNull();
  });

  it('looks for each model in its own folder', () => {
    const paths = modelSearchPaths({ env: {}, userDataDir: '/data', model: MODEL_CATALOG['bge-base'] });
    expect(paths).toEqual([join('/data', 'models', 'bge-base-en-v1.5')]);
  });
});

describe('the chosen model', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir('hippo-choice-')));
  afterEach(() => tmp.cleanup());

  it('is MiniLM until one is saved, then the saved one, other settings kept', () => {
    expect(selectedModel({}, tmp.dir)).toBe(MODEL_CATALOG.minilm);
    writeFileSync(join(tmp.dir, SETTINGS_FILE), JSON.stringify({ theme: 'dark' }));
    saveSelectedModel(tmp.dir, MODEL_CATALOG['bge-base']);
    expect(selectedModel({}, tmp.dir)).toBe(MODEL_CATALOG['bge-base']);
    expect(readSettings(join(tmp.dir, SETTINGS_FILE)).settings).toMatchObject({
      theme: 'dark',
      model: 'bge-base',
    });
  });

  it('follows HIPPO_EMBEDDING_MODEL over the settings, and refuses a bad one', () => {
    saveSelectedModel(tmp.dir, MODEL_CATALOG['bge-base']);
    expect(selectedModel({ HIPPO_EMBEDDING_MODEL: 'minilm' }, tmp.dir)).toBe(MODEL_CATALOG.minilm);
    expect(() => selectedModel({ HIPPO_EMBEDDING_MODEL: 'large' }, tmp.dir)).toThrow(/unknown model "large"/);
  });

  it('falls back to MiniLM when settings.json names a model this version does not know', () => {
    writeFileSync(join(tmp.dir, SETTINGS_FILE), JSON.stringify({ model: 'gpt-9' }));
    expect(selectedModel({}, tmp.dir)).toBe(MODEL_CATALOG.minilm);
  });
});
