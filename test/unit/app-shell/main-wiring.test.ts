import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp, type BuiltApp } from './build-app';

/**
 * Electron cannot be launched here, so this reads the built main bundle to check that the pieces the
 * unit tests exercise with fakes are the ones the app actually starts.
 */
describe('built main process wires the app together', () => {
  let app: BuiltApp;
  let main: string;

  beforeAll(async () => {
    app = await buildApp();
    main = readFileSync(join(app.dir, 'main', 'index.js'), 'utf8');
  });
  afterAll(() => app?.remove());

  it('holds the single-instance lock and closes the backend before quitting', () => {
    for (const hook of ['requestSingleInstanceLock', 'second-instance', 'before-quit']) {
      expect(main, hook).toContain(hook);
    }
  });

  it('answers IPC from the app service and forks the embedder as a utility process it ships', () => {
    expect(main).toContain('ipcMain');
    expect(main).toMatch(/\.handle\(/);
    expect(main).toContain('utilityProcess.fork(');
    const worker = /join(?:\$\d+)?\(import\.meta\.dirname, "(\.\/chunks\/embedder-worker[^"]*\.js)"\)/.exec(
      main,
    );
    expect(worker, 'embedder worker path').not.toBeNull();
    expect(existsSync(join(app.dir, 'main', worker![1]!))).toBe(true);
  });

  it('registers the global hotkey, the tray, login items and the quick-capture view', () => {
    for (const used of ['globalShortcut', 'new Tray(', 'setLoginItemSettings', 'Capture…', 'Quit Hippo']) {
      expect(main, used).toContain(used);
    }
    expect(main).toMatch(/["']capture["']/);
  });
});
