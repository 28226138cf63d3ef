import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CliIo } from '../../../src/cli/main';
import { serve } from '../../../src/cli/serve-command';
import { createAppService } from '../../../src/main/app-service/app-service';
import { appSettingsFile, appTokenFile, openBackend, type Backend } from '../../../src/main/app-lifecycle';
import { nodeWorkerHostFactory } from '../../../src/main/embedder/node-worker-host';
import { GlobalHotkey, type ShortcutRegistry } from '../../../src/main/hotkey';
import { SettingsStore } from '../../../src/main/settings-store';
import { createShellPorts, type ShellPorts } from '../../../src/main/shell/shell-ports';
import type { ApiStatus, SettingsView, Theme } from '../../../src/shared/ipc-contract';
import { LEXICAL_MODEL_DIR } from '../../helpers/lexical-memory';
import { makeTempDir } from '../../helpers/temp-dir';
import { Capture, sandbox, type Sandbox } from '../cli/cli-harness';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function registry(): ShortcutRegistry & { owned: Set<string> } {
  const owned = new Set<string>();
  return {
    owned,
    register(accelerator) {
      if (owned.has(accelerator)) return false;
      owned.add(accelerator);
      return true;
    },
    unregister: (accelerator) => void owned.delete(accelerator),
  };
}

describe('the desktop app shell ports, built as the Electron main builds them', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let env: Record<string, string>;
  let backend: Backend | null;
  let ports: ShellPorts | null;

  beforeEach(() => {
    backend = null;
    ports = null;
    tmp = makeTempDir('hippo-shell-');
    env = { HIPPO_USER_DATA_DIR: tmp.dir, HIPPO_MODEL_DIR: LEXICAL_MODEL_DIR };
  });
  afterEach(async () => {
    await ports?.close();
    await backend?.close();
    tmp.cleanup();
  });

  it('applies the stored settings at start, serves the API, and stops it before the database closes', async () => {
    const port = await freePort();
    writeFileSync(
      appSettingsFile(env),
      JSON.stringify({
        hotkey: 'Alt+H',
        launchAtLogin: true,
        theme: 'dark',
        apiEnabled: true,
        apiPort: port,
      }),
    );
    backend = openBackend({ env, hostFactory: nodeWorkerHostFactory({}) });
    const os = registry();
    const hotkey = new GlobalHotkey(os, () => undefined);
    const themes: Theme[] = [];
    const logins: boolean[] = [];
    let changes = 0;
    ports = createShellPorts(backend, {
      env,
      store: new SettingsStore(appSettingsFile(env)),
      hotkey,
      loginItems: { setLoginItemSettings: (s) => void logins.push(s.openAtLogin) },
      applyTheme: (t) => void themes.push(t),
      log: () => undefined,
      onSettingsChanged: () => void changes++,
    });
    const shell = ports;
    await shell.applyStored();
    expect([...os.owned]).toEqual(['Alt+H']);
    expect(themes).toEqual(['dark']);
    expect(logins).toEqual([true]);

    const service = createAppService({
      memory: backend.memory,
      embedder: backend.embedder,
      appInfo: () => ({
        version: 't',
        shell: 'electron',
        data_dir: tmp.dir,
        hotkey_error: hotkey.error,
        api_url: shell.api?.url ?? null,
      }),
      settings: ports.settings,
      api: ports.api ?? undefined,
      modelDownload: ports.modelDownload ?? undefined,
    });
    const status = (await service.dispatch('api:status', {})) as { ok: true; value: ApiStatus };
    expect(status.value).toMatchObject({ running: true, url: `http://127.0.0.1:${port}`, manageable: true });
    expect(status.value.token_file).toBe(appTokenFile(env));
    expect(status.value.token).toBe(readFileSync(appTokenFile(env), 'utf8').trim());
    const info = (await service.dispatch('app:info', {})) as { ok: true; value: { api_url: string } };
    expect(info.value.api_url).toBe(`http://127.0.0.1:${port}`);
    const model = (await service.dispatch('model:status', {})) as {
      ok: true;
      value: { can_download: boolean };
    };
    expect(model.value.can_download).toBe(true);

    const updated = (await service.dispatch('settings:update', { patch: { theme: 'light' } })) as {
      ok: true;
      value: SettingsView;
    };
    expect(updated.value.settings.theme).toBe('light');
    expect(changes).toBe(1);

    // The quit order of index.ts: the ports, then the database.
    await ports.close();
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    await backend.close();
  });

  it('without a database the settings still apply and save; the API cannot run', async () => {
    const os = registry();
    ports = createShellPorts(null, {
      env,
      store: new SettingsStore(appSettingsFile(env)),
      hotkey: new GlobalHotkey(os, () => undefined),
      log: () => undefined,
    });
    await ports.applyStored();
    expect(ports.api).toBeNull();
    expect(ports.modelDownload).toBeNull();
    const view = await ports.settings.update({ api_enabled: true });
    expect(view.settings.api_enabled).toBe(true);
    expect([...os.owned]).toEqual(['CommandOrControl+Shift+Space']);
  });
});

describe('hippo serve: settings and API status through its page', () => {
  let box: Sandbox;
  beforeEach(() => (box = sandbox('lexical')));
  afterEach(() => box.cleanup());

  it('lets the page change the theme in the shared settings file and nothing else', async () => {
    const io: CliIo = {
      stdin: Readable.from([]),
      stdout: new Capture(),
      stderr: new Capture(),
      env: box.env,
      isTTY: false,
    };
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = serve(io, {}, { port: 0, ui: false, json: true }, () => ({
      stopped,
      dispose: () => undefined,
    }));
    const out = io.stdout as Capture;
    for (let i = 0; i < 600 && !out.text.includes('\n'); i++) await sleep(50);
    const { url, token_file } = JSON.parse(out.text) as { url: string; token_file: string };
    const token = readFileSync(token_file, 'utf8').trim();
    const call = async (channel: string, body: unknown = {}) => {
      const res = await fetch(`${url}/api/v1/call/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      const view = await call('settings:get');
      expect(view.status).toBe(200);
      expect(view.body.value).toMatchObject({ editable: ['theme'], hotkey_error: null });

      const themed = await call('settings:update', { patch: { theme: 'dark' } });
      expect(themed.status).toBe(200);
      const settingsFile = join(box.env.HIPPO_HOME, 'settings.json');
      expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toMatchObject({ theme: 'dark' });

      const hotkey = await call('settings:update', { patch: { hotkey: 'Alt+H' } });
      expect(hotkey.status).toBe(501);
      expect(hotkey.body).toMatchObject({ error: { code: 'NOT_SUPPORTED' } });

      const api = await call('api:status');
      expect(api.body.value).toEqual({
        running: true,
        url,
        token: null,
        token_file,
        error: null,
        manageable: false,
      });
      const regenerate = await call('api:regenerate');
      expect(regenerate.status).toBe(501);
      expect(readFileSync(token_file, 'utf8').trim()).toBe(token);

      const download = await call('model:download');
      expect(download.status).toBe(501);
      const model = await call('model:status');
      expect(model.body.value).toMatchObject({ can_download: false });
    } finally {
      stop();
      expect(await running).toBe(0);
    }
  });
});
