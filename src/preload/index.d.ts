import type { HippoApi } from '../shared/hippo-api';

declare global {
  interface Window {
    /** Present inside the Electron app; absent when the renderer runs in a plain browser. */
    readonly hippo?: HippoApi;
  }
}

export {};
