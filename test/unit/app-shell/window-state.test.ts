import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { BrowserWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  boundsOnScreen,
  readWindowState,
  trackWindowState,
  writeWindowState,
  type WindowState,
} from '../../../src/main/windows/window-state';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hippo-window-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('window state file', () => {
  it('round-trips through a real file, creating its folder', () => {
    const file = join(dir, 'nested', 'window-state.json');
    const state: WindowState = { x: 10, y: 20, width: 1100, height: 800, maximized: true };
    writeWindowState(file, state);
    expect(readWindowState(file)).toEqual(state);
    // The temp sibling is renamed away, not left behind.
    expect(readdirSync(join(dir, 'nested'))).toEqual(['window-state.json']);
  });

  it.each([
    ['missing', null],
    ['not json', '{"x": 1,'],
    ['wrong shape', JSON.stringify({ width: 'wide', height: 600, maximized: false })],
    ['negative size', JSON.stringify({ width: -5, height: 600, maximized: false })],
    ['array', '[]'],
  ])('reads %s as no state', (_label, content) => {
    const file = join(dir, 'window-state.json');
    if (content !== null) writeFileSync(file, content);
    expect(readWindowState(file)).toBeUndefined();
  });
});

describe('boundsOnScreen', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  const rightMonitor = { x: 1440, y: 0, width: 2560, height: 1440 };
  const state = (x: number | undefined, y: number | undefined): WindowState => ({
    x,
    y,
    width: 1000,
    height: 700,
    maximized: false,
  });

  it.each([
    ['on the main display', state(100, 100), [laptop], { x: 100, y: 100, width: 1000, height: 700 }],
    [
      'on a second display',
      state(2000, 200),
      [laptop, rightMonitor],
      { x: 2000, y: 200, width: 1000, height: 700 },
    ],
    ['on an unplugged display', state(2000, 200), [laptop], { width: 1000, height: 700 }],
    ['barely peeking in', state(1400, 100), [laptop], { width: 1000, height: 700 }],
    ['far off to the left', state(-5000, 0), [laptop, rightMonitor], { width: 1000, height: 700 }],
    ['with no position', state(undefined, undefined), [laptop], { width: 1000, height: 700 }],
    ['with no displays reported', state(100, 100), [], { width: 1000, height: 700 }],
  ])('%s', (_label, input, areas, expected) => {
    expect(boundsOnScreen(input, areas)).toEqual(expected);
  });
});

describe('trackWindowState', () => {
  function fakeWindow(bounds: { x: number; y: number; width: number; height: number }, maximized: boolean) {
    const listeners = new Map<string, () => void>();
    const win = {
      on: (name: string, listener: () => void) => listeners.set(name, listener),
      getNormalBounds: () => bounds,
      isMaximized: () => maximized,
    };
    return { win: win as unknown as BrowserWindow, close: () => listeners.get('close')?.() };
  }

  it('saves the normal bounds and maximized flag when the window closes', () => {
    const saved: WindowState[] = [];
    const fake = fakeWindow({ x: 10.4, y: 20.6, width: 1200, height: 850 }, true);
    trackWindowState(fake.win, (s) => saved.push(s));
    expect(saved).toEqual([]);
    fake.close();
    expect(saved).toEqual([{ x: 10, y: 21, width: 1200, height: 850, maximized: true }]);
  });

  it('lets the window close even if saving fails', () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const fake = fakeWindow({ x: 0, y: 0, width: 900, height: 700 }, false);
      trackWindowState(fake.win, () => {
        throw new Error('disk full');
      });
      expect(() => fake.close()).not.toThrow();
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });
});
