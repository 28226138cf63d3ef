import { useEffect, useId, useState } from 'react';
import type { SearchResult, Stats } from '../../shared/contract';
import { ApiError, type HttpApi } from './api/http-api';

const SEARCH_DELAY_MS = 150;

function messageOf(e: unknown): string {
  return e instanceof ApiError ? e.message : 'Something went wrong talking to Hippo.';
}

/**
 * Search as you type against `hippo serve`, in a plain browser: the page the printed link opens.
 * Each keystroke cancels the request before it, so a slow answer never overwrites a newer one.
 */
export function BrowserSearch({ api }: { api: HttpApi }) {
  const searchId = useId();
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult[] | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    api.stats(abort.signal).then(setStats, (e: unknown) => {
      if (!abort.signal.aborted) setError(messageOf(e));
    });
    return () => abort.abort();
  }, [api]);

  useEffect(() => {
    const q = query.trim();
    if (!stats || q === '') {
      setResults(null);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api.recall(q, abort.signal).then(
        (answer) => {
          setError(null);
          setResults(answer.results);
        },
        (e: unknown) => {
          if (!abort.signal.aborted) setError(messageOf(e));
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [api, query, stats]);

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
          disabled={!stats}
        />
      </form>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : stats ? (
        <p className="note" role="status">
          Connected to your memory: {stats.facts.toLocaleString()} {stats.facts === 1 ? 'fact' : 'facts'}
          {stats.mode === 'text-only' ? ' (searching by words only: no model yet)' : ''}.
        </p>
      ) : (
        <p className="note" role="status">
          Connecting to Hippo…
        </p>
      )}
      {results && (
        <ol className="results" aria-label="Results">
          {results.length === 0 ? (
            <li className="result empty">Nothing in your memory matches that yet.</li>
          ) : (
            results.map((r) => (
              <li key={r.fact_id} className="result">
                <span className="result-content">{r.content}</span>
                <span className="result-meta">
                  {r.label_name ? `${r.label_name} · ` : ''}
                  {r.category}
                  {r.similarity === null ? '' : ` · ${Math.round(r.similarity * 100)}% similar`}
                </span>
              </li>
            ))
          )}
        </ol>
      )}
    </>
  );
}
