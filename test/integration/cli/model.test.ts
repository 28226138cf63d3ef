import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeOutput } from '../../../src/cli/encode-command';
import type { RecallOutput } from '../../../src/cli/recall-command';
import type { Stats } from '../../../src/shared/contract';
import {
  manifestFor,
  startModelServer,
  type GeneratedFile,
  type ModelServer,
} from '../model-fetch/model-server';
import { json, LEXICAL_MODEL, runCli, sandbox, type Sandbox } from './cli-harness';

/** The generated lexical model's files, served by a loopback server as if it were the model host. */
function lexicalFiles(dir = LEXICAL_MODEL, prefix = ''): GeneratedFile[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory()
      ? lexicalFiles(full, `${prefix}${name}/`)
      : [{ path: `${prefix}${name}`, bytes: readFileSync(full) }];
  });
}

let box: Sandbox;
let server: ModelServer;
let env: Record<string, string>;

beforeAll(async () => {
  box = sandbox('none');
  const files = lexicalFiles();
  server = await startModelServer(files);
  const manifest = path.join(box.dir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify(manifestFor(files, server.baseUrl, 'lexical-test')));
  // No HIPPO_MODEL_DIR: the model is looked for (and fetched into) HIPPO_HOME/models.
  env = { HIPPO_HOME: box.env.HIPPO_HOME, HIPPO_DB: box.db, HIPPO_MODEL_MANIFEST: manifest };
});

afterAll(async () => {
  await server.close();
  box.cleanup();
});

describe('hippo model status / fetch', () => {
  it('status exits 1 while the model is missing', async () => {
    const r = await runCli(['model', 'status'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('not found');
    expect(r.stdout).toContain('hippo model fetch');
  });

  it('fetch downloads the model, then embeds the facts stored in text-only mode', async () => {
    const facts = ['Text only fact about sailing boats', 'Another text only fact about mountain bikes'];
    for (const fact of facts) {
      expect(json<EncodeOutput>(await runCli(['encode', fact, '--json'], { env })).mode).toBe('text-only');
    }
    expect(json<Stats>(await runCli(['stats', '--json'], { env })).pending_embeddings).toBe(2);

    const r = await runCli(['model', 'fetch'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Model lexical-test is ready in');
    expect(r.stderr).toContain('Embedded 2 facts and labels stored while the model was missing.');
    expect(existsSync(path.join(env.HIPPO_HOME!, 'models', 'all-MiniLM-L6-v2', 'onnx', 'model.onnx'))).toBe(
      true,
    );

    const stats = json<Stats>(await runCli(['stats', '--json'], { env }));
    expect(stats).toMatchObject({ mode: 'hybrid', pending_embeddings: 0, model: expect.any(String) });
    const recall = json<RecallOutput>(await runCli(['recall', 'sailing boats', '--json'], { env }));
    expect(recall.mode).toBe('hybrid');
    expect(recall.results[0]).toMatchObject({ content: facts[0], similarity: expect.any(Number) });

    const status = await runCli(['model', 'status', '--json'], { env });
    expect(status.code).toBe(0);
    expect(json<{ ok: boolean; value: { foundIn: string } }>(status)).toMatchObject({
      ok: true,
      value: { foundIn: expect.any(String) },
    });

    const again = await runCli(['model', 'fetch', '--json'], { env });
    expect(again.code).toBe(0);
    expect(json<{ ok: boolean }>(again).ok).toBe(true);
  });

  it('fetch does not create a database that does not exist yet', async () => {
    const fresh = path.join(box.dir, 'never-used.db');
    const r = await runCli(['model', 'fetch', '--db', fresh], { env });
    expect(r.code).toBe(0);
    expect(existsSync(fresh)).toBe(false);
  });

  it('fetch exits 1 with one stderr line when the download fails', async () => {
    const broken = path.join(box.dir, 'broken-manifest.json');
    writeFileSync(
      broken,
      JSON.stringify(manifestFor([{ path: 'missing.bin', bytes: Buffer.from('x') }], server.baseUrl, 'gone')),
    );
    const { HIPPO_HOME: _h, ...rest } = env;
    const r = await runCli(['model', 'fetch'], {
      env: { ...rest, HIPPO_HOME: path.join(box.dir, 'home2'), HIPPO_MODEL_MANIFEST: broken },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^hippo model fetch: DOWNLOAD_FAILED: /);
  });
});
