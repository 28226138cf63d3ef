import type { WebPreferences } from 'electron';

/**
 * The one set of webPreferences every Hippo window is created with. The renderer is treated as
 * untrusted: it gets no Node, runs sandboxed in its own JS world, and talks to the main process
 * only through the preload's contextBridge API.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    // Memories are short notes in the user's own words; the OS spellchecker helps and sends nothing out.
    spellcheck: true,
  };
}
