import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { EmbedderClient } from './embedder/embedder-client';
import { modelSearchPaths, resolveModelDir } from './embedder/model-locate';
import { selectedModel } from './embedder/model-selection';
import type { WorkerHostFactory } from './embedder/types';
import { Memory } from './memory/memory';
import { defaultDbPath, defaultUserDataDir, userModelDir } from './paths';
import { API_TOKEN_FILE } from './server/api-token';
import { SETTINGS_FILE } from './settings-store';

type Env = Record<string, string | undefined>;

/** The slice of Electron's `app` the single-instance lock needs. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
}

/**
 * What a launch asks for: `--capture` opens the quick-capture window and `--search` the search
 * view (for a desktop shortcut or a compositor keybinding where global hotkeys do not reach the
 * app, as under Wayland); anything else opens the main window.
 */
export type LaunchAction = 'capture' | 'search' | 'open';

export function launchAction(argv: readonly string[]): LaunchAction {
  if (argv.includes('--capture')) return 'capture';
  if (argv.includes('--search')) return 'search';
  return 'open';
}

/**
 * True when this process is the one Hippo; otherwise it quits, and the running one is told what
 * the second launch asked for (onSecondInstance) instead of a second app opening the same database.
 */
export function claimSingleInstance(
  app: SingleInstanceApp,
  onSecondInstance: (action: LaunchAction) => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', (_event, argv) =>
    onSecondInstance(launchAction(Array.isArray(argv) ? argv : [])),
  );
  return true;
}

/**
 * Where the app keeps its data. The app shares the CLI's database by default (HIPPO_DB, HIPPO_HOME,
 * else the per-user data folder), so `hippo` in a terminal sees what the app captured. A test profile
 * (HIPPO_USER_DATA_DIR) keeps its database inside that folder unless HIPPO_DB/HIPPO_HOME say otherwise.
 */
export function appDataEnv(env: Env): Env {
  const profile = env.HIPPO_USER_DATA_DIR?.trim();
  if (!profile || env.HIPPO_HOME?.trim()) return env;
  return { ...env, HIPPO_HOME: profile };
}

/** The database the app opens (see appDataEnv). */
export function appDbPath(env: Env): string {
  return defaultDbPath(appDataEnv(env));
}

/** The Hippo data folder the app shares with the CLI (settings, API token, downloaded model). */
export function appDataDir(env: Env): string {
  return defaultUserDataDir(appDataEnv(env));
}

/** The token file, the same one `hippo serve` uses, so a script finds it whichever one runs. */
export function appTokenFile(env: Env): string {
  return join(appDataDir(env), API_TOKEN_FILE);
}

/** The file in the Hippo data folder that keeps the server to sync with (it holds a password). */
export const SYNC_REMOTE_FILE = 'sync-remote';

/** Where the app keeps the Postgres server it syncs with (a secret, like the token). */
export function appSyncRemoteFile(env: Env): string {
  return join(appDataDir(env), SYNC_REMOTE_FILE);
}

/** Where the settings screen downloads the model: a folder modelSearchPaths already looks in. */
export function appModelDir(env: Env): string {
  return userModelDir(appDataDir(env));
}

/**
 * The settings file, in the Hippo data folder so `hippo serve` reads the same one. Earlier versions
 * kept it in Electron's userData folder; a file found only there is copied over once (the old one
 * is left where it is, for a downgrade).
 */
export function appSettingsFile(env: Env, legacyDir?: string): string {
  const file = join(appDataDir(env), SETTINGS_FILE);
  if (legacyDir === undefined) return file;
  const legacy = join(legacyDir, SETTINGS_FILE);
  if (resolve(legacy) !== resolve(file) && !existsSync(file) && existsSync(legacy)) {
    try {
      mkdirSync(appDataDir(env), { recursive: true });
      copyFileSync(legacy, file);
    } catch {
      // Unreadable or unwritable: the store then starts from defaults and says why on the screen.
    }
  }
  return file;
}

export interface BackendOptions {
  env: Env;
  /** Electron's process.resourcesPath when packaged (a bundled model is looked for there). */
  resourcesPath?: string;
  /** Starts the embedder worker: Electron's utilityProcess in the app, child_process in tests. */
  hostFactory: WorkerHostFactory;
}

export interface Backend {
  memory: Memory;
  embedder: EmbedderClient;
  dbPath: string;
  /** Closes the memory, then the embedder worker; later calls share the first call's promise. */
  close(): Promise<void>;
}

/** Opens the database and the embedder the app service talks to, in the main process. */
export function openBackend({ env, resourcesPath, hostFactory }: BackendOptions): Backend {
  const dataEnv = appDataEnv(env);
  const dbPath = appDbPath(env);
  const userDataDir = defaultUserDataDir(dataEnv);
  const embedder = new EmbedderClient({
    hostFactory,
    threads: 1,
    // The model chosen on the settings screen (or with `hippo model use`), saved in settings.json.
    model: selectedModel(dataEnv, userDataDir),
    resolveModelDir: (model) =>
      resolveModelDir(modelSearchPaths({ env: dataEnv, resourcesPath, userDataDir, model }), model),
  });
  let memory: Memory;
  try {
    memory = Memory.open({ dbPath, embedder, backgroundEmbedding: true });
  } catch (err) {
    void embedder.close();
    throw err;
  }
  const close = once(async () => {
    try {
      await memory.close();
    } finally {
      await embedder.close();
    }
  });
  return { memory, embedder, dbPath, close };
}

/** The folder the settings screen shows as "data": the one holding the database. */
export function dataDirOf(dbPath: string): string {
  return join(dbPath, '..');
}

/** Runs fn the first time; every later call gets the same promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= fn());
}

interface PreventableEvent {
  preventDefault(): void;
}

/** The slice of Electron's `app` a clean quit needs. */
export interface QuitApp {
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  quit(): void;
}

/**
 * Holds the quit until shutdown (closing the database and the worker) has finished, then quits for
 * real; asking to quit again meanwhile does not start a second shutdown. A failed shutdown is
 * reported and the app still quits, so a broken disk never leaves a process nobody can end.
 */
export function quitAfterShutdown(
  app: QuitApp,
  shutdown: () => Promise<void>,
  onError: (err: unknown) => void,
): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    shutdown()
      .catch(onError)
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}
