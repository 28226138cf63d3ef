import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import { appSettingsFile, openBackend, type Backend } from '../../../src/main/app-lifecycle';
import { nodeWorkerHostFactory } from '../../../src/main/embedder/node-worker-host';
import { SettingsStore } from '../../../src/main/settings-store';
import { createShellPorts, type ShellPorts } from '../../../src/main/shell/shell-ports';
import type { ModelStatus } from '../../../src/shared/ipc-contract';
import { MODEL_CATALOG } from '../../../src/shared/model-catalog';
import { makeTempDir } from '../../helpers/temp-dir';
import { homeWithBothModels } from '../../helpers/two-models';

const APP_INFO = {
  version: 't',
  shell: 'electron',
  data_dir: '/tmp',
  hotkey_error: null,
  api_url: null,
} as const;

async function waitFor(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the settings screen model choice (model:use), over the app backend', () => {
  const tmp = makeTempDir('hippo-choice-');
  // No HIPPO_MODEL_DIR: each model is found in its folder of the app's data folder.
  const env = { HIPPO_USER_DATA_DIR: tmp.dir };
  let backend: Backend;
  let ports: ShellPorts;
  let service: AppService;

  beforeAll(() => {
    homeWithBothModels(tmp.dir);
    backend = openBackend({ env, hostFactory: nodeWorkerHostFactory({}) });
    ports = createShellPorts(backend, {
      env,
      store: new SettingsStore(appSettingsFile(env)),
      log: () => undefined,
    });
    service = createAppService({
      memory: backend.memory,
      embedder: backend.embedder,
      appInfo: () => APP_INFO,
      modelDownload: ports.modelDownload ?? undefined,
      modelChoice: ports.modelChoice ?? undefined,
    });
  });
  afterAll(async () => {
    await ports.close();
    await backend.close();
    tmp.cleanup();
  });

  const status = async (): Promise<ModelStatus> => {
    const r = await service['model:status']({});
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const savedModel = () =>
    (JSON.parse(readFileSync(appSettingsFile(env), 'utf8')) as { model: string }).model;

  it('switches to bge-base: saved, re-embedded in the background with the progress in model:status', async () => {
    for (let i = 0; i < 40; i++) await backend.memory.encode({ content: `harbour note ${i} about buoy${i}` });
    await waitFor(async () => (await status()).pending === 0);
    expect(await status()).toMatchObject({
      state: 'ready',
      name: 'minilm',
      reembedding_from: null,
      can_download: true,
    });

    const r = await service['model:use']({ model: 'bge-base' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      state: 'ready',
      name: 'bge-base',
      model_id: expect.stringMatching(/^bge-base:/),
      reembedding_from: expect.stringMatching(/^minilm:/),
      // bge-base's files are placed by hand: the app offers no download for it.
      can_download: false,
    });
    expect(savedModel()).toBe('bge-base');

    await waitFor(async () => (await status()).reembedding_from === null);
    expect((await status()).pending).toBe(0);
    const recall = await service['memory:recall']({ query: 'buoy17 harbour' });
    expect(recall.ok && recall.value.mode).toBe('hybrid');
    expect(recall.ok && recall.value.results[0]).toMatchObject({
      content: 'harbour note 17 about buoy17',
      similarity: expect.any(Number),
    });
    expect(backend.embedder.model).toBe(MODEL_CATALOG['bge-base']);
  });

  it('refuses a model that cannot load and keeps running the one it had, changing nothing', async () => {
    rmSync(join(tmp.dir, 'models', MODEL_CATALOG.minilm.folder));
    const r = await service['model:use']({ model: 'minilm' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('MODEL_MISSING');
    expect(r.error.message).toMatch(
      /^minilm cannot be used: The embedding model all-MiniLM-L6-v2 was not found/,
    );
    expect(savedModel()).toBe('bge-base');
    expect(await status()).toMatchObject({ state: 'ready', name: 'bge-base', reembedding_from: null });
    const recall = await service['memory:recall']({ query: 'buoy17 harbour' });
    expect(recall.ok && recall.value.mode).toBe('hybrid');
  });
});
