import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { stagingDirFor } from '../../../src/main/embedder/model-fetch';
import { Memory } from '../../../src/main/memory/memory';
import { userModelDir } from '../../../src/main/paths';
import { ModelDownloader } from '../../../src/main/shell/model-download-port';
import type { ModelDownload, ModelStatus } from '../../../src/shared/ipc-contract';
import { LEXICAL_MODEL_DIR } from '../../helpers/lexical-memory';
import { makeTempDir } from '../../helpers/temp-dir';
import {
  manifestFor,
  modelFilesIn,
  startModelServer,
  type GeneratedFile,
  type ModelServer,
} from '../model-fetch/model-server';

/** The generated lexical model's files, served as if they were the real model's. */
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('downloading the model from the app (ModelDownloader)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let files: GeneratedFile[];
  let server: ModelServer;
  let userDataDir: string;
  let destDir: string;
  let embedder: EmbedderClient;
  let memory: Memory;
  let downloader: ModelDownloader;
  let service: AppService;
  let events: ModelDownload[];
  let onChange: (d: ModelDownload) => void;

  beforeEach(async () => {
    tmp = makeTempDir('hippo-model-download-');
    files = modelFilesIn(LEXICAL_MODEL_DIR);
    server = await startModelServer(files);
    const manifestPath = join(tmp.dir, 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify(manifestFor(files, server.baseUrl, 'lexical-test')));
    userDataDir = join(tmp.dir, 'home');
    destDir = userModelDir(userDataDir);
    // Searches exactly where the app does: the user data model folder (no HIPPO_MODEL_DIR).
    embedder = createNodeEmbedder({ env: {}, userDataDir, threads: 1 });
    memory = Memory.open({ dbPath: join(tmp.dir, 'hippo.db'), embedder, backgroundEmbedding: true });
    events = [];
    onChange = () => undefined;
    downloader = new ModelDownloader({
      destDir,
      env: { HIPPO_MODEL_MANIFEST: manifestPath },
      embedder,
      onModelReady: () => memory.stats(),
      onChange: (d) => {
        events.push(d);
        onChange(d);
      },
    });
    service = createAppService({
      memory,
      embedder,
      appInfo: () => ({
        version: 't',
        shell: 'electron',
        data_dir: tmp.dir,
        hotkey_error: null,
        api_url: null,
      }),
      modelDownload: downloader,
    });
  });

  afterEach(async () => {
    downloader.cancel();
    await downloader.settled();
    await memory.close();
    await embedder.close();
    await server.close();
    tmp.cleanup();
  });

  async function status(channel = 'model:status'): Promise<ModelStatus> {
    const result = await service.dispatch(channel, {});
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as ModelStatus;
  }

  it('reports progress, cancels keeping the partial, resumes, and the model is ready without a restart', async () => {
    const before = await status();
    expect(before).toMatchObject({ state: 'missing', can_download: true, download: null });
    await memory.encode({ content: 'the spare key is under the blue flowerpot' });
    expect((await status()).pending).toBe(1);

    // Cancel once part of the weights has arrived.
    onChange = (d) => {
      if (d.file === 'onnx/model.onnx' && d.bytes > d.total / 3) void service.dispatch('model:cancel', {});
    };
    const started = await status('model:download');
    expect(started.state).toBe('downloading');
    expect(started.download).toMatchObject({ error: null });
    await downloader.settled();

    const cancelled = await status();
    expect(cancelled.state).toBe('missing');
    const total = files.reduce((n, f) => n + f.bytes.length, 0);
    expect(cancelled.download).toMatchObject({ file: 'onnx/model.onnx', total });
    expect(cancelled.download!.bytes).toBeGreaterThan(total / 3);
    expect(cancelled.download!.bytes).toBeLessThan(total);
    expect(cancelled.download!.error).toMatch(/cancelled.*resumes/);
    const partial = statSync(join(stagingDirFor(destDir), 'onnx', 'model.onnx')).size;
    expect(partial).toBeGreaterThan(0);

    onChange = () => undefined;
    events = [];
    await status('model:download');
    expect(downloader.running()).toBe(true);
    await downloader.settled();
    // Resumed with a Range request from the kept bytes rather than starting over.
    expect(server.requests.some((r) => r.path === 'onnx/model.onnx' && r.range === `bytes=${partial}-`)).toBe(
      true,
    );
    expect(events.at(-1)).toMatchObject({ bytes: total, total, error: null });
    const bytes = events.map((e) => e.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));

    const ready = await status();
    expect(ready).toMatchObject({ state: 'ready', download: null, message: null });
    expect(ready.model_id).toMatch(/^minilm:/);
    // What was stored without the model gets its embedding in the background.
    await until('the pending fact to be embedded', async () => (await status()).pending === 0);
    const found = await memory.recall('spare key');
    expect(found[0]?.content).toMatch(/blue flowerpot/);
    expect(memory.mode).toBe('hybrid');
  });

  it('a second start while one runs joins it instead of starting another', async () => {
    downloader.start();
    downloader.start();
    await status('model:download');
    await downloader.settled();
    expect(server.requests.filter((r) => r.path === 'onnx/model.onnx')).toHaveLength(1);
    expect((await status()).state).toBe('ready');
  });

  it('shows why a download failed and stays usable', async () => {
    server.serve('tokenizer.json', Buffer.from('not the tokenizer the manifest pins'));
    await status('model:download');
    await downloader.settled();
    const failed = await status();
    expect(failed.state).toBe('missing');
    expect(failed.download?.error).toMatch(/tokenizer\.json/);
    expect(downloader.running()).toBe(false);
    expect((await memory.stats()).mode).toBe('text-only');
  });

  it('a model that failed to load is replaced and loaded at once, without waiting out the back-off', async () => {
    // A broken model in the folder: the embedder remembers the failure for 30 s by default.
    mkdirSync(join(destDir, 'onnx'), { recursive: true });
    for (const f of files)
      if (f.path !== 'onnx/model.onnx') {
        mkdirSync(join(destDir, f.path, '..'), { recursive: true });
        copyFileSync(join(LEXICAL_MODEL_DIR, f.path), join(destDir, f.path));
      }
    writeFileSync(join(destDir, 'onnx', 'model.onnx'), 'this is not an onnx protobuf');
    expect((await status()).state).toBe('failed');
    await status('model:download');
    await downloader.settled();
    expect((await status()).state).toBe('ready');
  });
});
