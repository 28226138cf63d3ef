// Types for electron-vite's import suffixes (`?modulePath`, `?asset`) and process.env.ELECTRON_RENDERER_URL.
/// <reference types="electron-vite/node" />
