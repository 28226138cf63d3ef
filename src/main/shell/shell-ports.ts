import type { Theme } from '../../shared/ipc-contract';
import { appModelDir, appSyncRemoteFile, appTokenFile, type Backend } from '../app-lifecycle';
import type { GlobalHotkey } from '../hotkey';
import type { LoginItemApp } from '../launch-at-login';
import type { SettingsStore } from '../settings-store';
import { ApiServerPort } from './api-server-port';
import { ModelChoice } from './model-choice-port';
import { ModelDownloader } from './model-download-port';
import { ALL_SETTING_KEYS, ShellSettings } from './settings-port';
import { SyncRunner } from './sync-port';

type Env = Record<string, string | undefined>;

export interface ShellPortsOptions {
  env: Env;
  store: SettingsStore;
  /** The Electron slices; absent ones are saved but not applied. */
  hotkey?: GlobalHotkey;
  loginItems?: LoginItemApp;
  applyTheme?: (theme: Theme) => void;
  /** The app log. */
  log: (message: string, error?: unknown) => void;
  /** Told after a settings change is applied (the tray menu shows the hotkey). */
  onSettingsChanged?: () => void;
}

export interface ShellPorts {
  settings: ShellSettings;
  /** Null when the database could not be opened: no memory to serve, no embedder to load. */
  api: ApiServerPort | null;
  modelDownload: ModelDownloader | null;
  /** The settings screen's embedding model choice. */
  modelChoice: ModelChoice | null;
  sync: SyncRunner | null;
  /** Applies the settings file (hotkey, login item, theme, API server); once, at start. */
  applyStored(): Promise<void>;
  /** Stops the API server, any download and any sync; the app calls it before the database closes. */
  close(): Promise<void>;
}

/**
 * The desktop app's settings, API server and model download over one backend: the pieces the app
 * service's ports need, built in plain Node so tests build them exactly as the Electron main does.
 */
export function createShellPorts(backend: Backend | null, opts: ShellPortsOptions): ShellPorts {
  const { env, log } = opts;
  const api = backend
    ? new ApiServerPort({
        memory: backend.memory,
        embedder: backend.embedder,
        tokenFile: appTokenFile(env),
        onError: (message, err) => log(`Hippo API server: ${message}`, err),
      })
    : null;
  const modelDownload = backend
    ? new ModelDownloader({
        destDir: appModelDir(env),
        env: env as NodeJS.ProcessEnv,
        embedder: backend.embedder,
        // Loads the model now and starts embedding what was stored without it.
        onModelReady: () => backend.memory.stats(),
        onError: (message, err) => log(`Hippo model download: ${message}`, err),
      })
    : null;
  const modelChoice = backend
    ? new ModelChoice({ memory: backend.memory, embedder: backend.embedder, store: opts.store })
    : null;
  const sync = backend
    ? new SyncRunner({
        memory: backend.memory,
        remoteFile: appSyncRemoteFile(env),
        envUrl: env.HIPPO_PG_URL,
        onError: (message, err) => log(`Hippo sync: ${message}`, err),
      })
    : null;
  const settings = new ShellSettings({
    store: opts.store,
    editable: ALL_SETTING_KEYS,
    hotkey: opts.hotkey,
    loginItems: opts.loginItems,
    applyTheme: opts.applyTheme,
    api: api ?? undefined,
    onChanged: opts.onSettingsChanged,
  });
  return {
    settings,
    api,
    modelDownload,
    modelChoice,
    sync,
    applyStored: () => settings.applyStored(),
    async close() {
      modelDownload?.cancel();
      await Promise.all([api?.close(), modelDownload?.settled(), sync?.close()]);
    },
  };
}
