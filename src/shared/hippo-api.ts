import type { HippoClient, IpcChannel } from './ipc-contract';

/**
 * The channel names as plain strings. The preload needs them at run time but must not bundle zod
 * and the schemas (it is a small sandboxed script), so the list lives here; the type below and a
 * unit test keep it equal to the keys of IPC_CHANNELS.
 */
export const IPC_CHANNEL_NAMES = [
  'app:info',
  'memory:encode',
  'memory:recall',
  'memory:similar',
  'facts:list',
  'facts:get',
  'facts:update',
  'facts:forget',
  'facts:restore',
  'facts:purge',
  'facts:history',
  'facts:supersede',
  'facts:unsupersede',
  'labels:list',
  'labels:rename',
  'labels:merge',
  'labels:history',
  'stats:get',
  'stats:weekly',
  'model:status',
  'model:download',
  'model:cancel',
  'model:use',
  'settings:get',
  'settings:update',
  'api:status',
  'api:regenerate',
  'facts:import',
  'facts:export',
  'sync:status',
  'sync:configure',
  'sync:run',
] as const satisfies readonly IpcChannel[];

// Fails to compile when a channel is added to IPC_CHANNELS but not listed above.
type Missing = Exclude<IpcChannel, (typeof IPC_CHANNEL_NAMES)[number]>;
const everyChannelListed: [Missing] extends [never] ? true : Missing = true;
void everyChannelListed;

/**
 * What the preload exposes to the renderer as `window.hippo`: one async method per IPC channel
 * plus the app version. The renderer never sees ipcRenderer itself.
 */
export type HippoApi = HippoClient & {
  /** The app's version (package.json), for the UI's about line. */
  readonly version: string;
};
