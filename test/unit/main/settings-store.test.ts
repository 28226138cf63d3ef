import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
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
    });
    expect(store.loadProblem).toBeNull();
  });

  it('writes a change and a new store reads it back', () => {
    new SettingsStore(file).update({ launchAtLogin: true, hotkey: 'Alt+Shift+H' });
    const again = new SettingsStore(file);
    expect(again.get()).toEqual({ hotkey: 'Alt+Shift+H', launchAtLogin: true, theme: 'system' });
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
    expect(loaded.settings).toEqual({ hotkey: 'Alt+H', launchAtLogin: false, theme: 'dark' });
    expect(loaded.problem).toMatch(/launchAtLogin/);
    expect(loaded.problem).not.toMatch(/hotkey|theme/);
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
