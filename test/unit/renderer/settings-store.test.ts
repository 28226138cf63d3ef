import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService } from '../../../src/main/app-service/app-service';
import { ApiServerPort } from '../../../src/main/shell/api-server-port';
import { ALL_SETTING_KEYS, ShellSettings } from '../../../src/main/shell/settings-port';
import { SettingsStore } from '../../../src/main/settings-store';
import type { HippoClient, Theme } from '../../../src/shared/ipc-contract';
import {
  applyTheme,
  createSettingsStore,
  THEME_STORAGE_KEY,
  type KeyValue,
} from '../../../src/renderer/src/store/settings-store';
import { createNodeEmbedder } from '../../../src/main/embedder/embedder-client';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';

/** localStorage's contract over a Map: what the page keeps between visits. */
function memoryStorage(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

/** The Settings screen's store over the real app service, settings file and API server. */
describe('the settings store, as the desktop app runs it', () => {
  let mem: ReturnType<typeof openLexicalMemory>;
  let api: ApiServerPort;
  let client: HippoClient;
  let settingsFile: string;
  const themesApplied: Theme[] = [];
  // A port the API server can take; 1024+ as the setting requires.
  const port = 40_000 + Math.floor(Math.random() * 20_000);

  beforeAll(() => {
    // The API server wants the managed embedder (it reports its queue), as the app passes it.
    const embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
    mem = openLexicalMemory({ embedder });
    settingsFile = join(mem.dir, 'settings.json');
    api = new ApiServerPort({
      memory: mem.memory,
      embedder,
      tokenFile: join(mem.dir, 'api-token'),
    });
    const settings = new ShellSettings({
      store: new SettingsStore(settingsFile),
      editable: ALL_SETTING_KEYS,
      applyTheme: (t) => themesApplied.push(t),
      api,
    });
    client = createAppService({
      memory: mem.memory,
      embedder: mem.embedder,
      appInfo: () => ({
        version: '9.9.9',
        shell: 'electron',
        data_dir: mem.dir,
        hotkey_error: null,
        api_url: api.url,
      }),
      settings,
      api,
    });
  });
  afterAll(async () => {
    await api.close();
    await mem.close();
  });

  const saved = (): Record<string, unknown> => JSON.parse(readFileSync(settingsFile, 'utf8'));

  it('loads what the app is, its settings, the API and the model', async () => {
    const store = createSettingsStore(client, { storage: memoryStorage() });
    await store.getState().load();
    const s = store.getState();
    expect(s.error).toBeNull();
    expect(s.info).toMatchObject({ version: '9.9.9', data_dir: mem.dir });
    expect(s.view?.settings).toMatchObject({ theme: 'system', launch_at_login: false, api_enabled: false });
    expect(s.settingsNote).toBeNull();
    for (const key of ALL_SETTING_KEYS) expect(s.canEdit(key)).toBe(true);
    expect(s.api).toMatchObject({ running: false, manageable: true });
    expect(s.model).toMatchObject({ state: 'ready', can_download: false });
  });

  it('saves the theme to the settings file, applies it in the shell and remembers it for the first paint', async () => {
    const storage = memoryStorage();
    const store = createSettingsStore(client, { storage });
    await store.getState().load();
    expect(await store.getState().setTheme('dark')).toBe(true);
    expect(store.getState().theme).toBe('dark');
    expect(saved()).toMatchObject({ theme: 'dark' });
    expect(themesApplied.at(-1)).toBe('dark');
    expect(storage.map.get(THEME_STORAGE_KEY)).toBe('dark');
    // A new page starts from what this one kept.
    expect(createSettingsStore(client, { storage }).getState().theme).toBe('dark');

    const html = { dataset: {} as { theme?: string } };
    applyTheme(html, store.getState().theme);
    expect(html.dataset.theme).toBe('dark');
  });

  it('saves the hotkey and launch at login; a refused value shows its reason by the field and saves nothing', async () => {
    const store = createSettingsStore(client, { storage: memoryStorage() });
    await store.getState().load();
    expect(await store.getState().update({ hotkey: 'CommandOrControl+Alt+H' })).toBe(true);
    expect(await store.getState().update({ launch_at_login: true })).toBe(true);
    expect(store.getState().notice).toBe('Saved.');
    expect(saved()).toMatchObject({ hotkey: 'CommandOrControl+Alt+H', launchAtLogin: true });

    expect(await store.getState().update({ api_port: 80 })).toBe(false);
    expect(store.getState().fieldErrors.api_port).toBe('api_port must be 1024-65535');
    expect(saved()).not.toHaveProperty('apiPort', 80);
    // Fixing the field clears its error.
    expect(await store.getState().update({ api_port: port })).toBe(true);
    expect(store.getState().fieldErrors.api_port).toBeUndefined();
  });

  it('turns the API server on, shows its address and token, copies it, and regenerates it', async () => {
    const store = createSettingsStore(client, { storage: memoryStorage() });
    await store.getState().load();
    expect(await store.getState().update({ api_enabled: true })).toBe(true);
    const on = store.getState().api!;
    expect(on).toMatchObject({ running: true, url: `http://127.0.0.1:${port}`, manageable: true });
    expect(on.token).toMatch(/\S{20,}/);
    // The server answers with that token.
    const ping = await fetch(`${on.url}/api/v1/call/stats:get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${on.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ping.status).toBe(200);

    const copied: string[] = [];
    await store.getState().copyToken(async (t) => void copied.push(t));
    expect(copied).toEqual([on.token]);
    expect(store.getState().notice).toBe('Token copied.');
    await store.getState().copyToken(() => Promise.reject(new Error('denied')));
    expect(store.getState().notice).toMatch(/^Could not copy here/);

    expect(await store.getState().regenerateToken()).toBe(true);
    const fresh = store.getState().api!.token;
    expect(fresh).not.toBe(on.token);
    const old = await fetch(`${on.url}/api/v1/call/stats:get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${on.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(old.status).toBe(401);

    expect(await store.getState().update({ api_enabled: false })).toBe(true);
    expect(store.getState().api).toMatchObject({ running: false, url: null });
  });
});

describe('the settings store on a face without settings (a browser against hippo serve)', () => {
  let mem: ReturnType<typeof openLexicalMemory>;
  let client: HippoClient;

  beforeAll(() => {
    mem = openLexicalMemory();
    client = createAppService({
      memory: mem.memory,
      embedder: mem.embedder,
      appInfo: () => ({
        version: '9.9.9',
        shell: 'browser',
        data_dir: mem.dir,
        hotkey_error: null,
        api_url: null,
      }),
    });
  });
  afterAll(async () => mem.close());

  it('says what the face offers instead of failing, and keeps the theme in the browser', async () => {
    const storage = memoryStorage();
    const store = createSettingsStore(client, { storage });
    await store.getState().load();
    const s = store.getState();
    expect(s.error).toBeNull();
    expect(s.view).toBeNull();
    expect(s.settingsNote).toBe('Settings can only be changed in the Hippo desktop app');
    expect(s.info?.data_dir).toBe(mem.dir);
    expect(s.api).toMatchObject({ running: false, manageable: false });
    expect(s.model?.can_download).toBe(false);
    expect(s.canEdit('hotkey')).toBe(false);
    expect(s.canEdit('api_enabled')).toBe(false);
    expect(s.canEdit('theme')).toBe(true);

    expect(await store.getState().setTheme('light')).toBe(true);
    expect(store.getState().theme).toBe('light');
    expect(store.getState().notice).toBe('Saved in this browser.');
    expect(storage.map.get(THEME_STORAGE_KEY)).toBe('light');
  });

  it('a download this face cannot do is an error in words, not a crash', async () => {
    const store = createSettingsStore(client, { storage: memoryStorage() });
    await store.getState().load();
    await store.getState().downloadModel();
    expect(store.getState().modelError).toBe(
      'Downloading the model can only be changed in the Hippo desktop app',
    );
  });
});
