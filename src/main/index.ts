import { join } from 'node:path';

import {
  app,
  BrowserWindow,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  screen,
  session,
  shell,
  Tray,
} from 'electron';

import type { AppInfo } from '../shared/ipc-contract';
import {
  appDbPath,
  appSettingsFile,
  claimSingleInstance,
  launchAction,
  type LaunchAction,
  dataDirOf,
  openBackend,
  quitAfterShutdown,
  type Backend,
} from './app-lifecycle';
import { createAppService } from './app-service/app-service';
import { GlobalHotkey } from './hotkey';
import { registerIpcHandlers } from './ipc/register-ipc';
import { unavailableService } from './ipc/unavailable-service';
import { quickCaptureController } from './quick-capture';
import { SettingsStore } from './settings-store';
import { createShellPorts, type ShellPorts } from './shell/shell-ports';
import { trayIconBitmap, trayMenuTemplate } from './tray';
import { devAppOrigin, fileAppOrigin, type AppOrigin } from './security/app-origin';
import { contentSecurityPolicy, installContentSecurityPolicy } from './security/content-security-policy';
import { guardWebContents } from './security/navigation-guard';
import { denyAllPermissions } from './security/permissions';
import { mainWindowOptions, quickCaptureWindowOptions } from './windows/window-options';
import {
  boundsOnScreen,
  readWindowState,
  trackWindowState,
  WINDOW_STATE_FILE,
  writeWindowState,
} from './windows/window-state';
import { createUtilityWorkerHost } from './utility-host';

/** Set by the launch smoke test: quit as soon as the window has painted and the preload answered. */
const SMOKE_EXIT = process.env.HIPPO_SMOKE_EXIT === '1';

const PRELOAD_PATH = join(import.meta.dirname, '../preload/index.cjs');
const RENDERER_PAGE = join(import.meta.dirname, '../renderer/index.html');

let mainWindow: BrowserWindow | null = null;
let backend: Backend | null = null;
let hotkey: GlobalHotkey | null = null;
let shellPorts: ShellPorts | null = null;
// Kept referenced: a Tray that is garbage-collected disappears from the panel.
let tray: Tray | null = null;

/** The dev server URL is only honoured in development; a packaged app always loads its own files. */
function devServerUrl(): string | undefined {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  return !app.isPackaged && devUrl ? devUrl : undefined;
}

/** Where the app's own pages live; navigation guards and IPC sender checks trust only this. */
function resolveAppOrigin(): AppOrigin {
  const devUrl = devServerUrl();
  return devUrl ? devAppOrigin(devUrl) : fileAppOrigin(join(import.meta.dirname, '../renderer'));
}

/** Loads the app's page; the hash picks the view (`capture` for the quick-capture window). */
function loadRenderer(win: BrowserWindow, hash?: string): Promise<void> {
  const devUrl = devServerUrl();
  if (devUrl) return win.loadURL(hash ? `${devUrl}#${hash}` : devUrl);
  return win.loadFile(RENDERER_PAGE, hash ? { hash } : undefined);
}

function createQuickCaptureWindow(): BrowserWindow {
  const win = new BrowserWindow(
    quickCaptureWindowOptions({ preloadPath: PRELOAD_PATH, darkBackground: nativeTheme.shouldUseDarkColors }),
  );
  loadRenderer(win, 'capture').catch((err: unknown) => {
    console.error('Hippo could not load the capture window:', err);
  });
  return win;
}

const quickCapture = quickCaptureController(createQuickCaptureWindow);

function createMainWindow(): BrowserWindow {
  const stateFile = join(app.getPath('userData'), WINDOW_STATE_FILE);
  const remembered = readWindowState(stateFile);
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const win = new BrowserWindow(
    mainWindowOptions({
      preloadPath: PRELOAD_PATH,
      darkBackground: nativeTheme.shouldUseDarkColors,
      bounds: remembered ? boundsOnScreen(remembered, workAreas) : undefined,
    }),
  );
  trackWindowState(win, (state) => writeWindowState(stateFile, state));

  win.once('ready-to-show', () => {
    if (SMOKE_EXIT) {
      void reportSmokeAndExit(win);
      return;
    }
    if (remembered?.maximized) win.maximize();
    win.show();
  });
  win.on('closed', () => {
    mainWindow = null;
  });

  loadRenderer(win).catch((err: unknown) => {
    console.error('Hippo could not load its window:', err);
    if (SMOKE_EXIT) app.exit(1);
  });
  return win;
}

async function reportSmokeAndExit(win: BrowserWindow): Promise<void> {
  try {
    const version: unknown = await win.webContents.executeJavaScript('window.hippo && window.hippo.version');
    if (typeof version !== 'string' || version.length === 0) {
      console.log('hippo smoke: preload missing');
      app.exit(1);
      return;
    }
    // A round trip through the preload, the sender check and the app service, not just the bridge.
    const info = (await win.webContents.executeJavaScript("window.hippo['app:info']()")) as {
      ok?: unknown;
    } | null;
    const ipcOk = info?.ok === true;
    console.log(
      ipcOk
        ? `hippo smoke: window ready, preload version ${version}, app:info answered`
        : `hippo smoke: app:info failed: ${JSON.stringify(info)}`,
    );
    app.exit(ipcOk ? 0 : 1);
  } catch (err) {
    console.error('hippo smoke: could not query the renderer:', err);
    app.exit(1);
  }
}

function focusMainWindow(): void {
  if (!mainWindow) {
    if (app.isReady()) mainWindow = createMainWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

/** Brings the main window up on its search view (the renderer reads the hash). */
function openSearch(): void {
  focusMainWindow();
  void mainWindow?.webContents
    .executeJavaScript("location.hash = 'search'")
    .catch((err: unknown) => console.error('Hippo could not open search:', err));
}

/** Does what a launch asked for (see launchAction): `hippo-app --capture` from a desktop shortcut. */
function runLaunchAction(action: LaunchAction): void {
  if (action === 'capture') quickCapture.show();
  else if (action === 'search') openSearch();
  else focusMainWindow();
}

function trayMenu(shortcut: string | null): Menu {
  return Menu.buildFromTemplate(
    trayMenuTemplate(
      {
        capture: () => quickCapture.show(),
        search: openSearch,
        open: focusMainWindow,
        quit: () => app.quit(),
      },
      shortcut,
    ),
  );
}

function createTray(shortcut: string | null): Tray {
  const size = 16;
  const icon = nativeImage.createFromBitmap(trayIconBitmap(size), { width: size, height: size });
  const created = new Tray(icon);
  created.setToolTip('Hippo');
  created.setContextMenu(trayMenu(shortcut));
  return created;
}

/** The tray menu names the shortcut; a change in Settings renames it. */
function updateTrayMenu(): void {
  tray?.setContextMenu(trayMenu(hotkey?.active ?? null));
}

/**
 * Opens the database and the embedder and answers the renderer's IPC calls with them; if the
 * database cannot be opened the calls are still answered, with the reason, so the window can say so.
 * The settings, the API server and the model download are built over the same backend.
 */
function startBackend(appOrigin: AppOrigin, store: SettingsStore, globalHotkey: GlobalHotkey): ShellPorts {
  const dbPath = appDbPath(process.env);
  const appInfo = (): AppInfo => ({
    version: app.getVersion(),
    shell: 'electron',
    data_dir: dataDirOf(dbPath),
    hotkey_error: hotkey?.error ?? null,
    api_url: shellPorts?.api?.url ?? null,
  });
  try {
    backend = openBackend({
      env: process.env,
      resourcesPath: app.isPackaged ? process.resourcesPath : undefined,
      hostFactory: createUtilityWorkerHost,
    });
  } catch (err) {
    console.error('Hippo could not open its database:', err);
    registerIpcHandlers(ipcMain, unavailableService(err, dbPath, appInfo), appOrigin);
  }
  const ports = createShellPorts(backend, {
    env: process.env,
    store,
    hotkey: globalHotkey,
    loginItems: app,
    applyTheme: (theme) => {
      // The renderer sees it as prefers-color-scheme; new windows pick their background from it.
      nativeTheme.themeSource = theme;
    },
    log: (message, err) => console.error(message, err ?? ''),
    onSettingsChanged: () => updateTrayMenu(),
  });
  if (!backend) return ports;
  const service = createAppService({
    memory: backend.memory,
    embedder: backend.embedder,
    appInfo,
    onUnexpectedError: (channel, err) => console.error(`Hippo: ${channel} failed:`, err),
    settings: ports.settings,
    api: ports.api ?? undefined,
    modelDownload: ports.modelDownload ?? undefined,
    modelChoice: ports.modelChoice ?? undefined,
    sync: ports.sync ?? undefined,
  });
  registerIpcHandlers(ipcMain, service, appOrigin);
  return ports;
}

function main(): void {
  // Lets tests (and a second profile) run beside an installed Hippo without sharing its lock or data.
  const userDataDir = process.env.HIPPO_USER_DATA_DIR;
  if (userDataDir) app.setPath('userData', userDataDir);

  if (!claimSingleInstance(app, runLaunchAction)) return;
  const appOrigin = resolveAppOrigin();
  // Every web contents, including any a future window or a page itself creates, gets the guards.
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, appOrigin, (url) => shell.openExternal(url)),
  );

  // With a tray and the hotkey the app lives on after its windows close; without (tray failed) it quits.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !tray) app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
  app.on('will-quit', () => {
    hotkey?.release();
    tray?.destroy();
  });
  quitAfterShutdown(
    app,
    async () => {
      // The API server answers from the database: it stops first, then the database closes.
      await shellPorts?.close();
      await backend?.close();
    },
    (err) => console.error('Hippo could not close its database cleanly:', err),
  );

  void app.whenReady().then(() => {
    denyAllPermissions(session.defaultSession);
    installContentSecurityPolicy(session.defaultSession, contentSecurityPolicy(appOrigin));
    const settings = new SettingsStore(appSettingsFile(process.env, app.getPath('userData')));
    if (settings.loadProblem) console.error('Hippo settings:', settings.loadProblem);
    hotkey = new GlobalHotkey(globalShortcut, () => quickCapture.show());
    // utilityProcess (the embedder worker) can only be forked once the app is ready.
    shellPorts = startBackend(appOrigin, settings, hotkey);
    // Hotkey, login item and theme are applied before this returns (windows below get the theme's
    // background); the API server starts in the background and reports a taken port in Settings.
    shellPorts
      .applyStored()
      .catch((err: unknown) => console.error('Hippo could not apply its settings:', err));
    if (hotkey.error) console.error('Hippo:', hotkey.error);
    try {
      tray = createTray(hotkey.active);
    } catch (err) {
      // Some Linux desktops have no status area; the app then behaves like a plain windowed app.
      console.error('Hippo could not add its tray icon:', err);
    }
    // Started at login the app waits in the tray; opened by hand it does what the launch asked.
    const action = launchAction(process.argv);
    if (action === 'capture') quickCapture.show();
    else if (!app.getLoginItemSettings().wasOpenedAsHidden) mainWindow = createMainWindow();
    if (action === 'search') openSearch();
  });
}

main();
