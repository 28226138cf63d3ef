/**
 * Every operation the renderer can ask of the app, by channel (`domain:verb`), with the zod
 * schemas of its request and its value. The same map drives the preload's `window.hippo`, the
 * main process's IPC handlers and the renderer's HTTP client for a plain browser, so the UI
 * speaks one contract whatever carries it. Results cross as `{ ok: true, value }` or
 * `{ ok: false, error: { code, message } }`.
 */
import { z } from 'zod';
import { MODEL_NAMES } from './model-catalog';
import {
  Content,
  EncodeInput,
  EncodeResult,
  ExportedFact,
  Fact,
  FactPatch,
  FactVersion,
  Label,
  LabelVersion,
  ListInput,
  ListResult,
  RecallInput,
  RecallMode,
  RecallResponse,
  SearchResult,
  SpaceName,
  Stats,
  SupersedeInput,
} from './contract';

const FactId = z.number().int().positive();
const LabelId = z.number().int().positive();
const InSpace = { space: SpaceName.optional() };

/** A model download under way (or just failed): bytes over all the model's files. */
export const ModelDownload = z.object({
  /** The file being fetched now (its path in the model manifest). */
  file: z.string(),
  bytes: z.number().nonnegative(),
  total: z.number().nonnegative(),
  /** Why the last download stopped, in words for a person; null while it runs. */
  error: z.string().nullable(),
});
export type ModelDownload = z.infer<typeof ModelDownload>;

export const ModelStatus = z.object({
  state: z.enum(['ready', 'missing', 'failed', 'disabled', 'downloading']),
  /** The catalogue model the app runs (model-catalog.ts); model:use switches it. */
  name: z.enum(MODEL_NAMES),
  model_id: z.string().nullable(),
  /**
   * After a switch, the model switched from while this one embeds every fact again (recall answers
   * from words meanwhile; `pending` counts what is left); null otherwise.
   */
  reembedding_from: z.string().nullable(),
  /** What went wrong, in words a person understands (missing or failed). */
  message: z.string().nullable(),
  /** Facts still waiting for an embedding (after an import or a model change). */
  pending: z.number().int().nonnegative(),
  /** Whether this face can download the model (the desktop app can; a browser page cannot). */
  can_download: z.boolean(),
  /** The running or last failed download; null when none has run since start. */
  download: ModelDownload.nullable(),
});
export type ModelStatus = z.infer<typeof ModelStatus>;

/** What the settings screen shows about the running app. */
export const AppInfo = z.object({
  version: z.string(),
  /** 'electron' inside the app, 'browser' against `hippo serve`. */
  shell: z.enum(['electron', 'browser']),
  data_dir: z.string(),
  /** The global shortcut failed to register (taken by another app), with the reason. */
  hotkey_error: z.string().nullable(),
  api_url: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** The app's preferences as the settings screen shows and changes them. */
export const AppSettings = z.object({
  /** An Electron accelerator, e.g. CommandOrControl+Shift+Space. */
  hotkey: z.string().trim().min(1, 'hotkey must not be empty').max(100),
  launch_at_login: z.boolean(),
  /** 'system' follows the OS's light or dark mode. */
  theme: Theme,
  /** The loopback HTTP API (for scripts and agents) runs inside the app. */
  api_enabled: z.boolean(),
  api_port: z
    .number()
    .int()
    .min(1024, 'api_port must be 1024-65535')
    .max(65535, 'api_port must be 1024-65535'),
});
export type AppSettings = z.infer<typeof AppSettings>;
export const SETTING_KEYS = ['hotkey', 'launch_at_login', 'theme', 'api_enabled', 'api_port'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export const SettingsPatch = AppSettings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const SettingsView = z.object({
  settings: AppSettings,
  /** What this face can change: the page served by `hippo serve` cannot register a hotkey, say. */
  editable: z.array(z.enum(SETTING_KEYS)),
  /** The hotkey could not be registered (another app holds it), with the reason. */
  hotkey_error: z.string().nullable(),
  /** The settings file could not be used as it stood; defaults were used for the bad part. */
  problem: z.string().nullable(),
});
export type SettingsView = z.infer<typeof SettingsView>;

/** The loopback HTTP API as the settings screen shows it. */
export const ApiStatus = z.object({
  running: z.boolean(),
  /** Where scripts reach it, e.g. http://127.0.0.1:7821; null when it is off. */
  url: z.string().nullable(),
  /** The bearer token scripts send; shown so the user can copy it. */
  token: z.string().nullable(),
  token_file: z.string().nullable(),
  /** Why it is not running though enabled (port taken...), in words for a person. */
  error: z.string().nullable(),
  /** Whether this face can turn it on and off and regenerate the token. */
  manageable: z.boolean(),
});
export type ApiStatus = z.infer<typeof ApiStatus>;

/** Sync with a Postgres server (issue 6) as the settings screen shows it. */
export const SyncStatus = z.object({
  /** A server is set (in the app's sync settings or HIPPO_PG_URL). */
  configured: z.boolean(),
  /** The server's address with any password removed. */
  remote: z.string().nullable(),
  running: z.boolean(),
  /** The running sync's step: rows sent (push) or received (pull) so far, of how many. */
  progress: z
    .object({
      phase: z.enum(['push', 'pull']),
      done: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
    })
    .nullable(),
  last_sync_at: z.number().nullable(),
  last_result: z.enum(['ok', 'failed']).nullable(),
  /** Why the last sync failed, in words for a person (never a password). */
  last_error: z.string().nullable(),
  /** Rows the last sync sent and received. */
  pushed: z.number().int().nonnegative(),
  pulled: z.number().int().nonnegative(),
  /** Local changes not yet sent. */
  pending_local: z.number().int().nonnegative(),
  /** Whether this face can set the server and start a sync (the desktop app can). */
  manageable: z.boolean(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** Records per facts:import call: the UI sends a file in batches, so it can show progress and stop. */
export const IMPORT_BATCH_MAX = 500;

function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const IPC_CHANNELS = {
  'app:info': channel(z.strictObject({}), AppInfo),
  'memory:encode': channel(EncodeInput, EncodeResult.extend({ mode: RecallMode })),
  'memory:recall': channel(RecallInput, RecallResponse),
  /** Facts most similar to a draft, for the duplicate preview while typing (nothing is stored). */
  'memory:similar': channel(
    z.strictObject({ content: Content, limit: z.number().int().min(1).max(10).optional(), ...InSpace }),
    z.object({ results: z.array(SearchResult) }),
  ),
  'facts:list': channel(ListInput, ListResult),
  'facts:get': channel(z.strictObject({ id: FactId, ...InSpace }), Fact),
  'facts:update': channel(z.strictObject({ id: FactId, patch: FactPatch, ...InSpace }), Fact),
  'facts:forget': channel(z.strictObject({ id: FactId, ...InSpace }), Fact),
  'facts:restore': channel(z.strictObject({ id: FactId, ...InSpace }), Fact),
  /** Only a forgotten fact can be purged; it and its older wordings are gone for good. */
  'facts:purge': channel(z.strictObject({ id: FactId, ...InSpace }), z.object({ purged: z.literal(true) })),
  /**
   * The fact's other versions, newest first: the facts it superseded and that superseded it, and
   * their earlier wordings, each with when it was current and why it stopped.
   */
  'facts:history': channel(
    z.strictObject({ id: FactId, ...InSpace }),
    z.object({ facts: z.array(FactVersion) }),
  ),
  /** The capture box's "Replace": old_id leaves recall, superseded by new_id (kept, in history). */
  'facts:supersede': channel(SupersedeInput, Fact),
  /** Undoes a supersede: the fact is current again; the one that replaced it stays. */
  'facts:unsupersede': channel(z.strictObject({ id: FactId, ...InSpace }), Fact),
  'labels:list': channel(z.strictObject({ ...InSpace }), z.object({ labels: z.array(Label) })),
  /** A name another label of the space has (in any case) is refused: merge instead. */
  'labels:rename': channel(z.strictObject({ id: LabelId, name: z.string(), ...InSpace }), Label),
  /** Moves every fact of `from` to `into` and removes `from`. */
  'labels:merge': channel(z.strictObject({ from: LabelId, into: LabelId, ...InSpace }), Label),
  /**
   * The names (kinds, categories) a label had before, newest first: before each rename, the
   * changes it lost in sync conflicts, and the labels merged into it.
   */
  'labels:history': channel(
    z.strictObject({ id: LabelId, ...InSpace }),
    z.object({ versions: z.array(LabelVersion) }),
  ),
  'stats:get': channel(z.strictObject({ ...InSpace }), Stats),
  /** Live facts captured per ISO week (UTC, Monday first), oldest first, for the insights chart. */
  'stats:weekly': channel(
    z.strictObject({ weeks: z.number().int().min(1).max(520).optional(), ...InSpace }),
    z.object({ weeks: z.array(z.object({ week_start: z.string(), count: z.number().int().nonnegative() })) }),
  ),
  'model:status': channel(z.strictObject({}), ModelStatus),
  /** Starts downloading the model (sha256-checked, resumable); model:status shows the progress. */
  'model:download': channel(z.strictObject({}), ModelStatus),
  'model:cancel': channel(z.strictObject({}), ModelStatus),
  /**
   * Switches the embedding model: refused (nothing changed) when it cannot load; else saved in the
   * settings and the facts re-embedded in the background, model:status showing the progress.
   */
  'model:use': channel(z.strictObject({ model: z.enum(MODEL_NAMES) }), ModelStatus),
  'settings:get': channel(z.strictObject({}), SettingsView),
  /** Applies and saves the change; a hotkey another app holds is saved and reported in hotkey_error. */
  'settings:update': channel(z.strictObject({ patch: SettingsPatch }), SettingsView),
  'api:status': channel(z.strictObject({}), ApiStatus),
  /** A new token; scripts holding the old one get 401 from then on. */
  'api:regenerate': channel(z.strictObject({}), ApiStatus),
  /**
   * One batch of an import (records as `hippo export` writes them), stored in one transaction: a
   * bad record refuses the whole batch and nothing is written. Duplicates are reported, not stored.
   */
  'facts:import': channel(
    z.strictObject({ records: z.array(ExportedFact).min(1).max(IMPORT_BATCH_MAX), ...InSpace }),
    z.object({ results: z.array(EncodeResult) }),
  ),
  'sync:status': channel(z.strictObject({}), SyncStatus),
  /**
   * Sets the Postgres server to sync with (postgres://user:password@host:port/db), checking that it
   * answers and has pgvector; null forgets it. Nothing is synced until sync:run.
   */
  'sync:configure': channel(
    z.strictObject({ url: z.string().trim().min(1).max(2000).nullable() }),
    SyncStatus,
  ),
  /** Starts a sync in the background (or joins the running one); sync:status shows its progress. */
  'sync:run': channel(z.strictObject({}), SyncStatus),
  /** Every fact of the space as JSON Lines, the format `hippo import` and facts:import read. */
  'facts:export': channel(
    z.strictObject({ include_deleted: z.boolean().optional(), ...InSpace }),
    z.object({ jsonl: z.string(), count: z.number().int().nonnegative() }),
  ),
} as const;

export type IpcChannel = keyof typeof IPC_CHANNELS;
export type IpcInput<C extends IpcChannel> = z.input<(typeof IPC_CHANNELS)[C]['input']>;
export type IpcValue<C extends IpcChannel> = z.infer<(typeof IPC_CHANNELS)[C]['output']>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export function isIpcChannel(name: string): name is IpcChannel {
  return Object.hasOwn(IPC_CHANNELS, name);
}

/** `window.hippo` and the browser's HTTP client alike: one async method per channel. */
export type HippoClient = {
  [C in IpcChannel]: (input: IpcInput<C>) => Promise<IpcResult<IpcValue<C>>>;
};
