import { useEffect } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import { isBusy, type InsightsState, type WeekCount } from '../store/insights-store';
import { factsWord } from '../store/labels-store';
import './InsightsScreen.css';

/** Captures per week, the largest labels and categories, and how much of the memory is embedded. */
export function InsightsScreen({ store }: { store: StoreApi<InsightsState> }) {
  const state = useStore(store);
  const { weeks, topLabels, topCategories, errors } = state;
  useEffect(() => {
    store.getState().start();
    return () => store.getState().stop();
  }, [store]);

  return (
    <section aria-label="Insights" className="insights-screen">
      <h2 className="screen-title">Insights</h2>
      {errors.map((e) => (
        <p key={e} className="error" role="alert">
          {e}
        </p>
      ))}

      <section className="card" aria-labelledby="weekly-title">
        <h3 id="weekly-title">Facts captured per week</h3>
        {weeks === null ? <p className="note">Loading…</p> : <WeeklyChart weeks={weeks} />}
      </section>

      <EmbeddingCard state={state} />

      <div className="insights-columns">
        <section className="card" aria-labelledby="top-labels-title">
          <h3 id="top-labels-title">Largest labels</h3>
          {topLabels?.length === 0 && <p className="note">No labelled facts yet.</p>}
          {topLabels && topLabels.length > 0 && (
            <RankList
              name="Largest labels"
              items={topLabels.map((l) => ({ name: l.name, count: l.fact_count }))}
            />
          )}
        </section>
        <section className="card" aria-labelledby="top-categories-title">
          <h3 id="top-categories-title">Largest categories</h3>
          {topCategories?.length === 0 && <p className="note">No facts yet.</p>}
          {topCategories && topCategories.length > 0 && (
            <RankList name="Largest categories" items={topCategories} />
          )}
        </section>
      </div>
    </section>
  );
}

const shortDate = (isoDay: string): string =>
  new Date(`${isoDay}T00:00:00Z`).toLocaleDateString([], { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Bars for the eye; the same numbers as a table for a screen reader. */
function WeeklyChart({ weeks }: { weeks: WeekCount[] }) {
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const total = weeks.reduce((n, w) => n + w.count, 0);
  return (
    <figure className="weekly">
      <div className="weekly-bars" aria-hidden="true">
        {weeks.map((w) => (
          <div
            key={w.week_start}
            className="weekly-bar"
            title={`Week of ${shortDate(w.week_start)}: ${w.count}`}
          >
            <span className="weekly-count">{w.count > 0 ? w.count : ''}</span>
            {/* An empty week draws no bar, only the baseline under it. */}
            <span
              className={w.count === 0 ? 'weekly-fill empty' : 'weekly-fill'}
              style={{ height: `${(w.count / max) * 100}%` }}
            />
            <span className="weekly-week">{shortDate(w.week_start)}</span>
          </div>
        ))}
      </div>
      <figcaption className="note">
        {total === 0
          ? `Nothing captured in the last ${weeks.length} weeks.`
          : `${factsWord(total)} in the last ${weeks.length} weeks.`}
      </figcaption>
      <table className="visually-hidden">
        <caption>Facts captured per week</caption>
        <thead>
          <tr>
            <th scope="col">Week of</th>
            <th scope="col">Facts</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.week_start}>
              <th scope="row">
                <time dateTime={w.week_start}>{w.week_start}</time>
              </th>
              <td>{w.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function RankList({ name, items }: { name: string; items: { name: string; count: number }[] }) {
  const max = Math.max(1, ...items.map((i) => i.count));
  return (
    <ol className="rank-list" aria-label={name}>
      {items.map((i) => (
        <li key={i.name}>
          <span className="rank-name">{i.name}</span>
          <span className="rank-count">{i.count}</span>
          <span className="rank-bar" aria-hidden="true">
            <span style={{ width: `${(i.count / max) * 100}%` }} />
          </span>
        </li>
      ))}
    </ol>
  );
}

const MODEL_WORDS: Record<string, string> = {
  ready: 'The model is ready: recall understands meaning, not just words.',
  missing: 'No model yet: recall matches words only. Settings can get the model.',
  failed: 'The model failed to load: recall matches words only.',
  disabled: 'Running without a model: recall matches words only.',
  downloading: 'The model is downloading…',
};

function EmbeddingCard({ state }: { state: InsightsState }) {
  const { embedding, model } = state;
  const busy = isBusy(state);
  const percent =
    embedding && embedding.facts > 0 ? Math.floor((embedding.embedded / embedding.facts) * 100) : 100;
  const download = model?.state === 'downloading' ? model.download : null;
  return (
    <section className="card" aria-labelledby="embedded-title" aria-busy={busy}>
      <h3 id="embedded-title">Embedded for meaning-based recall</h3>
      {embedding === null ? (
        <p className="note">Loading…</p>
      ) : embedding.facts === 0 ? (
        <p className="note">Nothing remembered yet.</p>
      ) : (
        <>
          <progress
            className="embedded-progress"
            aria-label="Facts embedded"
            max={embedding.facts}
            value={embedding.embedded}
          />
          <p className="embedded-summary">
            {embedding.embedded} of {factsWord(embedding.facts)} embedded ({percent}%)
            {embedding.pending > 0 ? ` · ${embedding.pending} waiting` : ''}
          </p>
        </>
      )}
      {model && (
        <p className="note">
          {model.message && (model.state === 'missing' || model.state === 'failed')
            ? `${MODEL_WORDS[model.state]} (${model.message})`
            : MODEL_WORDS[model.state]}
        </p>
      )}
      {download && download.total > 0 && (
        <p className="note">
          Downloading {download.file}: {Math.floor((download.bytes / download.total) * 100)}%
        </p>
      )}
      {busy && <p className="note">Updating every few seconds while this runs.</p>}
    </section>
  );
}
