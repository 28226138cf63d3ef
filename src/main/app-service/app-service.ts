import type { z } from 'zod';
import { parseInput } from '../../shared/contract';
import { HippoError, isHippoError, type ErrorPayload } from '../../shared/errors';
import { DEFAULT_MODEL, MODEL_CATALOG, type ModelName } from '../../shared/model-catalog';
import {
  IPC_CHANNELS,
  isIpcChannel,
  type ApiStatus,
  type AppInfo,
  type IpcChannel,
  type IpcResult,
  type IpcValue,
  type ModelDownload,
  type ModelStatus,
  type SettingsPatch,
  type SettingsView,
  type SyncStatus,
} from '../../shared/ipc-contract';
import type { Embedder } from '../embedder/types';
import type { Memory } from '../memory/memory';
import { weeklyCounts } from './weekly-counts';

/** Weeks the insights chart shows unless asked otherwise: about a quarter. */
export const WEEKLY_DEFAULT_WEEKS = 12;

/** How many near facts the capture window's duplicate preview shows unless asked otherwise. */
export const SIMILAR_DEFAULT_LIMIT = 5;

/** The app's preferences as the shell keeps and applies them (hotkey, login item, theme, API). */
export interface SettingsPort {
  view(): SettingsView;
  /** Validates, applies and saves; throws HippoError BAD_INPUT for a value it cannot use. */
  update(patch: SettingsPatch): SettingsView | Promise<SettingsView>;
}

/** The loopback HTTP API when the shell runs it (the desktop app does; `hippo serve` is it). */
export interface ApiPort {
  status(): ApiStatus;
  /** Only a shell whose status says `manageable` can; others throw NOT_SUPPORTED. */
  regenerateToken(): ApiStatus | Promise<ApiStatus>;
}

/** Downloads the model into the app's data folder and has the embedder load it when done. */
export interface ModelDownloadPort {
  /** Starts (or joins) a download; resolves once it has started, not when it ends. */
  start(): void;
  cancel(): void;
  /** The running or last failed download; null when none has run. */
  current(): ModelDownload | null;
  running(): boolean;
}

/** Sync with a Postgres server, run by the shell that owns the database (the desktop app). */
export interface SyncPort {
  status(): SyncStatus | Promise<SyncStatus>;
  /** Checks the server answers before keeping it; throws HippoError naming what is wrong. */
  configure(url: string | null): SyncStatus | Promise<SyncStatus>;
  /** Starts a sync (or joins the running one) and resolves once it has started. */
  run(): SyncStatus | Promise<SyncStatus>;
}

/** Switches the embedding model the face runs (the desktop app and `hippo serve` can). */
export interface ModelChoicePort {
  /** The catalogue model run now. */
  current(): ModelName;
  /** Refuses (HippoError, nothing changed) a model that cannot load; else saves it and switches. */
  use(model: ModelName): Promise<void>;
}

export interface AppServiceDeps {
  memory: Memory;
  /** The embedder the memory uses; null when the app runs without a model on purpose. */
  embedder: Embedder | null;
  /** Read on every call: the shell learns things (a taken hotkey, the API port) after start. */
  appInfo: () => AppInfo;
  /** Told about failures that are not HippoErrors, which reach the caller only as INTERNAL. */
  onUnexpectedError?: (channel: IpcChannel, error: unknown) => void;
  /** The clock stats:weekly counts back from. */
  now?: () => number;
  /** Absent where the face has no settings of its own to change. */
  settings?: SettingsPort;
  api?: ApiPort;
  /** Absent where the face cannot download (a browser page against `hippo serve`). */
  modelDownload?: ModelDownloadPort;
  /** Absent where the face does not run sync (a browser page against `hippo serve`). */
  sync?: SyncPort;
  /** Absent where the face cannot switch models. */
  modelChoice?: ModelChoicePort;
}

type ParsedInput<C extends IpcChannel> = z.output<(typeof IPC_CHANNELS)[C]['input']>;
type Handlers = {
  [C in IpcChannel]: (input: ParsedInput<C>) => IpcValue<C> | Promise<IpcValue<C>>;
};

/**
 * One async method per channel taking the raw request (whatever crossed IPC or HTTP) and
 * resolving to a result object; it never rejects. `dispatch` does the same by channel name.
 */
export type AppService = {
  [C in IpcChannel]: (input: unknown) => Promise<IpcResult<IpcValue<C>>>;
} & {
  dispatch(channel: string, input: unknown): Promise<IpcResult<unknown>>;
};

/**
 * The seam between the engine and every face of the desktop app: parses each request with its
 * channel's schema, asks the Memory, and turns every failure into `{ ok: false, error }`.
 * Plain Node, so the Electron handlers and the HTTP routes call the same code tests call.
 */
export function createAppService(deps: AppServiceDeps): AppService {
  const handlers = makeHandlers(deps);

  async function call<C extends IpcChannel>(channel: C, raw: unknown): Promise<IpcResult<IpcValue<C>>> {
    try {
      // A call with no argument (app:info from the preload) means an empty request.
      const input = parseInput(IPC_CHANNELS[channel].input, raw === undefined ? {} : raw) as ParsedInput<C>;
      const handler = handlers[channel] as (i: ParsedInput<C>) => IpcValue<C> | Promise<IpcValue<C>>;
      return { ok: true, value: await handler(input) };
    } catch (e) {
      return { ok: false, error: safePayload(channel, e, deps.onUnexpectedError) };
    }
  }

  const service = {} as Record<string, (input: unknown) => Promise<IpcResult<unknown>>>;
  for (const channel of Object.keys(IPC_CHANNELS) as IpcChannel[]) {
    service[channel] = (input) => call(channel, input);
  }
  return {
    ...(service as Omit<AppService, 'dispatch'>),
    dispatch(channel, input) {
      if (typeof channel !== 'string' || !isIpcChannel(channel))
        return Promise.resolve({
          ok: false,
          error: {
            code: 'BAD_INPUT',
            message: `channel: unknown channel "${String(channel).slice(0, 100)}"`,
          },
        });
      return call(channel, input);
    },
  } as AppService;
}

/**
 * A HippoError says what the caller did wrong in words meant for them; anything else is a bug
 * or a broken disk whose message may hold paths or SQL, so it stays in the log.
 */
function safePayload(
  channel: IpcChannel,
  e: unknown,
  report: AppServiceDeps['onUnexpectedError'],
): ErrorPayload {
  if (isHippoError(e)) return e.toPayload();
  report?.(channel, e);
  return { code: 'INTERNAL', message: `${channel} failed unexpectedly; the app log has the details` };
}

function makeHandlers(deps: AppServiceDeps): Handlers {
  const { memory, appInfo, now = Date.now } = deps;
  const inSpace = (space: string | undefined) => (space === undefined ? {} : { space });
  const settings = (): SettingsPort => deps.settings ?? unsupported('Settings');
  const api = (): ApiPort => deps.api ?? unsupported('The API server');
  const downloads = (): ModelDownloadPort => deps.modelDownload ?? unsupported('Downloading the model');
  const sync = (): SyncPort =>
    deps.sync ?? unsupported('Sync', ', or with `hippo sync --pg URL` in a terminal');
  return {
    'app:info': () => appInfo(),
    'memory:encode': async (input) => {
      const result = await memory.encode(input);
      return { ...result, mode: memory.mode };
    },
    'memory:recall': ({ query, context, ...filters }) => memory.recallDetailed(query, context, filters),
    'memory:similar': async ({ content, limit, space }) => ({
      results: await memory.recall(content, undefined, {
        limit: limit ?? SIMILAR_DEFAULT_LIMIT,
        ...inSpace(space),
        // A draft's "yesterday" is part of the fact, not a window to search in.
        time_words: false,
        trackAccess: false,
      }),
    }),
    'facts:list': (input) => memory.list(input),
    'facts:get': ({ id, space }) => memory.get(id, inSpace(space)),
    'facts:update': ({ id, patch, space }) => memory.update(id, patch, inSpace(space)),
    'facts:forget': ({ id, space }) => memory.forget(id, inSpace(space)),
    'facts:restore': ({ id, space }) => memory.restore(id, inSpace(space)),
    'facts:purge': ({ id, space }) => {
      memory.purge(id, inSpace(space));
      return { purged: true as const };
    },
    'facts:history': ({ id, space }) => ({ facts: memory.history(id, inSpace(space)) }),
    'facts:supersede': (input) => memory.supersede(input),
    'facts:unsupersede': ({ id, space }) => memory.unsupersede(id, inSpace(space)),
    'facts:import': async ({ records, space }) => ({
      results: await memory.importRecords(records, inSpace(space)),
    }),
    'facts:export': ({ include_deleted, space }) => {
      let jsonl = '';
      let count = 0;
      for (const record of memory.exportRecords(inSpace(space))) {
        if (record.deleted_at !== undefined && include_deleted !== true) continue;
        jsonl += `${JSON.stringify(record)}\n`;
        count++;
      }
      return { jsonl, count };
    },
    'labels:list': ({ space }) => ({ labels: memory.labelsList(inSpace(space)) }),
    'labels:rename': ({ id, name, space }) => memory.renameLabel(id, name, inSpace(space)),
    'labels:merge': ({ from, into, space }) => memory.mergeLabels(from, into, inSpace(space)),
    'labels:history': ({ id, space }) => ({ versions: memory.labelHistory(id, inSpace(space)) }),
    'stats:get': ({ space }) => memory.stats(inSpace(space)),
    'stats:weekly': ({ weeks, space }) => ({
      weeks: weeklyCounts(memory.db, space ?? memory.space, weeks ?? WEEKLY_DEFAULT_WEEKS, now()),
    }),
    'model:status': () => modelStatus(deps),
    'model:download': () => {
      downloads().start();
      return modelStatus(deps);
    },
    'model:cancel': () => {
      downloads().cancel();
      return modelStatus(deps);
    },
    'model:use': async ({ model }) => {
      const choice =
        deps.modelChoice ??
        unsupported('The embedding model', ', or with `hippo model use <name>` in a terminal');
      await choice.use(model);
      return modelStatus(deps);
    },
    'settings:get': () => settings().view(),
    'settings:update': ({ patch }) => settings().update(patch),
    'api:status': () => (deps.api ? deps.api.status() : API_NOT_RUN_HERE),
    'api:regenerate': () => api().regenerateToken(),
    'sync:status': () => (deps.sync ? deps.sync.status() : SYNC_NOT_RUN_HERE),
    'sync:configure': ({ url }) => sync().configure(url),
    'sync:run': () => sync().run(),
  };
}

const API_NOT_RUN_HERE: ApiStatus = {
  running: false,
  url: null,
  token: null,
  token_file: null,
  error: null,
  manageable: false,
};

const SYNC_NOT_RUN_HERE: SyncStatus = {
  configured: false,
  remote: null,
  running: false,
  progress: null,
  last_sync_at: null,
  last_result: null,
  last_error: null,
  pushed: 0,
  pulled: 0,
  pending_local: 0,
  manageable: false,
};

function unsupported(what: string, elsewhere = ''): never {
  throw new HippoError('NOT_SUPPORTED', `${what} can only be changed in the Hippo desktop app${elsewhere}`);
}

async function modelStatus({
  memory,
  embedder,
  modelDownload,
  modelChoice,
}: AppServiceDeps): Promise<ModelStatus> {
  const { pending_embeddings: pending } = await memory.stats();
  const download = modelDownload?.current() ?? null;
  const name = modelChoice?.current() ?? DEFAULT_MODEL;
  const common = {
    pending,
    // The download fetches MiniLM's pinned files; another model is placed by hand (README).
    can_download: modelDownload !== undefined && 'fp32' in MODEL_CATALOG[name].download,
    download,
    name,
    // Fresh: stats() above has adopted the embedder's model.
    reembedding_from: memory.reembedding,
  };
  if (!embedder) return { state: 'disabled', model_id: null, message: null, ...common };
  if (modelDownload?.running())
    return { state: 'downloading', model_id: null, message: 'downloading the model', ...common };
  if (await embedder.ready()) return { state: 'ready', model_id: embedder.modelId, message: null, ...common };
  const error = embedder.lastError;
  return {
    state: error?.code === 'MODEL_FAILED' ? 'failed' : 'missing',
    model_id: null,
    message: error?.message ?? 'the embedding model is not available',
    ...common,
  };
}
