// @vitest-environment happy-dom
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService } from '../../../../src/main/app-service/app-service';
import { appSettingsFile, openBackend, type Backend } from '../../../../src/main/app-lifecycle';
import { nodeWorkerHostFactory } from '../../../../src/main/embedder/node-worker-host';
import { SettingsStore } from '../../../../src/main/settings-store';
import { createShellPorts, type ShellPorts } from '../../../../src/main/shell/shell-ports';
import { SettingsScreen } from '../../../../src/renderer/src/screens/SettingsScreen';
import { createSettingsStore } from '../../../../src/renderer/src/store/settings-store';
import type { HippoClient } from '../../../../src/shared/ipc-contract';
import { MODEL_CATALOG } from '../../../../src/shared/model-catalog';
import { makeTempDir } from '../../../helpers/temp-dir';
import { homeWithBothModels } from '../../../helpers/two-models';

/**
 * The Settings screen's model choice over the app's real backend and ports: both generated models
 * in the data folder, the switch going through model:use to the embedder, the database and
 * settings.json.
 */
describe('Settings: choosing the embedding model', () => {
  const tmp = makeTempDir('hippo-settings-choice-');
  const env = { HIPPO_USER_DATA_DIR: tmp.dir };
  let backend: Backend;
  let ports: ShellPorts;
  let client: HippoClient;

  beforeAll(async () => {
    homeWithBothModels(tmp.dir);
    backend = openBackend({ env, hostFactory: nodeWorkerHostFactory({}) });
    ports = createShellPorts(backend, {
      env,
      store: new SettingsStore(appSettingsFile(env)),
      log: () => undefined,
    });
    client = createAppService({
      memory: backend.memory,
      embedder: backend.embedder,
      appInfo: () => ({
        version: 't',
        shell: 'electron',
        data_dir: tmp.dir,
        hotkey_error: null,
        api_url: null,
      }),
      settings: ports.settings,
      modelDownload: ports.modelDownload ?? undefined,
      modelChoice: ports.modelChoice ?? undefined,
    });
    await backend.memory.encode({ content: 'the spare key is under the blue flowerpot' });
  });
  afterAll(async () => {
    cleanup();
    await ports.close();
    await backend.close();
    tmp.cleanup();
  });

  it('switches to bge-base and shows it running; a model that cannot load is refused and the choice stays', async () => {
    const store = createSettingsStore(client, { pollMs: 30 });
    render(<SettingsScreen store={store} client={client} />);
    const section = await screen.findByRole('region', { name: 'Embedding model' });
    const select = await within(section).findByRole<HTMLSelectElement>('combobox', { name: /Model/ });
    await waitFor(() => expect(section.textContent).toMatch(/\(minilm:[0-9a-f]+\)/));
    expect(select.value).toBe('minilm');
    expect([...select.options].map((o) => o.value)).toEqual(['minilm', 'bge-base']);
    const user = userEvent.setup();

    await user.selectOptions(select, 'bge-base');
    await waitFor(() => expect(section.textContent).toMatch(/\(bge-base:[0-9a-f]+\)/), { timeout: 20_000 });
    expect(select.value).toBe('bge-base');
    // The background re-embedding ends and the section says so by no longer counting.
    await waitFor(() => expect(section.textContent).not.toContain('Embedding every fact again'), {
      timeout: 20_000,
    });
    expect(JSON.parse(readFileSync(appSettingsFile(env), 'utf8')).model).toBe('bge-base');
    expect(backend.embedder.model).toBe(MODEL_CATALOG['bge-base']);

    rmSync(join(tmp.dir, 'models', MODEL_CATALOG.minilm.folder));
    await user.selectOptions(select, 'minilm');
    await waitFor(() =>
      expect(within(section).getByRole('alert').textContent).toMatch(/^minilm cannot be used: /),
    );
    expect(select.value).toBe('bge-base');
    expect(JSON.parse(readFileSync(appSettingsFile(env), 'utf8')).model).toBe('bge-base');
  });
});
