import { EventEmitter } from 'node:events';

import { describe, expect, it } from 'vitest';

import { GlobalHotkey, type ShortcutRegistry } from '../../../src/main/hotkey';
import { applyLaunchAtLogin } from '../../../src/main/launch-at-login';
import { quickCaptureController, type CaptureWindow } from '../../../src/main/quick-capture';
import { trayIconBitmap, trayMenuTemplate } from '../../../src/main/tray';

/** Behaves like globalShortcut: one owner per accelerator, throws on nonsense accelerators. */
function fakeOs(takenByOthers: string[] = []) {
  const owned = new Map<string, () => void>();
  const registry: ShortcutRegistry = {
    register(accelerator, callback) {
      if (!/^[A-Za-z]+(\+[A-Za-z0-9]+)*$/.test(accelerator)) throw new Error('conversion failure');
      if (takenByOthers.includes(accelerator) || owned.has(accelerator)) return false;
      owned.set(accelerator, callback);
      return true;
    },
    unregister(accelerator) {
      owned.delete(accelerator);
    },
  };
  return { registry, owned, press: (accelerator: string) => owned.get(accelerator)?.() };
}

describe('GlobalHotkey', () => {
  it('registers the accelerator and calls back on a press', () => {
    const os = fakeOs();
    let presses = 0;
    const hotkey = new GlobalHotkey(os.registry, () => void presses++);
    expect(hotkey.apply('CommandOrControl+Shift+Space')).toBeNull();
    os.press('CommandOrControl+Shift+Space');
    expect(presses).toBe(1);
    expect(hotkey.error).toBeNull();
  });

  it('explains a shortcut another app holds, and recovers when a free one is chosen', () => {
    const os = fakeOs(['Alt+Space']);
    const hotkey = new GlobalHotkey(os.registry, () => {});
    expect(hotkey.apply('Alt+Space')).toMatch(/"Alt\+Space" is already used by another app/);
    expect(hotkey.error).toMatch(/already used/);
    expect(hotkey.active).toBeNull();
    expect(hotkey.apply('Alt+H')).toBeNull();
    expect(hotkey.error).toBeNull();
  });

  it('explains an accelerator Electron cannot parse instead of throwing', () => {
    const hotkey = new GlobalHotkey(fakeOs().registry, () => {});
    expect(hotkey.apply('Ctrl++')).toMatch(/not a valid key combination/);
  });

  it('lets go of the old shortcut when it changes, and of all on release', () => {
    const os = fakeOs();
    const hotkey = new GlobalHotkey(os.registry, () => {});
    hotkey.apply('Alt+H');
    hotkey.apply('Alt+J');
    expect([...os.owned.keys()]).toEqual(['Alt+J']);
    hotkey.release();
    expect(os.owned.size).toBe(0);
  });
});

describe('trayMenuTemplate', () => {
  it('offers Capture, Search, Open and, apart, Quit, each calling its action', () => {
    const calls: string[] = [];
    const menu = trayMenuTemplate(
      {
        capture: () => calls.push('capture'),
        search: () => calls.push('search'),
        open: () => calls.push('open'),
        quit: () => calls.push('quit'),
      },
      'CommandOrControl+Shift+Space',
    );
    expect(menu.map((item) => item.label ?? item.type)).toEqual([
      'Capture…',
      'Search',
      'Open Hippo',
      'separator',
      'Quit Hippo',
    ]);
    for (const item of menu) (item.click as (() => void) | undefined)?.();
    expect(calls).toEqual(['capture', 'search', 'open', 'quit']);
    // The hint must not register a second, window-local copy of the global shortcut.
    expect(menu[0]).toMatchObject({
      accelerator: 'CommandOrControl+Shift+Space',
      registerAccelerator: false,
    });
  });

  it('shows no shortcut hint when the hotkey is not active', () => {
    const menu = trayMenuTemplate({ capture() {}, search() {}, open() {}, quit() {} }, null);
    expect(menu[0]).not.toHaveProperty('accelerator');
  });
});

describe('trayIconBitmap', () => {
  it('is an opaque disc on a transparent square', () => {
    const size = 16;
    const px = trayIconBitmap(size);
    expect(px.length).toBe(size * size * 4);
    const alpha = (x: number, y: number) => px[(y * size + x) * 4 + 3];
    expect(alpha(8, 8)).toBe(255);
    expect(alpha(0, 0)).toBe(0);
  });
});

describe('applyLaunchAtLogin', () => {
  it('passes the setting to the OS login items', () => {
    const seen: unknown[] = [];
    const app = { setLoginItemSettings: (s: unknown) => void seen.push(s) };
    applyLaunchAtLogin(app, true);
    applyLaunchAtLogin(app, false);
    expect(seen).toEqual([
      { openAtLogin: true, openAsHidden: true },
      { openAtLogin: false, openAsHidden: false },
    ]);
  });
});

describe('quickCaptureController', () => {
  class FakeWindow extends EventEmitter implements CaptureWindow {
    destroyed = false;
    visible = false;
    focused = 0;
    isDestroyed = () => this.destroyed;
    show = () => void (this.visible = true);
    hide = () => void (this.visible = false);
    focus = () => void this.focused++;
  }

  it('creates the window once, shows it when painted, hides it on blur and reuses it', () => {
    const made: FakeWindow[] = [];
    const capture = quickCaptureController(() => {
      const w = new FakeWindow();
      made.push(w);
      return w;
    });
    capture.show();
    expect(made).toHaveLength(1);
    expect(made[0]!.visible).toBe(false); // not before it has painted
    made[0]!.emit('ready-to-show');
    expect(made[0]!.visible).toBe(true);
    made[0]!.emit('blur');
    expect(made[0]!.visible).toBe(false);
    capture.show();
    expect(made).toHaveLength(1);
    expect(made[0]!.visible).toBe(true);
    expect(made[0]!.focused).toBe(2);
  });

  it('makes a new window after the old one was closed', () => {
    const made: FakeWindow[] = [];
    const capture = quickCaptureController(() => {
      const w = new FakeWindow();
      made.push(w);
      return w;
    });
    capture.show();
    made[0]!.destroyed = true;
    made[0]!.emit('closed');
    capture.show();
    expect(made).toHaveLength(2);
  });
});
