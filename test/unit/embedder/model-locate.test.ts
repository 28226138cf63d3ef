import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findModelFile, modelSearchPaths, resolveModelDir } from '../../../src/main/embedder/model-locate';
import { defaultModelDir, defaultUserDataDir } from '../../../src/main/paths';
import { HippoError } from '../../../src/shared/errors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-locate-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function modelDir(name: string, weights: string | null, tokenizer = true): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  if (weights) fs.writeFileSync(path.join(dir, 'onnx', weights), 'x');
  if (tokenizer) {
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), '{}');
  }
  return dir;
}

describe('modelSearchPaths', () => {
  it('searches HIPPO_MODEL_DIR, then the packaged resources, then the user data folder', () => {
    expect(
      modelSearchPaths({ env: { HIPPO_MODEL_DIR: '/m' }, resourcesPath: '/res', userDataDir: '/data' }),
    ).toEqual(['/m', '/res/models/all-MiniLM-L6-v2', '/data/models/all-MiniLM-L6-v2']);
    expect(modelSearchPaths({ env: {}, userDataDir: '/data' })).toEqual(['/data/models/all-MiniLM-L6-v2']);
  });

  it('defaults the user data folder to HIPPO_HOME when set', () => {
    expect(defaultUserDataDir({ HIPPO_HOME: '/h' })).toBe('/h');
    expect(defaultModelDir({ HIPPO_HOME: '/h' })).toBe('/h/models/all-MiniLM-L6-v2');
    expect(defaultUserDataDir({})).toMatch(/hippo$/);
  });
});

describe('resolveModelDir', () => {
  it('takes the first folder holding weights and tokenizer, accepting the quantized weights', () => {
    const noTokenizer = modelDir('no-tokenizer', 'model.onnx', false);
    const quantized = modelDir('quantized', 'model_quantized.onnx');
    const full = modelDir('full', 'model.onnx');
    expect(resolveModelDir([noTokenizer, quantized, full])).toBe(quantized);
    expect(findModelFile(quantized)).toBe(path.join(quantized, 'onnx/model_quantized.onnx'));
  });

  it('prefers model.onnx over model_quantized.onnx in one folder', () => {
    const both = modelDir('both', 'model.onnx');
    fs.writeFileSync(path.join(both, 'onnx/model_quantized.onnx'), 'x');
    expect(findModelFile(both)).toBe(path.join(both, 'onnx/model.onnx'));
  });

  it('throws MODEL_MISSING naming every folder searched and what to do', () => {
    const empty = modelDir('no-weights', null);
    const absent = path.join(tmp, 'absent');
    let error: unknown;
    try {
      resolveModelDir([empty, absent]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HippoError);
    const { code, message } = error as HippoError;
    expect(code).toBe('MODEL_MISSING');
    expect(message).toContain(`${empty} (missing onnx/model.onnx or onnx/model_quantized.onnx)`);
    expect(message).toContain(`${absent} (folder does not exist)`);
    expect(message).toContain('hippo model fetch');
    expect(message).toContain('HIPPO_MODEL_DIR');
  });
});
