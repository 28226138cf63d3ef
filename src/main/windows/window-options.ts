import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

import { secureWebPreferences } from './web-preferences';

export const MAIN_WINDOW_MIN_WIDTH = 800;
export const MAIN_WINDOW_MIN_HEIGHT = 600;
const MAIN_WINDOW_DEFAULT_WIDTH = 1024;
const MAIN_WINDOW_DEFAULT_HEIGHT = 720;

export interface MainWindowOptionsInput {
  preloadPath: string;
  /** Bounds remembered from the last session, if any; x/y absent lets the OS place the window. */
  bounds?: Partial<Rectangle>;
  darkBackground: boolean;
}

/** Matches the page background (styles.css) so a window never flashes the wrong colour. */
function backgroundColor(dark: boolean): string {
  return dark ? '#16181c' : '#f7f6f2';
}

function atLeast(value: number | undefined, min: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(Math.round(value), min) : fallback;
}

export function mainWindowOptions(input: MainWindowOptionsInput): BrowserWindowConstructorOptions {
  const { bounds } = input;
  const options: BrowserWindowConstructorOptions = {
    width: atLeast(bounds?.width, MAIN_WINDOW_MIN_WIDTH, MAIN_WINDOW_DEFAULT_WIDTH),
    height: atLeast(bounds?.height, MAIN_WINDOW_MIN_HEIGHT, MAIN_WINDOW_DEFAULT_HEIGHT),
    minWidth: MAIN_WINDOW_MIN_WIDTH,
    minHeight: MAIN_WINDOW_MIN_HEIGHT,
    show: false,
    title: 'Hippo',
    backgroundColor: backgroundColor(input.darkBackground),
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(input.preloadPath),
  };
  // A remembered position is only honoured as a pair; half a position would pin one axis to 0.
  if (Number.isFinite(bounds?.x) && Number.isFinite(bounds?.y)) {
    options.x = Math.round(bounds?.x as number);
    options.y = Math.round(bounds?.y as number);
  }
  return options;
}

export const QUICK_CAPTURE_WIDTH = 560;
export const QUICK_CAPTURE_HEIGHT = 260;

export interface QuickCaptureWindowOptionsInput {
  preloadPath: string;
  darkBackground: boolean;
}

/**
 * A small always-on-top box summoned by a global shortcut: frameless so it reads as a prompt, not a
 * second app window, and kept out of the taskbar and hidden until the shortcut shows it.
 */
export function quickCaptureWindowOptions(
  input: QuickCaptureWindowOptionsInput,
): BrowserWindowConstructorOptions {
  return {
    width: QUICK_CAPTURE_WIDTH,
    height: QUICK_CAPTURE_HEIGHT,
    useContentSize: true,
    resizable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    frame: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    show: false,
    title: 'Hippo quick capture',
    backgroundColor: backgroundColor(input.darkBackground),
    webPreferences: secureWebPreferences(input.preloadPath),
  };
}
