import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';

import { secureWebPreferences } from '../../../src/main/windows/web-preferences';
import * as windowOptions from '../../../src/main/windows/window-options';
import {
  MAIN_WINDOW_MIN_HEIGHT,
  MAIN_WINDOW_MIN_WIDTH,
  mainWindowOptions,
  quickCaptureWindowOptions,
} from '../../../src/main/windows/window-options';

const PRELOAD = '/app/out/preload/index.cjs';

/** What the issue requires of every window's renderer, checked value by value (not just truthiness). */
const REQUIRED_WEB_PREFERENCES = {
  preload: PRELOAD,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
};

/** Every exported `...WindowOptions` factory: a new window is covered as soon as it is exported. */
type WindowFactory = (input: {
  preloadPath: string;
  darkBackground: boolean;
}) => BrowserWindowConstructorOptions;
const factories: [string, WindowFactory][] = Object.entries(windowOptions).flatMap(([name, value]) =>
  name.endsWith('WindowOptions') && typeof value === 'function' ? [[name, value as WindowFactory]] : [],
);

describe('window options', () => {
  it('finds both window factories', () => {
    expect(factories.map(([name]) => name).sort()).toEqual([
      'mainWindowOptions',
      'quickCaptureWindowOptions',
    ]);
  });

  it.each(factories)('%s gives the locked-down webPreferences', (_name, factory) => {
    for (const darkBackground of [false, true]) {
      const options = factory({ preloadPath: PRELOAD, darkBackground });
      expect(options.webPreferences).toMatchObject(REQUIRED_WEB_PREFERENCES);
      expect(options.webPreferences).toEqual(secureWebPreferences(PRELOAD));
    }
  });

  it('secureWebPreferences returns a fresh object each time', () => {
    const a = secureWebPreferences(PRELOAD);
    a.sandbox = false;
    expect(secureWebPreferences(PRELOAD).sandbox).toBe(true);
  });

  it('main window uses remembered bounds and never goes below 800x600', () => {
    const remembered = mainWindowOptions({
      preloadPath: PRELOAD,
      darkBackground: false,
      bounds: { x: 40, y: 60, width: 1200, height: 900 },
    });
    expect(remembered).toMatchObject({ x: 40, y: 60, width: 1200, height: 900, show: false });
    expect(remembered.minWidth).toBe(800);
    expect(remembered.minHeight).toBe(600);

    const tooSmall = mainWindowOptions({
      preloadPath: PRELOAD,
      darkBackground: false,
      bounds: { width: 300, height: 200 },
    });
    expect(tooSmall.width).toBe(MAIN_WINDOW_MIN_WIDTH);
    expect(tooSmall.height).toBe(MAIN_WINDOW_MIN_HEIGHT);
    expect(tooSmall.x).toBeUndefined();
    expect(tooSmall.y).toBeUndefined();

    const fresh = mainWindowOptions({ preloadPath: PRELOAD, darkBackground: true });
    expect(fresh.width).toBeGreaterThanOrEqual(800);
    expect(fresh.height).toBeGreaterThanOrEqual(600);
    expect(fresh.x).toBeUndefined();
    expect(fresh.backgroundColor).toBe('#16181c');
  });

  it('main window ignores half a remembered position and non-finite sizes', () => {
    const half = mainWindowOptions({
      preloadPath: PRELOAD,
      darkBackground: false,
      bounds: { x: 100, width: Number.NaN, height: Number.POSITIVE_INFINITY },
    });
    expect(half.x).toBeUndefined();
    expect(half.y).toBeUndefined();
    expect(Number.isFinite(half.width)).toBe(true);
    expect(Number.isFinite(half.height)).toBe(true);
  });

  it('quick capture is small, on top, out of the taskbar and hidden until summoned', () => {
    const options = quickCaptureWindowOptions({ preloadPath: PRELOAD, darkBackground: false });
    expect(options).toMatchObject({ alwaysOnTop: true, skipTaskbar: true, show: false, frame: false });
    expect(options.width).toBeLessThan(800);
    expect(options.height).toBeLessThan(400);
  });
});
