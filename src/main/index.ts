import { join } from 'node:path';

import { app, BrowserWindow, nativeTheme, session, type WebContents } from 'electron';

/** Set by the launch smoke test: quit as soon as the window has painted and the preload answered. */
const SMOKE_EXIT = process.env.HIPPO_SMOKE_EXIT === '1';

let mainWindow: BrowserWindow | null = null;

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 960,
    height: 680,
    minWidth: 480,
    minHeight: 360,
    show: false,
    title: 'Hippo',
    // Matches the page's background (styles.css) so the window never flashes the wrong colour.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181c' : '#f7f6f2',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });

  win.once('ready-to-show', () => {
    if (SMOKE_EXIT) {
      void reportSmokeAndExit(win);
      return;
    }
    win.show();
  });
  win.on('closed', () => {
    mainWindow = null;
  });

  // The dev server URL is only honoured in development; a packaged app always loads its own files.
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const loading =
    !app.isPackaged && devUrl
      ? win.loadURL(devUrl)
      : win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  loading.catch((err: unknown) => {
    console.error('Hippo could not load its window:', err);
    if (SMOKE_EXIT) app.exit(1);
  });
  return win;
}

async function reportSmokeAndExit(win: BrowserWindow): Promise<void> {
  try {
    const version: unknown = await win.webContents.executeJavaScript('window.hippo && window.hippo.version');
    const ok = typeof version === 'string' && version.length > 0;
    console.log(
      ok ? `hippo smoke: window ready, preload version ${version}` : 'hippo smoke: preload missing',
    );
    app.exit(ok ? 0 : 1);
  } catch (err) {
    console.error('hippo smoke: could not query the renderer:', err);
    app.exit(1);
  }
}

/** The renderer only ever shows our own page: no navigation, no new windows, no permissions. */
function lockDownWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function main(): void {
  // Lets tests (and a second profile) run beside an installed Hippo without sharing its lock or data.
  const userDataDir = process.env.HIPPO_USER_DATA_DIR;
  if (userDataDir) app.setPath('userData', userDataDir);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    mainWindow = createMainWindow();
  });
}

main();
