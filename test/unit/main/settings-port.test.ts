import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { GlobalHotkey, type ShortcutRegistry } from '../../../src/main/hotkey';
import type { LoginItemApp } from '../../../src/main/launch-at-login';
import { SETTINGS_FILE, SettingsStore } from '../../../src/main/settings-store';
import { ALL_SETTING_KEYS, ShellSettings } from '../../../src/main/shell/settings-port';
import { isHippoError } from '../../../src/shared/errors';
import type { Theme } from '../../../src/shared/ipc-contract';
import { makeTempDir } from '../../helpers/temp-dir';

/** Behaves like globalShortcut: one owner per accelerator, throws on nonsense accelerators. */
function fakeOs(takenByOthers: string[] = []) {
  const owned = new Map<string, () => void>();
  const registry: ShortcutRegistry = {
    register(accelerator, callback) {
      if (!/^[A-Za-z]+(\+[A-Za-z0-9]+)*$/.test(accelerator)) throw new Error('conversion failure');
      if (takenByOthers.includes(accelerator) || owned.has(accelerator)) return false;
      owned.set(accelerator, callback);
      return true;
    },
    unregister(accelerator) {
      owned.delete(accelerator);
    },
  };
  return { registry, owned };
}

/** Records what Electron's app.setLoginItemSettings would have been told. */
function fakeLoginItems() {
  const calls: Array<{ openAtLogin: boolean; openAsHidden?: boolean }> = [];
  const app: LoginItemApp = { setLoginItemSettings: (s) => void calls.push(s) };
  return { app, calls };
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isHippoError(e)) return e.toPayload();
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('ShellSettings (the desktop app)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  let os: ReturnType<typeof fakeOs>;
  let login: ReturnType<typeof fakeLoginItems>;
  let themes: Theme[];
  let hotkey: GlobalHotkey;

  function open(): ShellSettings {
    return new ShellSettings({
      store: new SettingsStore(file),
      editable: ALL_SETTING_KEYS,
      hotkey,
      loginItems: login.app,
      applyTheme: (t) => void themes.push(t),
    });
  }
  const saved = () => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

  beforeEach(() => {
    tmp = makeTempDir('hippo-settings-port-');
    file = join(tmp.dir, SETTINGS_FILE);
    os = fakeOs(['Alt+Space']);
    login = fakeLoginItems();
    themes = [];
    hotkey = new GlobalHotkey(os.registry, () => {});
  });
  afterEach(() => tmp.cleanup());

  it('shows the settings in the contract names, what can be changed, and no problem on first run', async () => {
    const settings = open();
    await settings.applyStored();
    expect(settings.view()).toEqual({
      settings: {
        hotkey: 'CommandOrControl+Shift+Space',
        launch_at_login: false,
        theme: 'system',
        api_enabled: false,
        api_port: 7821,
      },
      editable: ['hotkey', 'launch_at_login', 'theme', 'api_enabled', 'api_port'],
      hotkey_error: null,
      problem: null,
    });
    expect([...os.owned.keys()]).toEqual(['CommandOrControl+Shift+Space']);
    expect(login.calls).toEqual([{ openAtLogin: false, openAsHidden: false }]);
    expect(themes).toEqual(['system']);
  });

  it('applies and saves a new hotkey, letting go of the old one', async () => {
    const settings = open();
    await settings.applyStored();
    const view = await settings.update({ hotkey: 'Alt+Shift+H' });
    expect(view.settings.hotkey).toBe('Alt+Shift+H');
    expect(view.hotkey_error).toBeNull();
    expect([...os.owned.keys()]).toEqual(['Alt+Shift+H']);
    expect(saved().hotkey).toBe('Alt+Shift+H');
    // A fresh start reads it back from the file.
    expect(open().view().settings.hotkey).toBe('Alt+Shift+H');
  });

  it('saves a hotkey another app holds, reports it, and lets go of the previous one', async () => {
    const settings = open();
    await settings.applyStored();
    const view = await settings.update({ hotkey: 'Alt+Space' });
    expect(view.settings.hotkey).toBe('Alt+Space');
    expect(view.hotkey_error).toMatch(/"Alt\+Space" is already used by another app/);
    expect(os.owned.size).toBe(0);
    expect(saved().hotkey).toBe('Alt+Space');
    // Choosing a free one clears the error.
    const fixed = await settings.update({ hotkey: 'Alt+J' });
    expect(fixed.hotkey_error).toBeNull();
    expect([...os.owned.keys()]).toEqual(['Alt+J']);
  });

  it('refuses an accelerator that is not one with BAD_INPUT, saving nothing and keeping the old hotkey', async () => {
    const settings = open();
    await settings.applyStored();
    await settings.update({ theme: 'dark' });
    const before = readFileSync(file, 'utf8');
    const error = await rejection(settings.update({ hotkey: 'Ctrl++', theme: 'light' }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(/^hotkey: The shortcut "Ctrl\+\+" is not a valid key combination/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect([...os.owned.keys()]).toEqual(['CommandOrControl+Shift+Space']);
    expect(settings.view().settings.theme).toBe('dark');
    expect(settings.view().hotkey_error).toBeNull();
    expect(themes).toEqual(['system', 'dark']);
  });

  it('checks the whole patch before applying any of it', async () => {
    const settings = open();
    await settings.applyStored();
    const error = await rejection(settings.update({ hotkey: 'Alt+K', api_port: 80 }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(/apiPort must be 1024-65535/);
    expect([...os.owned.keys()]).toEqual(['CommandOrControl+Shift+Space']);
  });

  it('turns launch at login on and off through the login item', async () => {
    const settings = open();
    await settings.update({ launch_at_login: true });
    await settings.update({ launch_at_login: false });
    expect(login.calls).toEqual([
      { openAtLogin: true, openAsHidden: true },
      { openAtLogin: false, openAsHidden: false },
    ]);
    expect(saved().launchAtLogin).toBe(false);
  });

  it('applies the theme and keeps the file in the names older versions wrote', async () => {
    const settings = open();
    const view = await settings.update({ theme: 'dark', api_port: 9123 });
    expect(themes).toEqual(['dark']);
    expect(view.settings).toMatchObject({ theme: 'dark', api_port: 9123 });
    expect(saved()).toEqual({
      hotkey: 'CommandOrControl+Shift+Space',
      launchAtLogin: false,
      theme: 'dark',
      apiEnabled: false,
      apiPort: 9123,
      model: 'minilm',
    });
  });

  it('keeps and applies a theme the page of `hippo serve` saved meanwhile', async () => {
    const settings = open();
    await settings.applyStored();
    const served = new ShellSettings({ store: new SettingsStore(file), editable: ['theme'] });
    await served.update({ theme: 'dark' });
    const view = await settings.update({ hotkey: 'Alt+Shift+H' });
    expect(view.settings).toMatchObject({ hotkey: 'Alt+Shift+H', theme: 'dark' });
    expect(themes).toEqual(['system', 'dark']);
    expect(saved()).toMatchObject({ hotkey: 'Alt+Shift+H', theme: 'dark' });
  });

  it('holds the old hotkey again when the file cannot be written', async () => {
    const settings = open();
    await settings.applyStored();
    // A folder where the temp file must go makes the write fail, even for root.
    mkdirSync(`${file}.${process.pid}.tmp`, { recursive: true });
    await expect(settings.update({ hotkey: 'Alt+L' })).rejects.toThrow();
    expect([...os.owned.keys()]).toEqual(['CommandOrControl+Shift+Space']);
    expect(settings.view().settings.hotkey).toBe('CommandOrControl+Shift+Space');
  });

  it('shows the problem found in the settings file', () => {
    mkdirSync(file);
    expect(open().view().problem).toMatch(/could not read/);
  });
});

describe('ShellSettings (a face that may only change the theme)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir('hippo-settings-port-')));
  afterEach(() => tmp.cleanup());

  it('saves the theme and refuses the rest with NOT_SUPPORTED, saving nothing', async () => {
    const file = join(tmp.dir, SETTINGS_FILE);
    const settings = new ShellSettings({ store: new SettingsStore(file), editable: ['theme'] });
    expect(settings.view().editable).toEqual(['theme']);
    expect((await settings.update({ theme: 'light' })).settings.theme).toBe('light');
    const before = readFileSync(file, 'utf8');
    const error = await rejection(settings.update({ theme: 'dark', hotkey: 'Alt+H', api_enabled: true }));
    expect(error).toEqual({
      code: 'NOT_SUPPORTED',
      message: "hotkey, api_enabled can only be changed in the Hippo desktop app's settings",
    });
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(settings.view().hotkey_error).toBeNull();
  });
});
