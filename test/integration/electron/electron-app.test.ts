import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HippoApi } from '../../../src/shared/hippo-api';
import { LEXICAL_MODEL_DIR } from '../../helpers/lexical-memory';
import { buildApp, type BuiltApp } from '../../unit/app-shell/build-app';
import { findElectron, startXvfb } from './electron-launcher';

const electron = findElectron();
if ('skip' in electron) console.warn(`skipping the Electron end-to-end tests: ${electron.skip}`);

/** The slice of a page's globals these tests touch (this file is typechecked without the DOM lib). */
interface PageWindow {
  hippo?: HippoApi;
  location: { href: string };
  document: {
    createElement(tag: 'script'): { textContent: string | null };
    head: { append(node: unknown): void };
  };
  __inline?: number;
}

/** What a page can see of its own powers: none of Node, only the preload's bridged functions. */
interface PageGlobals {
  require: string;
  process: string;
  module: string;
  hippoFrozen: boolean;
  hippoNative: boolean;
  hippoVersion: unknown;
}
const pageGlobals = (page: Page) =>
  page.evaluate((): PageGlobals => ({
    require: typeof (globalThis as unknown as Record<string, unknown>).require,
    process: typeof (globalThis as unknown as Record<string, unknown>).process,
    module: typeof (globalThis as unknown as Record<string, unknown>).module,
    hippoFrozen: Object.isFrozen((globalThis as unknown as PageWindow).hippo),
    // contextBridge hands the page proxies of the preload's functions, never the functions.
    hippoNative: /\[native code\]/.test(
      String((globalThis as unknown as PageWindow).hippo?.['memory:recall']),
    ),
    hippoVersion: (globalThis as unknown as PageWindow).hippo?.version,
  }));

/**
 * The built app in the real Electron binary, on a temp profile and the generated test model: the
 * preload bridge, IPC, the app service, the embedder utility process and SQLite, end to end.
 */
describe.skipIf('skip' in electron)('the desktop app in Electron', () => {
  let built: BuiltApp;
  let userData: string;
  let stopXvfb = () => undefined as void;
  let app: ElectronApplication;
  let main: Page;
  let launchEnv: Record<string, string> = {};

  beforeAll(async () => {
    if ('skip' in electron) return;
    built = await buildApp();
    userData = mkdtempSync(join(tmpdir(), 'hippo-e2e-user-'));
    // Neither a dev server URL nor node mode may leak in from the shell running the tests.
    const { ELECTRON_RENDERER_URL: _dev, ELECTRON_RUN_AS_NODE: _node, ...inherited } = process.env;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(inherited)) if (v !== undefined) env[k] = v;
    env.HIPPO_USER_DATA_DIR = userData;
    env.HIPPO_HOME = join(userData, 'home');
    env.HIPPO_MODEL_DIR = LEXICAL_MODEL_DIR;
    if (electron.needsXvfb) {
      const xvfb = await startXvfb();
      env.DISPLAY = xvfb.display;
      stopXvfb = xvfb.stop;
    }
    launchEnv = env;
    app = await _electron.launch({
      executablePath: electron.executablePath,
      args: [...electron.switches, built.dir],
      env,
      timeout: 60_000,
    });
    main = await app.firstWindow();
    await main.waitForLoadState('domcontentloaded');
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    stopXvfb();
    built?.remove();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('runs the page sandboxed: no Node in the page, only the frozen preload bridge', async () => {
    expect(await pageGlobals(main)).toEqual({
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      hippoFrozen: true,
      hippoNative: true,
      hippoVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    // Navigation away from the app's own files is refused (a file outside it: an https URL would be
    // handed to the OS browser).
    const before = main.url();
    await main.evaluate(() => {
      (globalThis as unknown as PageWindow).location.href = 'file:///etc/hosts';
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(main.url()).toBe(before);
    // The CSP from the meta tag (and main's header) forbids inline script.
    const inlineRan = await main.evaluate(() => {
      const page = globalThis as unknown as PageWindow;
      const s = page.document.createElement('script');
      s.textContent = 'window.__inline = 1';
      page.document.head.append(s);
      return page.__inline === 1;
    });
    expect(inlineRan).toBe(false);
  });

  it('captures through IPC and recalls it, in the app service, the worker and SQLite', async () => {
    const encoded = await main.evaluate(() =>
      (globalThis as unknown as PageWindow).hippo!['memory:encode']({
        content: 'The spare house key is under the blue pot',
      }),
    );
    expect(encoded).toMatchObject({ ok: true, value: { status: 'created' } });
    const recalled = await main.evaluate(() =>
      (globalThis as unknown as PageWindow).hippo!['memory:recall']({ query: 'spare key blue pot' }),
    );
    expect(recalled.ok && recalled.value.results[0]?.content).toBe(
      'The spare house key is under the blue pot',
    );
    // What the renderer sends is parsed by the channel's schema in main.
    const bad = await main.evaluate(() =>
      (globalThis as unknown as PageWindow).hippo!['memory:encode']({ content: '' } as unknown as {
        content: string;
      }),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });

    // And the search screen finds it.
    await main.getByRole('searchbox', { name: 'Search your memory' }).fill('blue pot');
    await expect
      .poll(() => main.getByRole('list', { name: 'Results' }).locator('li').first().textContent())
      .toContain('The spare house key is under the blue pot');
  });

  it('the quick-capture window saves on Enter and closes itself, with the same locked-down page', async () => {
    // The tray menu and the global hotkey both call the capture controller, which neither Playwright
    // nor the OS can press here; a window with the same options and page stands in for it.
    const opened = app.waitForEvent('window');
    await app.evaluate(async ({ BrowserWindow }, appDir) => {
      const win = new BrowserWindow({
        width: 560,
        height: 260,
        show: true,
        webPreferences: {
          preload: `${appDir}/preload/index.cjs`,
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
        },
      });
      await win.loadFile(`${appDir}/renderer/index.html`, { hash: 'capture' });
    }, built.dir);
    const capture = await opened;
    const box = capture.getByRole('textbox', { name: 'Remember a fact' });
    await expect.poll(() => box.isEnabled()).toBe(true);
    expect(await pageGlobals(capture)).toMatchObject({ require: 'undefined', hippoNative: true });

    await box.fill('The recycling goes out on Tuesdays');
    const closed = new Promise<true>((resolve) => capture.once('close', () => resolve(true)));
    await box.press('Enter');
    expect(await closed).toBe(true);
    const recalled = await main.evaluate(() =>
      (globalThis as unknown as PageWindow).hippo!['memory:recall']({ query: 'recycling Tuesdays' }),
    );
    expect(recalled.ok && recalled.value.results[0]?.content).toBe('The recycling goes out on Tuesdays');
  });

  it('a second launch with --capture opens the quick-capture window of the running app', async () => {
    if ('skip' in electron) return;
    // The same path the tray's Capture and the hotkey take (quickCapture.show()), reached the way a
    // desktop shortcut or a Wayland keybinding would: the second process hands over and quits.
    const opened = app.waitForEvent('window', { timeout: 30_000 });
    const second = spawn(electron.executablePath, [...electron.switches, built.dir, '--capture'], {
      env: launchEnv,
      stdio: 'ignore',
    });
    const exitCode = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(exitCode).toBe(0);
    const capture = await opened;
    await capture.waitForLoadState('domcontentloaded');
    expect(new URL(capture.url()).hash).toBe('#capture');
    const box = capture.getByRole('textbox', { name: 'Remember a fact' });
    await expect.poll(() => box.isEnabled()).toBe(true);
    const closed = new Promise<true>((resolve) => capture.once('close', () => resolve(true)));
    await box.press('Escape');
    expect(await closed).toBe(true);
  });
});
