import { parseInput } from '../../shared/contract';
import { HippoError } from '../../shared/errors';
import type { AppSettings, SettingKey, SettingsPatch, SettingsView, Theme } from '../../shared/ipc-contract';
import type { SettingsPort } from '../app-service/app-service';
import type { GlobalHotkey } from '../hotkey';
import { applyLaunchAtLogin, type LoginItemApp } from '../launch-at-login';
import { Settings, type SettingsStore } from '../settings-store';

/** Every setting the desktop app can change. */
export const ALL_SETTING_KEYS: readonly SettingKey[] = [
  'hotkey',
  'launch_at_login',
  'theme',
  'api_enabled',
  'api_port',
];

/** The part of the API server the settings switch on and off. */
export interface ApiControl {
  /** Never rejects for a port in use: the server's status says so instead. */
  configure(config: { enabled: boolean; port: number }): Promise<unknown>;
}

export interface SettingsPortOptions {
  store: SettingsStore;
  /** What this face may change; a patch touching anything else is NOT_SUPPORTED. */
  editable: readonly SettingKey[];
  /** The parts that apply a setting; a face without one simply saves the value. */
  hotkey?: GlobalHotkey;
  loginItems?: LoginItemApp;
  /** Electron: nativeTheme.themeSource, which the renderer sees as prefers-color-scheme. */
  applyTheme?: (theme: Theme) => void;
  api?: ApiControl;
  /** Told after a change is applied and saved (the tray menu shows the hotkey). */
  onChanged?: () => void;
}

/** The file keeps the names it always had (camelCase); the contract speaks snake_case. */
export function toAppSettings(s: Settings): AppSettings {
  return {
    hotkey: s.hotkey,
    launch_at_login: s.launchAtLogin,
    theme: s.theme,
    api_enabled: s.apiEnabled,
    api_port: s.apiPort,
  };
}

export function toStoredPatch(patch: SettingsPatch): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (patch.hotkey !== undefined) out.hotkey = patch.hotkey;
  if (patch.launch_at_login !== undefined) out.launchAtLogin = patch.launch_at_login;
  if (patch.theme !== undefined) out.theme = patch.theme;
  if (patch.api_enabled !== undefined) out.apiEnabled = patch.api_enabled;
  if (patch.api_port !== undefined) out.apiPort = patch.api_port;
  return out;
}

/**
 * The settings screen's view of the settings file, and the one place a change is checked, applied
 * to the OS (hotkey, login item, theme, API server) and saved, so the app and the file agree.
 */
export class ShellSettings implements SettingsPort {
  constructor(private readonly opts: SettingsPortOptions) {}

  view(): SettingsView {
    const { store, editable, hotkey } = this.opts;
    return {
      settings: toAppSettings(store.get()),
      editable: [...editable],
      hotkey_error: hotkey?.error ?? null,
      problem: store.loadProblem,
    };
  }

  /** Applies what the file says; the app calls this once at start. */
  async applyStored(): Promise<void> {
    const s = this.opts.store.get();
    this.opts.hotkey?.apply(s.hotkey);
    if (this.opts.loginItems) applyLaunchAtLogin(this.opts.loginItems, s.launchAtLogin);
    this.opts.applyTheme?.(s.theme);
    await this.opts.api?.configure({ enabled: s.apiEnabled, port: s.apiPort });
  }

  async update(patch: SettingsPatch): Promise<SettingsView> {
    const { store, editable, hotkey, loginItems, applyTheme, api } = this.opts;
    const keys = Object.keys(patch) as SettingKey[];
    const refused = keys.filter((k) => !editable.includes(k));
    if (refused.length > 0)
      throw new HippoError(
        'NOT_SUPPORTED',
        `${refused.join(', ')} can only be changed in the Hippo desktop app's settings`,
      );
    const before = store.get();
    const stored = toStoredPatch(patch);
    // Checked whole before anything is applied, so a bad port never leaves a new hotkey behind.
    parseInput(Settings, { ...before, ...stored });

    if (stored.hotkey !== undefined && hotkey) {
      const outcome = hotkey.change(stored.hotkey);
      if (outcome.status === 'invalid') throw new HippoError('BAD_INPUT', `hotkey: ${outcome.message}`);
    }
    try {
      store.update(stored);
    } catch (err) {
      // The file still names the old shortcut: hold that one again rather than one nobody saved.
      if (stored.hotkey !== undefined && hotkey) hotkey.change(before.hotkey);
      throw err;
    }
    const after = store.get();
    if (stored.launchAtLogin !== undefined && loginItems) applyLaunchAtLogin(loginItems, after.launchAtLogin);
    // The file may bring a theme `hippo serve`'s page chose meanwhile: apply that too.
    if (stored.theme !== undefined || after.theme !== before.theme) applyTheme?.(after.theme);
    if ((stored.apiEnabled !== undefined || stored.apiPort !== undefined) && api)
      await api.configure({ enabled: after.apiEnabled, port: after.apiPort });
    this.opts.onChanged?.();
    return this.view();
  }
}
