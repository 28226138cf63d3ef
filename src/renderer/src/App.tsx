import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { HippoClient } from '../../shared/ipc-contract';
import { CaptureBox } from './screens/CaptureBox';
import { FactsScreen } from './screens/FactsScreen';
import { SearchScreen } from './screens/SearchScreen';
import { ToastBar } from './screens/ToastBar';
import { createFactsStore } from './store/facts-store';
import { createMemoryStore } from './store/memory-store';

type Screen = 'search' | 'facts';

/** `client` is window.hippo in the desktop app, the HTTP client against `hippo serve` in a browser. */
export function App(props: { client: HippoClient; version?: string; view?: 'main' | 'capture' }) {
  const { client, version } = props;
  const [store] = useState(() => createMemoryStore(client));
  const [factsStore] = useState(() => createFactsStore(client));
  const [screen, setScreen] = useState<Screen>('search');
  const toast = useStore(store, (s) => s.toast);
  const stats = useStore(store, (s) => s.stats);
  useEffect(() => {
    void store.getState().connect();
  }, [store]);

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

      {stats && (
        <nav className="segmented" aria-label="Screens">
          <button
            type="button"
            aria-pressed={screen === 'search'}
            onClick={() => {
              setScreen('search');
              // The Facts screen may have forgotten or restored facts meanwhile.
              void store.getState().connect();
            }}
          >
            Search
          </button>
          <button type="button" aria-pressed={screen === 'facts'} onClick={() => setScreen('facts')}>
            Facts
          </button>
        </nav>
      )}

      <main className="app-main">
        {screen === 'search' ? (
          <>
            <CaptureBox store={store} />
            <SearchScreen store={store} />
            <ToastBar
              toast={toast}
              onUndo={() => void store.getState().undo()}
              onDismiss={store.getState().dismissToast}
            />
          </>
        ) : (
          <FactsScreen store={factsStore} />
        )}
      </main>
      <footer className="app-footer">
        {version ? `Hippo ${version}` : 'Hippo'} · everything stays on this device
      </footer>
    </div>
  );
}
