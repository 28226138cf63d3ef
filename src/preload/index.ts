import { contextBridge, ipcRenderer } from 'electron';

import { IPC_CHANNEL_NAMES, type HippoApi } from '../shared/hippo-api';

/** Replaced at build time from package.json (electron.vite.config.ts). */
declare const __HIPPO_VERSION__: string;

// Each method closes over its own fixed channel, so the page can reach exactly these channels and
// nothing else; ipcRenderer itself never crosses the bridge.
const methods = Object.fromEntries(
  IPC_CHANNEL_NAMES.map((channel) => [channel, (input?: unknown) => ipcRenderer.invoke(channel, input)]),
);

const api = Object.freeze({ ...methods, version: __HIPPO_VERSION__ }) as HippoApi;

contextBridge.exposeInMainWorld('hippo', api);
