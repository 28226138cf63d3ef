/** The slice of Electron's app that login items need. */
export interface LoginItemApp {
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean }): void;
}

/**
 * Makes the OS start Hippo at login, or stop doing so, to match the setting. Only macOS and Windows
 * support it; elsewhere Electron ignores the call, which is the honest answer there.
 */
export function applyLaunchAtLogin(app: LoginItemApp, enabled: boolean): void {
  // Started at login, the app waits in the tray for the hotkey instead of opening a window.
  app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: enabled });
}
