import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_PORT } from '../../../src/main/server/start-server';
import {
  DEFAULT_API_PORT,
  DEFAULT_SETTINGS,
  readSettings,
  SETTINGS_FILE,
  SettingsStore,
} from '../../../src/main/settings-store';
import { makeTempDir } from '../../helpers/temp-dir';

describe('settings store', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  beforeEach(() => {
    tmp = makeTempDir('hippo-settings-');
    file = join(tmp.dir, 'profile', SETTINGS_FILE);
  });
  afterEach(() => tmp.cleanup());

  it('starts from the defaults, with no problem, when there is no file yet', () => {
    const store = new SettingsStore(file);
    expect(store.get()).toEqual({
      hotkey: 'CommandOrControl+Shift+Space',
      launchAtLogin: false,
      theme: 'system',
      apiEnabled: false,
      apiPort: 7821,
      model: 'minilm',
    });
    expect(store.loadProblem).toBeNull();
  });

  it('writes a change and a new store reads it back', () => {
    new SettingsStore(file).update({ launchAtLogin: true, hotkey: 'Alt+Shift+H' });
    const again = new SettingsStore(file);
    expect(again.get()).toEqual({
      ...DEFAULT_SETTINGS,
      hotkey: 'Alt+Shift+H',
      launchAtLogin: true,
    });
    expect(again.loadProblem).toBeNull();
    // Atomic write leaves no temp file behind.
    expect(readdirSync(join(tmp.dir, 'profile'))).toEqual([SETTINGS_FILE]);
  });

  it('refuses a bad change with BAD_INPUT and keeps the file and the current settings', () => {
    const store = new SettingsStore(file);
    store.update({ theme: 'dark' });
    const before = readFileSync(file, 'utf8');
    expect(() => store.update({ theme: 'neon' as never })).toThrow(/BAD_INPUT|theme/);
    expect(() => store.update({ hotkey: '   ' })).toThrow(/hotkey/);
    expect(store.get().theme).toBe('dark');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('falls back to the defaults and remembers why when the file is not JSON', () => {
    mkdirSync(join(tmp.dir, 'profile'));
    writeFileSync(file, '{"hotkey": "Alt+H",');
    const store = new SettingsStore(file);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.loadProblem).toMatch(/not valid JSON/);
  });

  it('keeps the good fields of a file with one bad value, and names the bad one', () => {
    mkdirSync(join(tmp.dir, 'profile'));
    writeFileSync(file, JSON.stringify({ hotkey: 'Alt+H', launchAtLogin: 'yes', theme: 'dark', extra: 1 }));
    const loaded = readSettings(file);
    expect(loaded.settings).toEqual({ ...DEFAULT_SETTINGS, hotkey: 'Alt+H', theme: 'dark' });
    expect(loaded.problem).toMatch(/launchAtLogin/);
    expect(loaded.problem).not.toMatch(/hotkey|theme/);
  });

  it('reads a file written before the API settings existed, and keeps its names when it saves', () => {
    mkdirSync(join(tmp.dir, 'profile'));
    writeFileSync(file, JSON.stringify({ hotkey: 'Alt+H', launchAtLogin: true, theme: 'light' }));
    const store = new SettingsStore(file);
    expect(store.get()).toEqual({
      hotkey: 'Alt+H',
      launchAtLogin: true,
      theme: 'light',
      apiEnabled: false,
      apiPort: DEFAULT_PORT,
      model: 'minilm',
    });
    expect(store.loadProblem).toBeNull();
    store.update({ apiEnabled: true, apiPort: 9000 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      hotkey: 'Alt+H',
      launchAtLogin: true,
      theme: 'light',
      apiEnabled: true,
      apiPort: 9000,
      model: 'minilm',
    });
  });

  it('keeps the API port in the range the app can listen on', () => {
    const store = new SettingsStore(file);
    expect(() => store.update({ apiPort: 80 })).toThrow(/apiPort must be 1024-65535/);
    expect(() => store.update({ apiPort: 70_000 })).toThrow(/apiPort/);
    mkdirSync(join(tmp.dir, 'profile'), { recursive: true });
    writeFileSync(file, JSON.stringify({ apiPort: 22, apiEnabled: 'yes' }));
    const loaded = readSettings(file);
    expect(loaded.settings.apiPort).toBe(DEFAULT_API_PORT);
    expect(loaded.settings.apiEnabled).toBe(false);
    expect(loaded.problem).toMatch(/apiEnabled, apiPort/);
  });

  it("defaults the API port to `hippo serve`'s", () => {
    expect(DEFAULT_API_PORT).toBe(DEFAULT_PORT);
  });

  it('reports a file that holds something other than an object', () => {
    mkdirSync(join(tmp.dir, 'profile'));
    writeFileSync(file, '[1,2]');
    expect(readSettings(file).problem).toMatch(/object/);
  });

  it('reports a settings path it cannot read (a folder) instead of failing to start', () => {
    mkdirSync(file, { recursive: true });
    const loaded = readSettings(file);
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.problem).toMatch(/could not read/);
  });

  it("a change keeps what another process wrote meanwhile (the app's hotkey, serve's theme)", () => {
    const app = new SettingsStore(file);
    const served = new SettingsStore(file);
    app.update({ hotkey: 'Alt+Shift+H', apiEnabled: true });
    served.update({ theme: 'dark' });
    expect(new SettingsStore(file).get()).toEqual({
      ...DEFAULT_SETTINGS,
      hotkey: 'Alt+Shift+H',
      apiEnabled: true,
      theme: 'dark',
    });
    // A file that cannot be used is not merged from: the store's own values are kept.
    writeFileSync(file, '{ broken');
    expect(app.update({ launchAtLogin: true })).toEqual({
      ...DEFAULT_SETTINGS,
      hotkey: 'Alt+Shift+H',
      apiEnabled: true,
      launchAtLogin: true,
    });
  });

  it('a failed write leaves the current settings and the file unchanged', () => {
    const store = new SettingsStore(file);
    store.update({ theme: 'light' });
    const before = readFileSync(file, 'utf8');
    // A folder where the temp file must go makes the write fail, even for root.
    mkdirSync(`${file}.${process.pid}.tmp`);
    expect(() => store.update({ theme: 'dark' })).toThrow();
    expect(store.get().theme).toBe('light');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
