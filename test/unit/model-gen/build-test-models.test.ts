import { createHash } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATOR_HASH_FILE, buildTestModels, generatorHash } from '../../../scripts/model-gen/test-models';
import { tempDir } from './helpers';

const quiet = { log: () => {} };

async function fileHashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out[path.relative(root, full)] = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
  }
  return out;
}

describe('buildTestModels', () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    first = await tempDir('models-a');
    second = await tempDir('models-b');
    await buildTestModels(first, quiet);
    await buildTestModels(second, quiet);
  }, 180_000);

  afterAll(async () => {
    await rm(first, { recursive: true, force: true });
    await rm(second, { recursive: true, force: true });
  });

  it('lays each model out like the real model folder', async () => {
    for (const [name, weights] of [
      ['lexical', 'model.onnx'],
      ['lexical-768', 'model.onnx'],
      ['twin', 'model.onnx'],
      ['twin-int8', 'model_quantized.onnx'],
    ]) {
      const files = Object.keys(await fileHashes(path.join(first, name!))).sort();
      expect(files).toEqual(
        [
          GENERATOR_HASH_FILE,
          'config.json',
          path.join('onnx', weights!),
          'special_tokens_map.json',
          'tokenizer.json',
          'tokenizer_config.json',
          'vocab.txt',
        ].sort(),
      );
    }
  });

  it('is deterministic: two builds are byte-identical', async () => {
    const a = await fileHashes(first);
    const b = await fileHashes(second);
    expect(Object.keys(a).length).toBe(28);
    expect(b).toEqual(a);
  });

  it('records the generator hash and skips folders that are up to date', async () => {
    const hash = await generatorHash();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await readFile(path.join(first, 'twin', GENERATOR_HASH_FILE), 'utf8')).trim()).toBe(hash);

    const lines: string[] = [];
    const again = await buildTestModels(first, { log: (l) => lines.push(l) });
    expect(again.map((r) => r.built)).toEqual([false, false, false, false]);
    expect(lines).toEqual([expect.stringContaining('models up to date')]);
  });

  it('rebuilds a folder whose hash is stale or whose model is missing', async () => {
    await writeFile(path.join(first, 'lexical', GENERATOR_HASH_FILE), 'stale\n');
    await rm(path.join(first, 'twin', 'onnx', 'model.onnx'));
    const report = await buildTestModels(first, quiet);
    expect(report.map((r) => [r.name, r.built])).toEqual([
      ['lexical', true],
      ['lexical-768', false],
      ['twin', true],
      ['twin-int8', false],
    ]);
    expect(await fileHashes(first)).toEqual(await fileHashes(second));
  }, 120_000);

  it('fails with a clear error when the tokenizer files are missing', async () => {
    const empty = await tempDir('no-tokenizer');
    try {
      await expect(
        buildTestModels(path.join(empty, 'out'), { ...quiet, tokenizerDir: empty }),
      ).rejects.toMatchObject({
        code: 'MODEL_MISSING',
        message: expect.stringContaining('tokenizer.json'),
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
