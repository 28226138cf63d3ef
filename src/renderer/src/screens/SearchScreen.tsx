import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { RecallExplain, RecallTimeRead, SearchResult } from '../../../shared/contract';
import type { MemoryState } from '../store/memory-store';
import { highlightParts, relativeTime } from './format';
import { shownText } from '../../../shared/snippet';

/**
 * Search as you type. ↑/↓ move through the results, Enter opens the selected one (expands its
 * details), Backspace or Delete in the list forgets it, with Undo in the toast.
 */
export function SearchScreen({ store }: { store: StoreApi<MemoryState> }) {
  const searchId = useId();
  const { stats, error, query, results, selected, timeRead, since, until } = useStore(store);
  const { setQuery, setDates, move, forget } = store.getState();

  function onKey(event: KeyboardEvent<HTMLElement>) {
    const current = results?.[selected];
    // A button in a result keeps its own Enter and Space.
    if ((event.target as HTMLElement).tagName === 'BUTTON') return;
    const input = event.target instanceof HTMLInputElement ? event.target : null;
    // In the search box Backspace edits the text; Delete forgets only with the caret at the end,
    // where it would otherwise do nothing.
    const forgetKey = input
      ? event.key === 'Delete' && input.selectionStart === input.value.length
      : event.key === 'Delete' || event.key === 'Backspace';
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      move(event.key === 'ArrowDown' ? 1 : -1);
    } else if (event.key === 'Enter' && current) {
      event.preventDefault();
      document.getElementById(`${searchId}-r${current.fact_id}`)?.toggleAttribute('open');
    } else if (forgetKey && current) {
      event.preventDefault();
      void forget(current.fact_id);
    }
  }

  const active = results?.[selected];
  return (
    <section aria-label="Search">
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
          onKeyDown={onKey}
          disabled={!stats}
          role="searchbox"
          aria-controls={`${searchId}-results`}
          aria-activedescendant={active ? `${searchId}-o${active.fact_id}` : undefined}
        />
        <fieldset className="search-dates" disabled={!stats}>
          <legend className="visually-hidden">Captured between</legend>
          <label>
            From{' '}
            <input
              type="date"
              value={since}
              max={until || undefined}
              onChange={(e) => setDates({ since: e.target.value })}
            />
          </label>
          <label>
            to{' '}
            <input
              type="date"
              value={until}
              min={since || undefined}
              onChange={(e) => setDates({ until: e.target.value })}
            />
          </label>
        </fieldset>
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
      {results && timeRead ? <TimeReadNote time={timeRead} /> : null}
      {results && (
        <ol id={`${searchId}-results`} className="results" aria-label="Results" onKeyDown={onKey}>
          {results.length === 0 ? (
            <li className="result empty">Nothing in your memory matches that yet.</li>
          ) : (
            results.map((r, i) => (
              <ResultItem
                key={r.fact_id}
                idBase={searchId}
                result={r}
                query={query}
                selected={i === selected}
                onForget={() => void forget(r.fact_id)}
              />
            ))
          )}
        </ol>
      )}
    </section>
  );
}

function ResultItem(props: {
  idBase: string;
  result: SearchResult;
  query: string;
  selected: boolean;
  onForget: () => void;
}) {
  const { idBase, result: r, query, selected } = props;
  const item = useRef<HTMLLIElement>(null);
  // Arrow keys may move the selection below the fold of a small window.
  useEffect(() => {
    if (selected) item.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);
  return (
    <li
      ref={item}
      id={`${idBase}-o${r.fact_id}`}
      className={selected ? 'result selected' : 'result'}
      aria-current={selected || undefined}
    >
      <details id={`${idBase}-r${r.fact_id}`}>
        <summary className="result-content">
          {highlightParts(shownText(r), query).map((part, i) =>
            part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
          )}
        </summary>
        {r.snippet === undefined ? null : <p className="result-whole">{r.content}</p>}
        <dl className="result-details">
          <dt>Source</dt>
          <dd>{r.source ?? 'typed in'}</dd>
          <dt>Captured</dt>
          <dd>{new Date(r.created_at).toLocaleString()}</dd>
        </dl>
      </details>
      {r.explain ? <WhyMatched explain={r.explain} /> : null}
      <span className="result-meta">
        {r.label_name ? <span className="chip">{r.label_name}</span> : null}
        <span>{r.category}</span>
        <span title="confidence">{Math.round(r.confidence * 100)}% sure</span>
        {r.similarity === null ? null : <span>{Math.round(r.similarity * 100)}% similar</span>}
        <time dateTime={r.created_at}>{relativeTime(r.created_at)}</time>
      </span>
      <button
        type="button"
        className="link-button"
        onClick={props.onForget}
        aria-label={`Forget “${r.content}”`}
      >
        Forget
      </button>
    </li>
  );
}

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

/** Which words of the query were read as which dates ("last week" → 11–17 Mar 2024). */
function TimeReadNote({ time }: { time: RecallTimeRead }) {
  const phrases = time.phrases.map((p) => `“${p.phrase}”`).join(' and ');
  // until is exclusive: the last day shown is the one before it.
  const last = time.until ? day(new Date(new Date(time.until).getTime() - 1).toISOString()) : null;
  const span =
    time.since && last
      ? `${day(time.since)} – ${last}`
      : time.since
        ? `since ${day(time.since)}`
        : `until ${last}`;
  return (
    <p className="note time-read" role="note" aria-label="Time words">
      Read {phrases} as {span}
      {time.query ? <>; searching “{time.query}”</> : <>; newest first</>}.
    </p>
  );
}

const share = (x: number) => `+${x.toFixed(4)}`;

/** The "why?" disclosure: what made a result's score (recall's explain). */
function WhyMatched({ explain: e }: { explain: RecallExplain }) {
  return (
    <details className="why">
      <summary>why?</summary>
      {e.by_recency ? (
        <p>Listed by date: the search was only about when.</p>
      ) : (
        <dl className="result-details">
          <dt>Words</dt>
          <dd>
            {e.matched_words.length + (e.expanded_words?.length ?? 0) > 0
              ? [...e.matched_words, ...(e.expanded_words ?? []).map((x) => `${x.word} → ${x.as}`)].join(', ')
              : 'none of the query’s words'}
          </dd>
          <dt>By words</dt>
          <dd>
            {e.words
              ? `#${e.words.rank}${e.words.proximity ? ', words close together' : ''} (${share(e.words.contribution)})`
              : 'not found'}
          </dd>
          <dt>By meaning</dt>
          <dd>
            {e.vector
              ? `#${e.vector.rank}, ${Math.round(e.vector.similarity * 100)}% similar (${share(e.vector.contribution)})`
              : 'not ranked'}
          </dd>
          {e.context ? (
            <>
              <dt>Context</dt>
              <dd>{`#${e.context.rank} (${share(e.context.contribution)})`}</dd>
            </>
          ) : null}
          <dt>Tie-breakers</dt>
          <dd>{`recency +${e.boosts.recency.toFixed(6)}, confidence +${e.boosts.confidence.toFixed(6)}`}</dd>
          <dt>Score</dt>
          <dd>{e.score.toFixed(6)}</dd>
        </dl>
      )}
    </details>
  );
}
