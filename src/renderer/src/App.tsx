import { useId, useState } from 'react';
import { BrowserSearch } from './BrowserSearch';
import type { HttpApi } from './api/http-api';

/** `api` is the local HTTP API when the page runs in a plain browser against `hippo serve`. */
export function App({ api }: { api: HttpApi | null }) {
  const version = window.hippo?.version;

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

      <main className="app-main">{api ? <BrowserSearch api={api} /> : <ComingSoon />}</main>

      <footer className="app-footer">
        {version ? `Hippo ${version}` : 'Hippo'} · everything stays on this device
      </footer>
    </div>
  );
}

/** The desktop window until its own screens arrive. */
function ComingSoon() {
  const searchId = useId();
  const [query, setQuery] = useState('');
  return (
    <>
      <form className="search" role="search" onSubmit={(event) => event.preventDefault()}>
        <label className="visually-hidden" htmlFor={searchId}>
          Search your memory
        </label>
        <input
          id={searchId}
          className="search-input"
          type="search"
          placeholder="Search your memory…"
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          disabled
          aria-describedby={`${searchId}-note`}
        />
      </form>
      <p id={`${searchId}-note`} className="note">
        The memory UI — search, capture, facts and labels — arrives in a later release. Until then, use the{' '}
        <code>hippo</code> command line.
      </p>
    </>
  );
}
