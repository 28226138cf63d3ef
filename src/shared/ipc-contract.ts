/**
 * Every operation the renderer can ask of the app, by channel (`domain:verb`), with the zod
 * schemas of its request and its value. The same map drives the preload's `window.hippo`, the
 * main process's IPC handlers and the renderer's HTTP client for a plain browser, so the UI
 * speaks one contract whatever carries it. Results cross as `{ ok: true, value }` or
 * `{ ok: false, error: { code, message } }`.
 */
import { z } from 'zod';
import {
  Content,
  EncodeInput,
  EncodeResult,
  Fact,
  FactPatch,
  Label,
  ListInput,
  ListResult,
  RecallInput,
  RecallMode,
  SearchResult,
  SpaceName,
  Stats,
} from './contract';

const FactId = z.number().int().positive();
const LabelId = z.number().int().positive();
const InSpace = { space: SpaceName.optional() };

export const ModelStatus = z.object({
  state: z.enum(['ready', 'missing', 'failed', 'disabled']),
  model_id: z.string().nullable(),
  /** What went wrong, in words a person understands (missing or failed). */
  message: z.string().nullable(),
  /** Facts still waiting for an embedding (after an import or a model change). */
  pending: z.number().int().nonnegative(),
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

function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const IPC_CHANNELS = {
  'app:info': channel(z.strictObject({}), AppInfo),
  'memory:encode': channel(EncodeInput, EncodeResult.extend({ mode: RecallMode })),
  'memory:recall': channel(RecallInput, z.object({ mode: RecallMode, results: z.array(SearchResult) })),
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
  'facts:history': channel(z.strictObject({ id: FactId, ...InSpace }), z.object({ facts: z.array(Fact) })),
  'labels:list': channel(z.strictObject({ ...InSpace }), z.object({ labels: z.array(Label) })),
  /** A name another label of the space has (in any case) is refused: merge instead. */
  'labels:rename': channel(z.strictObject({ id: LabelId, name: z.string(), ...InSpace }), Label),
  /** Moves every fact of `from` to `into` and removes `from`. */
  'labels:merge': channel(z.strictObject({ from: LabelId, into: LabelId, ...InSpace }), Label),
  'stats:get': channel(z.strictObject({ ...InSpace }), Stats),
  /** Live facts captured per ISO week (UTC, Monday first), oldest first, for the insights chart. */
  'stats:weekly': channel(
    z.strictObject({ weeks: z.number().int().min(1).max(520).optional(), ...InSpace }),
    z.object({ weeks: z.array(z.object({ week_start: z.string(), count: z.number().int().nonnegative() })) }),
  ),
  'model:status': channel(z.strictObject({}), ModelStatus),
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
