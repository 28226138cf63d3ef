/** The slice of a BrowserWindow the quick-capture controller uses, so tests can pass a fake. */
export interface CaptureWindow {
  isDestroyed(): boolean;
  show(): void;
  focus(): void;
  hide(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'blur' | 'closed', listener: () => void): unknown;
}

/**
 * The small always-on-top capture window behind the global hotkey. It is made on first use and then
 * kept (hidden, not closed, when it loses focus) so the next press shows it at once with the page
 * already loaded.
 */
export function quickCaptureController(create: () => CaptureWindow) {
  let win: CaptureWindow | null = null;

  function present(w: CaptureWindow): void {
    w.show();
    w.focus();
  }

  return {
    show(): void {
      if (win && !win.isDestroyed()) {
        present(win);
        return;
      }
      const created = create();
      win = created;
      created.once('ready-to-show', () => present(created));
      // Clicking elsewhere means the user moved on; the draft stays in the hidden page.
      created.on('blur', () => {
        if (!created.isDestroyed()) created.hide();
      });
      created.on('closed', () => {
        if (win === created) win = null;
      });
    },
  };
}
