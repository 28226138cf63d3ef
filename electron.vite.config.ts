import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;
const fromRoot = (...parts: string[]): string => resolve(root, ...parts);

// Native addons must be loaded from node_modules at run time; bundling them breaks their .node lookup.
const NATIVE_MODULES = ['better-sqlite3', 'sqlite-vec', 'onnxruntime-node'];

function readAppVersion(): string {
  const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { include: NATIVE_MODULES },
      // One entry: the embedder worker is built (once, into chunks/) by utility-host.ts's
      // `?modulePath` import, which also gives main the path it forks at run time.
      rolldownOptions: {
        input: { index: fromRoot('src/main/index.ts') },
      },
    },
  },
  preload: {
    define: { __HIPPO_VERSION__: JSON.stringify(readAppVersion()) },
    build: {
      // A sandboxed preload cannot require() packages, so everything it uses is bundled in,
      // and it must be CommonJS: Electron only loads ESM preloads with the sandbox off.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('src/renderer'),
    plugins: [react()],
    build: {
      rolldownOptions: { input: { index: fromRoot('src/renderer/index.html') } },
    },
  },
});
