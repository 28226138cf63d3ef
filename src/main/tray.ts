import type { MenuItemConstructorOptions } from 'electron';

export interface TrayActions {
  capture(): void;
  search(): void;
  open(): void;
  quit(): void;
}

/** The tray menu: the three ways into the app, then Quit apart so it is not hit by accident. */
export function trayMenuTemplate(actions: TrayActions, hotkey: string | null): MenuItemConstructorOptions[] {
  return [
    {
      label: 'Capture…',
      // Shown beside the item as a reminder; the global shortcut itself is registered elsewhere.
      ...(hotkey ? { accelerator: hotkey, registerAccelerator: false } : {}),
      click: () => actions.capture(),
    },
    { label: 'Search', click: () => actions.search() },
    { label: 'Open Hippo', click: () => actions.open() },
    { type: 'separator' },
    { label: 'Quit Hippo', click: () => actions.quit() },
  ];
}

/**
 * The tray icon drawn in code (a filled disc, BGRA for nativeImage.createFromBitmap) until the app
 * has artwork; a tray with an empty image is invisible on most desktops.
 */
export function trayIconBitmap(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const centre = (size - 1) / 2;
  const radius = size / 2 - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Coverage over the pixel edge gives a smooth rim.
      const alpha = Math.max(0, Math.min(1, radius + 0.5 - Math.hypot(x - centre, y - centre)));
      const i = (y * size + x) * 4;
      pixels[i] = 0xd9; // B
      pixels[i + 1] = 0x77; // G
      pixels[i + 2] = 0x5b; // R
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}
