import type { Configuration } from 'electron-builder';

import { flipHippoFuses } from './electron-fuses';

/**
 * Native code cannot be loaded from inside app.asar: the .node addons and the shared libraries they
 * open (libonnxruntime, sqlite-vec's vec0 loadable extension) must sit as real files on disk.
 * Electron redirects require() of an unpacked .node, but SQLite's load_extension gets a plain path,
 * so the engine must map app.asar/ to app.asar.unpacked/ for sqlite-vec's path.
 */
export const ASAR_UNPACK = [
  '**/node_modules/better-sqlite3/**',
  '**/node_modules/sqlite-vec/**',
  '**/node_modules/sqlite-vec-*/**',
  '**/node_modules/onnxruntime-node/bin/**',
  '**/*.node',
] as const;

const config: Configuration = {
  appId: 'app.hippo.desktop',
  productName: 'Hippo',
  copyright: 'Copyright © Hippo contributors',
  directories: { output: 'release', buildResources: 'resources' },
  // electron-vite's output plus the manifest; production dependencies are added by electron-builder.
  files: ['out/**/*', 'package.json', '!**/*.map'],
  extraResources: [
    {
      from: 'resources',
      to: '.',
      filter: ['model-manifest.json', 'model-manifest-int8.json', 'models/**/*'],
    },
  ],
  asar: true,
  asarUnpack: [...ASAR_UNPACK],
  // better-sqlite3 is built for Node's ABI by npm install; the app needs Electron's.
  npmRebuild: true,
  afterPack: flipHippoFuses,
  linux: {
    // Not `hippo`: that is the CLI's command, and the .deb links its executable into /usr/bin.
    executableName: 'hippo-app',
    target: ['AppImage', 'deb'],
    category: 'Utility',
    synopsis: 'Local-first personal memory',
    maintainer: 'Hippo contributors',
  },
  deb: { packageCategory: 'utils' },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.productivity',
    hardenedRuntime: true,
  },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
};

export default config;
