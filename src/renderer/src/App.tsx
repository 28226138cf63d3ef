import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { HippoClient } from '../../shared/ipc-contract';
import { CaptureBox } from './screens/CaptureBox';
import { FactsScreen } from './screens/FactsScreen';
import { InsightsScreen } from './screens/InsightsScreen';
import { LabelsScreen } from './screens/LabelsScreen';
import { ModelBanner } from './screens/ModelBanner';
import { SearchScreen } from './screens/SearchScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { ToastBar } from './screens/ToastBar';
import { createFactsStore } from './store/facts-store';
import { createInsightsStore } from './store/insights-store';
import { createLabelsStore } from './store/labels-store';
import { createMemoryStore } from './store/memory-store';
import { applyTheme, createSettingsStore, storedTheme, THEME_STORAGE_KEY } from './store/settings-store';

/** The screens in the order the nav shows them; each one's location hash is its id. */
export const SCREENS = [
  { id: 'search', title: 'Search' },
  { id: 'facts', title: 'Facts' },
  { id: 'labels', title: 'Labels' },
  { id: 'insights', title: 'Insights' },
  { id: 'settings', title: 'Settings' },
] as const;
export type Screen = (typeof SCREENS)[number]['id'];

/** '#labels' → 'labels'; anything unknown (or no hash) is the Search screen. */
export function screenFromHash(hash: string): Screen {
  const id = hash.replace(/^#\/?/, '').toLowerCase();
  return SCREENS.find((s) => s.id === id)?.id ?? 'search';
}

/** The screen the location hash names, following it as it changes (the tray's "Search" sets it). */
function useHashScreen(): Screen {
  const [screen, setScreen] = useState<Screen>(() => screenFromHash(window.location.hash));
  useEffect(() => {
    const follow = (): void => setScreen(screenFromHash(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return screen;
}

/** `client` is window.hippo in the desktop app, the HTTP client against `hippo serve` in a browser. */
export function App(props: { client: HippoClient; version?: string; view?: 'main' | 'capture' }) {
  const { client, version } = props;
  const [store] = useState(() => createMemoryStore(client));
  const [factsStore] = useState(() => createFactsStore(client));
  const [labelsStore] = useState(() => createLabelsStore(client));
  const [insightsStore] = useState(() => createInsightsStore(client));
  const [settingsStore] = useState(() => createSettingsStore(client, { storage: safeLocalStorage() }));
  const screen = useHashScreen();
  const toast = useStore(store, (s) => s.toast);
  const theme = useStore(settingsStore, (s) => s.theme);
  useEffect(() => {
    void store.getState().connect();
  }, [store]);
  // Settings are read when their screen opens, not at start: a face without them (`hippo serve`
  // without a settings port) would answer 501 on every page load. Until then the theme is the one
  // this page last used (main.tsx), and in the desktop app the main process also sets the OS-level
  // theme the page sees as prefers-color-scheme.
  useEffect(() => applyTheme(document.documentElement, theme), [theme]);
  useEffect(() => {
    // Another window of this app (the quick-capture one, another tab) changed the theme.
    const follow = (e: StorageEvent): void => {
      if (e.key === THEME_STORAGE_KEY) settingsStore.setState({ theme: storedTheme(safeLocalStorage()) });
    };
    window.addEventListener('storage', follow);
    return () => window.removeEventListener('storage', follow);
  }, [settingsStore]);
  useEffect(() => {
    // Back on Search, the other screens may have forgotten, restored or relabelled facts meanwhile.
    if (screen === 'search') void store.getState().connect();
    const title = SCREENS.find((s) => s.id === screen)?.title;
    document.title = screen === 'search' ? 'Hippo' : `${title} · Hippo`;
  }, [screen, store]);

  if (props.view === 'capture')
    return (
      <main className="quick-capture">
        <CaptureBox
          store={store}
          autoFocus
          // The hotkey window is a BrowserWindow, which its page may close; a browser tab at
          // #capture stays open and the box just clears.
          onClose={() => {
            if (window.hippo) window.close();
          }}
        />
      </main>
    );

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◖
          </span>
          Hippo
        </h1>
        <p className="tagline">Your local-first memory. Remember short facts, recall them in milliseconds.</p>
      </header>

      <nav className="segmented screens-nav" aria-label="Screens">
        {SCREENS.map((s) => (
          <a key={s.id} href={`#${s.id}`} aria-current={screen === s.id ? 'page' : undefined}>
            {s.title}
          </a>
        ))}
      </nav>

      <main className="app-main">
        {screen !== 'settings' && <ModelBanner client={client} storage={safeLocalStorage()} />}
        {screen === 'search' && (
          <>
            <CaptureBox store={store} />
            <SearchScreen store={store} />
            <ToastBar
              toast={toast}
              onUndo={() => void store.getState().undo()}
              onDismiss={store.getState().dismissToast}
            />
          </>
        )}
        {screen === 'facts' && <FactsScreen store={factsStore} />}
        {screen === 'labels' && <LabelsScreen store={labelsStore} />}
        {screen === 'insights' && <InsightsScreen store={insightsStore} />}
        {screen === 'settings' && <SettingsScreen store={settingsStore} client={client} />}
      </main>
      <footer className="app-footer">
        {version ? `Hippo ${version}` : 'Hippo'} · everything stays on this device
      </footer>
    </div>
  );
}

/** localStorage, or nothing where the page may not use it (a sandboxed or private window). */
function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
