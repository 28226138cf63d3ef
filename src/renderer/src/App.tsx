import { useEffect, useState } from 'react';
import type { HippoClient } from '../../shared/ipc-contract';
import { CaptureBox } from './screens/CaptureBox';
import { SearchScreen } from './screens/SearchScreen';
import { ToastBar } from './screens/ToastBar';
import { createMemoryStore } from './store/memory-store';

/** `client` is window.hippo in the desktop app, the HTTP client against `hippo serve` in a browser. */
export function App({ client, version }: { client: HippoClient; version?: string }) {
  const [store] = useState(() => createMemoryStore(client));
  useEffect(() => {
    void store.getState().connect();
  }, [store]);

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

      <main className="app-main">
        <CaptureBox store={store} />
        <SearchScreen store={store} />
      </main>

      <ToastBar store={store} />
      <footer className="app-footer">
        {version ? `Hippo ${version}` : 'Hippo'} · everything stays on this device
      </footer>
    </div>
  );
}
