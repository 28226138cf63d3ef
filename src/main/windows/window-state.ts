import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

/** The remembered main-window state, or undefined when there is none or it is unreadable. */
export function readWindowState(filePath: string): WindowState | undefined {
  let raw: string;
  try {
    raw = readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = WindowState.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A half-written or hand-edited file must not stop the app from opening.
    return undefined;
  }
}

/** Written to a temp file and renamed, so a crash mid-write leaves the previous state intact. */
export function writeWindowState(filePath: string, state: WindowState): void {
  mkdirSync(dirname(filePath), { recursive: true });
  const tmp = `${filePath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, filePath);
}

/** How much of the window must lie on a display for its remembered position to be kept. */
const MIN_VISIBLE_WIDTH = 100;
const MIN_VISIBLE_HEIGHT = 50;

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The bounds to open the window with. A position on a display that is gone (unplugged monitor,
 * changed layout) is dropped so the OS places the window where the user can see it.
 */
export function boundsOnScreen(state: WindowState, workAreas: readonly Rectangle[]): Partial<Rectangle> {
  const { width, height } = state;
  if (state.x === undefined || state.y === undefined) return { width, height };
  const rect = { x: state.x, y: state.y, width, height };
  const visible = workAreas.some((area) => {
    const o = overlap(rect, area);
    return o.width >= MIN_VISIBLE_WIDTH && o.height >= MIN_VISIBLE_HEIGHT;
  });
  return visible ? rect : { width, height };
}

type TrackedWindow = Pick<BrowserWindow, 'on' | 'getNormalBounds' | 'isMaximized'>;

/**
 * Saves the window's normal (un-maximized) bounds and maximized flag when it closes, so the next
 * launch reopens it where the user left it.
 */
export function trackWindowState(win: TrackedWindow, save: (state: WindowState) => void): void {
  win.on('close', () => {
    const bounds = win.getNormalBounds();
    try {
      save({
        x: Math.round(bounds.x),
        y: Math.round(bounds.y),
        width: Math.round(bounds.width),
        height: Math.round(bounds.height),
        maximized: win.isMaximized(),
      });
    } catch (err) {
      // Losing the window position is not worth failing the close over.
      console.error('Hippo could not save the window position:', err);
    }
  });
}
