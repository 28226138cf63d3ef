import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeOutput } from '../../../src/cli/encode-command';
import { resolveModelManifest } from '../../../src/main/embedder/model-manifest';
import type { Stats } from '../../../src/shared/contract';
import { REPO_ROOT } from '../../helpers/lexical-memory';
import { manifestFor, modelFilesIn, startModelServer, type ModelServer } from '../model-fetch/model-server';
import { json, LEXICAL_MODEL, runCli, sandbox, type Sandbox } from './cli-harness';

/** The generated int8 twin: the official int8 file's graph with seeded weights (npm run models). */
const INT8_TWIN = path.join(REPO_ROOT, 'test', '.models', 'twin-int8');
const SHARED_MODEL_README = path.join(REPO_ROOT, '..', 'shared', 'models', 'all-MiniLM-L6-v2', 'README.md');

let box: Sandbox;
let server: ModelServer;
const int8Files = () => modelFilesIn(INT8_TWIN);

beforeAll(async () => {
  box = sandbox('none');
  server = await startModelServer([...int8Files()]);
});
afterAll(async () => {
  await server?.close();
  box?.cleanup();
});

const modelDir = (home: string) => path.join(home, 'models', 'all-MiniLM-L6-v2');

describe('the int8 model option', () => {
  it('ships a manifest pinning the official int8 file, with the same tokenizer files as fp32', async () => {
    const row = readFileSync(SHARED_MODEL_README, 'utf8')
      .split('\n')
      .find((l) => l.includes('onnx/model_quantized.onnx'))!;
    const [, , bytes, sha] = row.split('|').map((c) => c.trim());
    const int8 = (await resolveModelManifest({ env: {}, variant: 'int8' })).manifest;
    const fp32 = (await resolveModelManifest({ env: {} })).manifest;
    expect(int8.id).toBe('all-MiniLM-L6-v2-int8');
    expect(int8.files.find((f) => f.path === 'onnx/model_quantized.onnx')).toEqual({
      path: 'onnx/model_quantized.onnx',
      size: Number(bytes),
      sha256: sha,
    });
    expect(int8.files.some((f) => f.path === 'onnx/model.onnx')).toBe(false);
    expect(int8.files.filter((f) => !f.path.startsWith('onnx/'))).toEqual(
      fp32.files.filter((f) => !f.path.startsWith('onnx/')),
    );
  });

  it('hippo model fetch --int8 asks for onnx/model_quantized.onnx and holds it to the pinned checksum', async () => {
    const home = path.join(box.dir, 'home-pinned');
    server.requests.length = 0;
    const r = await runCli(['model', 'fetch', '--int8'], {
      env: { HIPPO_HOME: home, HIPPO_DB: path.join(home, 'h.db'), HIPPO_MODEL_BASE_URL: server.baseUrl },
    });
    // The generated twin is not the official file: the download is refused, and nothing is installed.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^hippo model fetch: CHECKSUM_MISMATCH: onnx\/model_quantized\.onnx .* the manifest expects 22972370/m,
    );
    const asked = server.requests.map((q) => q.path);
    expect(asked).toContain('onnx/model_quantized.onnx');
    expect(asked).not.toContain('onnx/model.onnx');
    expect(existsSync(path.join(modelDir(home), 'onnx', 'model_quantized.onnx'))).toBe(false);
  });

  it('replaces fp32 weights in the model folder, embeds every fact again with int8, and status follows', async () => {
    const home = path.join(box.dir, 'home-switch');
    const db = path.join(home, 'h.db');
    const fp32 = modelFilesIn(LEXICAL_MODEL);
    const fp32Server = await startModelServer(fp32);
    try {
      const fp32Manifest = path.join(box.dir, 'fp32.json');
      writeFileSync(fp32Manifest, JSON.stringify(manifestFor(fp32, fp32Server.baseUrl, 'fp32-test')));
      const int8Manifest = path.join(box.dir, 'int8.json');
      writeFileSync(int8Manifest, JSON.stringify(manifestFor(int8Files(), server.baseUrl, 'int8-test')));
      const env = (manifest: string) => ({ HIPPO_HOME: home, HIPPO_DB: db, HIPPO_MODEL_MANIFEST: manifest });

      expect((await runCli(['model', 'fetch'], { env: env(fp32Manifest) })).code).toBe(0);
      for (const content of ['Sailing boats need a calm sea', 'Mountain bikes need wide tyres'])
        expect(
          json<EncodeOutput>(await runCli(['encode', content, '--json'], { env: env(fp32Manifest) })).mode,
        ).toBe('hybrid');
      const before = json<Stats>(await runCli(['stats', '--json'], { env: env(fp32Manifest) }));

      const r = await runCli(['model', 'fetch', '--int8'], { env: env(int8Manifest) });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('Embedded 2 facts');
      expect(existsSync(path.join(modelDir(home), 'onnx', 'model_quantized.onnx'))).toBe(true);
      expect(existsSync(path.join(modelDir(home), 'onnx', 'model.onnx'))).toBe(false);
      const after = json<Stats>(await runCli(['stats', '--json'], { env: env(int8Manifest) }));
      expect(after).toMatchObject({ mode: 'hybrid', pending_embeddings: 0 });
      expect(after.model).not.toBe(before.model);

      // Without a manifest named, status checks the weights the folder holds: the int8 ones.
      const status = await runCli(['model', 'status', '--json'], { env: { HIPPO_HOME: home, HIPPO_DB: db } });
      expect(json<{ value: { id: string } }>(status).value.id).toBe('all-MiniLM-L6-v2-int8');
    } finally {
      await fp32Server.close();
    }
  });
});
