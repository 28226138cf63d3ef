/**
 * What the preload exposes to the renderer as `window.hippo`. Grows with the typed IPC channels;
 * the renderer never sees ipcRenderer itself.
 */
export interface HippoApi {
  /** The app's version (package.json), for the UI's about line. */
  readonly version: string;
}
