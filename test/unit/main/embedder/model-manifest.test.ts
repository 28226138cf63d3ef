import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findBundledManifestPath,
  loadModelManifest,
  modelFileUrl,
  parseModelManifest,
  resolveModelManifest,
  withBaseUrl,
} from '../../../../src/main/embedder/model-manifest';
import { HippoError } from '../../../../src/shared/errors';

const good = {
  id: 'm',
  baseUrl: 'https://example.com/repo/resolve/main/',
  files: [{ path: 'onnx/model.onnx', size: 3, sha256: 'a'.repeat(64) }],
};

function errorOf(fn: () => unknown): HippoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HippoError);
    return e as HippoError;
  }
  throw new Error('expected an error');
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hippo-manifest-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('model manifest', () => {
  it('ships the pinned all-MiniLM-L6-v2 files', async () => {
    const file = findBundledManifestPath();
    expect(file).toBe(path.resolve('resources/model-manifest.json'));
    const m = await loadModelManifest(file!);
    expect(m.id).toBe('all-MiniLM-L6-v2');
    const byPath = Object.fromEntries(m.files.map((f) => [f.path, f]));
    expect(byPath['onnx/model.onnx']).toEqual({
      path: 'onnx/model.onnx',
      size: 90387606,
      sha256: '759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e',
    });
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'config.json',
        'onnx/model.onnx',
        'special_tokens_map.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'vocab.txt',
      ].sort(),
    );
    expect(modelFileUrl(m, byPath['onnx/model.onnx']!)).toBe(
      'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx',
    );
  });

  it.each([
    ['files.0.path', { ...good, files: [{ ...good.files[0], path: '../evil' }] }],
    ['files.0.path', { ...good, files: [{ ...good.files[0], path: '/etc/passwd' }] }],
    ['files.0.path', { ...good, files: [{ ...good.files[0], path: 'a\\b' }] }],
    ['files.0.sha256', { ...good, files: [{ ...good.files[0], sha256: 'A'.repeat(64) }] }],
    ['files.0.size', { ...good, files: [{ ...good.files[0], size: -1 }] }],
    ['baseUrl', { ...good, baseUrl: 'file:///tmp/' }],
    ['files.1.path', { ...good, files: [good.files[0], good.files[0]] }],
    ['files', { ...good, files: [] }],
    ['id', { ...good, id: 'a/b' }],
  ])('rejects a bad %s', (field, json) => {
    const err = errorOf(() => parseModelManifest(json, 'test manifest'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain('Invalid test manifest');
    expect(err.message).toContain(`${field}:`);
  });

  it('joins base URL and path, honours per-file urls and base URL overrides', () => {
    const m = parseModelManifest({ ...good, baseUrl: 'http://127.0.0.1:8000/base' });
    expect(modelFileUrl(m, m.files[0]!)).toBe('http://127.0.0.1:8000/base/onnx/model.onnx');
    expect(modelFileUrl(m, { ...m.files[0]!, url: 'https://cdn.example/x' })).toBe('https://cdn.example/x');
    const moved = withBaseUrl(m, 'https://mirror.example/m/');
    expect(modelFileUrl(moved, moved.files[0]!)).toBe('https://mirror.example/m/onnx/model.onnx');
    expect(() => withBaseUrl(m, 'not a url')).toThrow(/base URL override/);
  });

  it('loads files with clear errors and applies the environment', async () => {
    const missing = path.join(tmp, 'missing.json');
    await expect(loadModelManifest(missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const broken = path.join(tmp, 'broken.json');
    await writeFile(broken, '{ nope');
    await expect(loadModelManifest(broken)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('not valid JSON'),
    });

    const file = path.join(tmp, 'ok.json');
    await writeFile(file, JSON.stringify(good));
    const { manifest, manifestPath } = await resolveModelManifest({
      env: { HIPPO_MODEL_MANIFEST: file, HIPPO_MODEL_BASE_URL: 'http://127.0.0.1:1234/' },
    });
    expect(manifestPath).toBe(file);
    expect(manifest.baseUrl).toBe('http://127.0.0.1:1234/');
    // An explicit path wins over the environment.
    const other = path.join(tmp, 'other.json');
    await writeFile(other, JSON.stringify({ ...good, id: 'other' }));
    expect(
      (await resolveModelManifest({ manifestPath: other, env: { HIPPO_MODEL_MANIFEST: file } })).manifest.id,
    ).toBe('other');
  });
});
