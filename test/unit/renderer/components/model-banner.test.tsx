// @vitest-environment happy-dom
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppService } from '../../../../src/main/app-service/app-service';
import { createNodeEmbedder, type EmbedderClient } from '../../../../src/main/embedder/embedder-client';
import { Memory } from '../../../../src/main/memory/memory';
import { userModelDir } from '../../../../src/main/paths';
import { ModelDownloader } from '../../../../src/main/shell/model-download-port';
import { MODEL_BANNER_DISMISSED_KEY, ModelBanner } from '../../../../src/renderer/src/screens/ModelBanner';
import type { HippoClient } from '../../../../src/shared/ipc-contract';
import { LEXICAL_MODEL_DIR } from '../../../helpers/lexical-memory';
import { makeTempDir } from '../../../helpers/temp-dir';
import {
  manifestFor,
  modelFilesIn,
  startModelServer,
  type ModelServer,
} from '../../../integration/model-fetch/model-server';
import { openRealClient } from './real-client';

const APP_INFO = {
  version: 't',
  shell: 'electron',
  data_dir: '/tmp',
  hotkey_error: null,
  api_url: null,
} as const;

/** Storage like the page's, kept in memory so each test starts from a first run. */
function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  };
}

describe('the first-run model banner over the real app service and downloader', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let server: ModelServer;
  let embedder: EmbedderClient;
  let memory: Memory;
  let downloader: ModelDownloader;
  let client: HippoClient;

  beforeAll(async () => {
    // The downloader runs here as in the app's main process, but with happy-dom's fetch, which
    // would apply a page's same-origin policy to the model server.
    (
      window as unknown as { happyDOM: { settings: { fetch: { disableSameOriginPolicy: boolean } } } }
    ).happyDOM.settings.fetch.disableSameOriginPolicy = true;
    tmp = makeTempDir('hippo-model-banner-');
    const files = modelFilesIn(LEXICAL_MODEL_DIR);
    server = await startModelServer(files);
    const manifestPath = join(tmp.dir, 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify(manifestFor(files, server.baseUrl, 'lexical-test')));
    const userDataDir = join(tmp.dir, 'home');
    embedder = createNodeEmbedder({ env: {}, userDataDir, threads: 1 });
    memory = Memory.open({ dbPath: join(tmp.dir, 'hippo.db'), embedder, backgroundEmbedding: true });
    downloader = new ModelDownloader({
      destDir: userModelDir(userDataDir),
      env: { HIPPO_MODEL_MANIFEST: manifestPath },
      embedder,
      onModelReady: () => memory.stats(),
    });
    client = createAppService({ memory, embedder, appInfo: () => APP_INFO, modelDownload: downloader });
  });
  afterEach(cleanup);
  afterAll(async () => {
    downloader.cancel();
    await downloader.settled();
    await memory.close();
    await embedder.close();
    await server.close();
    tmp.cleanup();
  });

  it('"Not now" hides the offer and is remembered on this device', async () => {
    const storage = memoryStorage();
    const first = render(<ModelBanner client={client} storage={storage} />);
    const banner = await screen.findByRole('region', { name: 'Set up search by meaning' });
    await userEvent.setup().click(within(banner).getByRole('button', { name: /^Not now/ }));
    expect(screen.queryByRole('region', { name: 'Set up search by meaning' })).toBeNull();
    expect(storage.getItem(MODEL_BANNER_DISMISSED_KEY)).toBe('1');
    first.unmount();

    render(<ModelBanner client={client} storage={storage} />);
    // The model state answers, and the banner still stays away.
    await new Promise((r) => setTimeout(r, 200));
    expect(screen.queryByRole('region', { name: 'Set up search by meaning' })).toBeNull();
  });

  it('offers the download on first run, shows it through, then says search by meaning is ready', async () => {
    render(<ModelBanner client={client} storage={memoryStorage()} />);
    const banner = await screen.findByRole('region', { name: 'Set up search by meaning' });
    expect(banner.textContent).toContain('finds facts by their words now');
    await userEvent.setup().click(within(banner).getByRole('button', { name: 'Download the model' }));
    expect((await screen.findByRole('status')).textContent).toBe('Search by meaning is ready.');
    expect(screen.queryByRole('region', { name: 'Set up search by meaning' })).toBeNull();
    expect(await embedder.ready()).toBe(true);
  });
});

describe('the model banner where nothing needs doing', () => {
  it('shows nothing where the face cannot download the model (a browser page against hippo serve)', async () => {
    const real = openRealClient();
    try {
      const { container } = render(<ModelBanner client={real.client} storage={memoryStorage()} />);
      expect((await real.client['model:status']({})).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(container.innerHTML).toBe('');
    } finally {
      cleanup();
      await real.close();
    }
  });
});
