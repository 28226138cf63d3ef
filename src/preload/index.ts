import { contextBridge } from 'electron';

import type { HippoApi } from '../shared/hippo-api';

/** Replaced at build time from package.json (electron.vite.config.ts). */
declare const __HIPPO_VERSION__: string;

const api: HippoApi = Object.freeze({ version: __HIPPO_VERSION__ });

contextBridge.exposeInMainWorld('hippo', api);
