// @vitest-environment happy-dom
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService } from '../../../../src/main/app-service/app-service';
import { createNodeEmbedder, type EmbedderClient } from '../../../../src/main/embedder/embedder-client';
import { Memory } from '../../../../src/main/memory/memory';
import { userModelDir } from '../../../../src/main/paths';
import { ModelDownloader } from '../../../../src/main/shell/model-download-port';
import { SettingsScreen } from '../../../../src/renderer/src/screens/SettingsScreen';
import { createSettingsStore } from '../../../../src/renderer/src/store/settings-store';
import type { HippoClient } from '../../../../src/shared/ipc-contract';
import { LEXICAL_MODEL_DIR } from '../../../helpers/lexical-memory';
import { makeTempDir } from '../../../helpers/temp-dir';
import {
  manifestFor,
  modelFilesIn,
  startModelServer,
  type ModelServer,
} from '../../../integration/model-fetch/model-server';

/**
 * The Settings screen's model section over the real app service and ModelDownloader, fetching the
 * generated model from a local HTTP server. The weights' request is held back until the test lets
 * it go (a stalled network), so the running download can be seen and cancelled.
 */
describe('Settings: downloading the model from the screen', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let server: ModelServer;
  let embedder: EmbedderClient;
  let memory: Memory;
  let downloader: ModelDownloader;
  let client: HippoClient;
  let release: () => void = () => undefined;
  let stalled = true;
  /** The manifest's last file: the ones before it arrive, then the download waits on it. */
  let stallPath = '';
  /** Its size: every byte but these has arrived once the download waits on it. */
  let stallBytes = 0;

  beforeAll(async () => {
    // The download runs in this process as it would in the app's main process, but here fetch is
    // happy-dom's, which applies a page's same-origin policy to the model server; main has none.
    (
      window as unknown as { happyDOM: { settings: { fetch: { disableSameOriginPolicy: boolean } } } }
    ).happyDOM.settings.fetch.disableSameOriginPolicy = true;
    tmp = makeTempDir('hippo-settings-model-');
    const files = modelFilesIn(LEXICAL_MODEL_DIR);
    stallPath = files.at(-1)!.path;
    stallBytes = files.at(-1)!.bytes.length;
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
      fetchImpl: async (url, init) => {
        if (stalled && String(url).endsWith(stallPath)) {
          const gate = new Promise<void>((r) => (release = r));
          const aborted = new Promise<void>((_, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
          );
          await Promise.race([gate, aborted]);
        }
        return fetch(url, init);
      },
    });
    client = createAppService({
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
    await memory.encode({ content: 'the spare key is under the blue flowerpot' });
  });
  afterAll(async () => {
    cleanup();
    downloader.cancel();
    await downloader.settled();
    await memory.close();
    await embedder.close();
    await server.close();
    tmp.cleanup();
  });

  it('downloads with a progress bar, cancels, and resumes to a ready model', async () => {
    const store = createSettingsStore(client, { pollMs: 30 });
    render(<SettingsScreen store={store} client={client} />);
    const section = await screen.findByRole('region', { name: 'Embedding model' });
    await waitFor(() => expect(section.textContent).toContain('Not downloaded: recall matches words only.'));
    expect(section.textContent).toContain('1 facts are waiting for their embedding.');
    const user = userEvent.setup();

    await user.click(within(section).getByRole('button', { name: 'Download the model' }));
    // The files before the stalled one arrive: the bar shows how much of the whole that is.
    const bar = await within(section).findByRole('progressbar', { name: 'Model download' });
    // Cancel only once the download waits on the stalled file: a cancel while an earlier file
    // streams depends on how fast the loaded machine gets there, which a test must not.
    await waitFor(() => expect(downloader.current()?.bytes).toBe(downloader.current()!.total - stallBytes), {
      timeout: 30_000,
    });
    // Then the polled bar catches up with it and stays.
    await waitFor(() => {
      expect((bar as HTMLProgressElement).value).toBeGreaterThan(0);
      expect((bar as HTMLProgressElement).value).toBe(downloader.current()!.bytes);
    });
    expect((bar as HTMLProgressElement).max).toBe(downloader.current()!.total);
    expect(section.textContent).toMatch(/[\d.]+ MB of [\d.]+ MB · /);
    expect(section.textContent).toContain(`· ${downloader.current()!.file}`);

    await user.click(within(section).getByRole('button', { name: 'Cancel download' }));
    await waitFor(
      () =>
        expect(within(section).getByRole('alert').textContent).toMatch(
          /^The download stopped: The download was cancelled/,
        ),
      { timeout: 10_000 },
    );
    expect(within(section).queryByRole('progressbar')).toBeNull();

    stalled = false;
    release();
    await user.click(within(section).getByRole('button', { name: 'Try the download again' }));
    await waitFor(() => expect(section.textContent).toContain('Ready: recall understands meaning'), {
      timeout: 20_000,
    });
    expect(within(section).queryByRole('button')).toBeNull();
    expect(within(section).queryByRole('alert')).toBeNull();
    store.getState().stop();
  });
});
