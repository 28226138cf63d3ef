import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp, type BuiltApp } from './build-app';

/**
 * Electron cannot be launched here, so this reads the built main bundle to check the guards the unit
 * tests exercise are actually installed by the app, not just defined.
 */
describe('built main process installs the security guards', () => {
  let app: BuiltApp;
  let main: string;

  beforeAll(async () => {
    app = await buildApp();
    main = readFileSync(join(app.dir, 'main', 'index.js'), 'utf8');
  });
  afterAll(() => app?.remove());

  it('guards every web contents and the default session', () => {
    for (const hook of [
      'web-contents-created',
      'will-navigate',
      'will-frame-navigate',
      'will-redirect',
      'will-attach-webview',
      'setWindowOpenHandler',
      'setPermissionRequestHandler',
      'setPermissionCheckHandler',
      'setDevicePermissionHandler',
      'onHeadersReceived',
      'Content-Security-Policy',
      'openExternal',
    ]) {
      expect(main, hook).toContain(hook);
    }
  });

  it('creates windows only with the locked-down preferences', () => {
    expect(main).toMatch(/contextIsolation:\s*true/);
    expect(main).toMatch(/sandbox:\s*true/);
    expect(main).not.toMatch(/nodeIntegration:\s*true/);
    expect(main).not.toMatch(/contextIsolation:\s*false/);
    expect(main).not.toMatch(/sandbox:\s*false/);
    expect(main).not.toMatch(/webSecurity:\s*false/);
    expect(main).not.toContain('unsafe-eval');
  });
});
