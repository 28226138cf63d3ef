import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { z } from 'zod';

import { parseInput } from '../shared/contract';
import { DEFAULT_MODEL, MODEL_NAMES } from '../shared/model-catalog';

export const SETTINGS_FILE = 'settings.json';

export const DEFAULT_HOTKEY = 'CommandOrControl+Shift+Space';

/** The in-app API server's port unless changed: the same as `hippo serve`'s (start-server DEFAULT_PORT). */
export const DEFAULT_API_PORT = 7821;

/** The app's own preferences, as a change must give them. */
export const Settings = z.strictObject({
  /** An Electron accelerator; whether the OS lets us have it is only known when registering. */
  hotkey: z.string().trim().min(1).max(100),
  launchAtLogin: z.boolean(),
  theme: z.enum(['system', 'light', 'dark']),
  /** Run the loopback HTTP API inside the app. Off until asked: it opens a port. */
  apiEnabled: z.boolean(),
  /** Below 1024 needs privileges the app never has. */
  apiPort: z.number().int().min(1024, 'apiPort must be 1024-65535').max(65535, 'apiPort must be 1024-65535'),
  /** The embedding model (model-catalog.ts); the CLI and `hippo serve` read it too. */
  model: z.enum(MODEL_NAMES),
});
export type Settings = z.infer<typeof Settings>;

/**
 * The file as read: each field falls back to its default on its own, so one bad value does not
 * throw away the others, a field this version does not know is dropped, and a file from before a
 * field existed (hotkey, launchAtLogin and theme only) reads with that field's default.
 */
const StoredSettings = z.object({
  hotkey: Settings.shape.hotkey.catch(DEFAULT_HOTKEY),
  launchAtLogin: Settings.shape.launchAtLogin.catch(false),
  theme: Settings.shape.theme.catch('system'),
  apiEnabled: Settings.shape.apiEnabled.catch(false),
  apiPort: Settings.shape.apiPort.catch(DEFAULT_API_PORT),
  model: Settings.shape.model.catch(DEFAULT_MODEL),
});

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  hotkey: DEFAULT_HOTKEY,
  launchAtLogin: false,
  theme: 'system',
  apiEnabled: false,
  apiPort: DEFAULT_API_PORT,
  model: DEFAULT_MODEL,
});

export interface LoadedSettings {
  settings: Settings;
  /** Why the file was not used as it stands, for the settings screen; null when it was fine or absent. */
  problem: string | null;
}

/**
 * Reads the settings file. No file means defaults quietly (first run); a file that cannot be read or
 * parsed, or holds bad values, means defaults for what is wrong and a problem the UI can show, never
 * an app that fails to start.
 */
export function readSettings(filePath: string): LoadedSettings {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { settings: { ...DEFAULT_SETTINGS }, problem: null };
    return {
      settings: { ...DEFAULT_SETTINGS },
      problem: `could not read ${filePath}: ${(err as Error).message}`,
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {
      settings: { ...DEFAULT_SETTINGS },
      problem: `${filePath} is not valid JSON; using the defaults`,
    };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      settings: { ...DEFAULT_SETTINGS },
      problem: `${filePath} does not hold an object; using the defaults`,
    };
  }
  const record = raw as Record<string, unknown>;
  const settings = StoredSettings.parse(record);
  const fixed = (Object.keys(Settings.shape) as Array<keyof Settings>).filter(
    (key) => key in record && !Settings.shape[key].safeParse(record[key]).success,
  );
  return {
    settings,
    problem: fixed.length
      ? `${filePath}: bad value for ${fixed.join(', ')}; the default is used instead`
      : null,
  };
}

/** Written to a temp file and renamed, so a crash mid-write leaves the previous settings intact. */
export function writeSettings(filePath: string, settings: Settings): void {
  const valid = Settings.parse(settings);
  mkdirSync(dirname(filePath), { recursive: true });
  const tmp = `${filePath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(valid, null, 2) + '\n');
  renameSync(tmp, filePath);
}

/** The settings the app runs with, kept in one file; the problem found at load stays for the UI. */
export class SettingsStore {
  private current: Settings;
  readonly loadProblem: string | null;

  constructor(private readonly filePath: string) {
    const loaded = readSettings(filePath);
    this.current = loaded.settings;
    this.loadProblem = loaded.problem;
  }

  get(): Settings {
    return { ...this.current };
  }

  /**
   * Validates the change (HippoError BAD_INPUT when it is wrong), writes the file, and only then
   * makes it current, so a failed write leaves the app and the file agreeing. Fields the patch does
   * not name keep the file's values, which another process may have changed since this one read it.
   */
  update(patch: Partial<Settings>): Settings {
    // `hippo serve` writes the theme to the same file while the app runs: merge onto what the file
    // says now, so neither undoes the other's change. A file that cannot be used counts for nothing.
    const onDisk = readSettings(this.filePath);
    const base = onDisk.problem === null && existsSync(this.filePath) ? onDisk.settings : this.current;
    const next = parseInput(Settings, { ...base, ...patch });
    writeSettings(this.filePath, next);
    this.current = next;
    return this.get();
  }
}
