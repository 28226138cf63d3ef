import { useEffect, useId, useState } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import { LIMITS, type Label, type LabelVersion } from '../../../shared/contract';
import { factsWord, type LabelsState } from '../store/labels-store';
import { NoticeToast } from './NoticeToast';
import './LabelsScreen.css';

/** Every label with its number of facts; rename one inline, or merge one into another after a confirm. */
export function LabelsScreen({ store }: { store: StoreApi<LabelsState> }) {
  const { labels, error, notice, pendingMerge, mergeError } = useStore(store);
  useEffect(() => {
    void store.getState().load();
  }, [store]);

  return (
    <section aria-label="Labels" className="labels-screen">
      <h2 className="screen-title">Labels</h2>
      <p className="note screen-intro">
        Labels group facts about one thing. Rename a label, or merge two that mean the same. A label's earlier
        names (before a rename, a merge, or a change that lost to another device's) stay listed under it.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <NoticeToast notice={notice} onDismiss={() => store.setState({ notice: null })} />
      {labels === null && !error && <p className="note">Loading labels…</p>}
      {labels?.length === 0 && (
        <p className="note empty-state">
          No labels yet. Give a fact a label when you capture it (or let Hippo pick one), and it shows up
          here.
        </p>
      )}
      {labels && labels.length > 0 && (
        <>
          {pendingMerge ? <MergeConfirm store={store} /> : <MergeForm store={store} labels={labels} />}
          {mergeError && (
            <p className="error" role="alert">
              {mergeError}
            </p>
          )}
          <table className="labels-table">
            <caption className="visually-hidden">Labels and their facts</caption>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col" className="num">
                  Facts
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {labels.map((label) => (
                <LabelRow key={label.id} store={store} label={label} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function LabelRow({ store, label }: { store: StoreApi<LabelsState>; label: Label }) {
  const editing = useStore(store, (s) => s.editing === label.id);
  const problem = useStore(store, (s) => (s.renameProblem?.id === label.id ? s.renameProblem : null));
  const busy = useStore(store, (s) => s.busy);
  const historyShown = useStore(store, (s) => s.historyOpen === label.id);
  const [draft, setDraft] = useState(label.name);
  const problemId = useId();
  const historyId = useId();
  const { startRename, cancelRename, rename, askMerge, toggleHistory } = store.getState();
  const renameFrom = (name: string) => {
    setDraft(name);
    startRename(label.id);
  };
  const history = historyShown ? (
    <EarlierNames store={store} label={label} id={historyId} onRenameBack={renameFrom} />
  ) : null;

  if (!editing)
    return (
      <>
        <tr>
          <th scope="row" className="label-name">
            {label.name}
            {label.category && <span className="label-category">{label.category}</span>}
          </th>
          <td className="num">{label.fact_count}</td>
          <td className="actions">
            <button
              type="button"
              className="link-button"
              aria-label={`Rename “${label.name}”`}
              onClick={() => renameFrom(label.name)}
            >
              Rename
            </button>
            <button
              type="button"
              className="link-button"
              aria-label={`Earlier names of “${label.name}”`}
              aria-expanded={historyShown}
              aria-controls={historyShown ? historyId : undefined}
              onClick={() => void toggleHistory(label.id)}
            >
              Earlier names
            </button>
          </td>
        </tr>
        {history}
      </>
    );

  return (
    <>
      <tr className="editing">
        <td colSpan={3}>
          <form
            className="rename-form"
            onSubmit={(e) => {
              e.preventDefault();
              void rename(label.id, draft);
            }}
          >
            <input
              className="capture-input"
              aria-label={`New name for “${label.name}”`}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? problemId : undefined}
              value={draft}
              autoFocus
              maxLength={LIMITS.nameMaxChars}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') cancelRename();
              }}
            />
            <span className="num">{factsWord(label.fact_count)}</span>
            <button type="submit" disabled={busy}>
              Save
            </button>
            <button type="button" onClick={cancelRename}>
              Cancel
            </button>
          </form>
          {problem && (
            <div className="rename-problem">
              <p className="error" role="alert" id={problemId}>
                {problem.message}
              </p>
              {problem.mergeInto && (
                <button type="button" onClick={() => askMerge(label.id, problem.mergeInto!.id)}>
                  Merge “{label.name}” into “{problem.mergeInto.name}”…
                </button>
              )}
            </div>
          )}
        </td>
      </tr>
      {history}
    </>
  );
}

const REASON: Record<LabelVersion['reason'], string> = {
  renamed: 'renamed',
  conflict: 'lost to a change made on another device at the same time',
  merged: 'merged into this label',
};

/** The label's earlier names, each once (its latest time), with a way back to any of them. */
function EarlierNames({
  store,
  label,
  id,
  onRenameBack,
}: {
  store: StoreApi<LabelsState>;
  label: Label;
  id: string;
  onRenameBack: (name: string) => void;
}) {
  const history = useStore(store, (s) => s.history);
  let body;
  if (history === null) body = <p className="note">Loading earlier names…</p>;
  else if (typeof history === 'string')
    body = (
      <p className="error" role="alert">
        {history}
      </p>
    );
  else {
    const seen = new Set<string>();
    const names = history.filter((v) => !seen.has(v.name) && seen.add(v.name));
    body =
      names.length === 0 ? (
        <p className="note">No earlier names.</p>
      ) : (
        <ul className="label-history" aria-label={`Earlier names of “${label.name}”`}>
          {names.map((v) => (
            <li key={v.name}>
              <span className="label-history-name">{v.name}</span>{' '}
              <span className="note">
                {REASON[v.reason]},{' '}
                <time dateTime={v.superseded_at}>
                  {new Date(v.superseded_at).toLocaleDateString([], { dateStyle: 'medium' })}
                </time>
              </span>
              {v.name !== label.name && (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Rename “${label.name}” back to “${v.name}”`}
                  onClick={() => onRenameBack(v.name)}
                >
                  Rename back…
                </button>
              )}
            </li>
          ))}
        </ul>
      );
  }
  return (
    <tr className="label-history-row">
      <td colSpan={3} id={id}>
        {body}
      </td>
    </tr>
  );
}

function MergeForm({ store, labels }: { store: StoreApi<LabelsState>; labels: Label[] }) {
  const [from, setFrom] = useState<number | ''>('');
  const [into, setInto] = useState<number | ''>('');
  // A label that was merged away (or renamed) must not stay selected.
  const fromValue = labels.some((l) => l.id === from) ? from : '';
  const intoValue = labels.some((l) => l.id === into) ? into : '';
  if (labels.length < 2) return null;
  return (
    <form
      className="merge-form"
      aria-label="Merge two labels"
      onSubmit={(e) => {
        e.preventDefault();
        if (fromValue !== '' && intoValue !== '') store.getState().askMerge(fromValue, intoValue);
      }}
    >
      <span className="merge-lead">Merge</span>
      <select
        aria-label="Label to merge away"
        value={fromValue}
        onChange={(e) => setFrom(e.target.value === '' ? '' : Number(e.target.value))}
      >
        <option value="">Choose a label…</option>
        {labels.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name} ({l.fact_count})
          </option>
        ))}
      </select>
      <span className="merge-lead">into</span>
      <select
        aria-label="Label to keep"
        value={intoValue}
        onChange={(e) => setInto(e.target.value === '' ? '' : Number(e.target.value))}
      >
        <option value="">Choose a label…</option>
        {labels
          .filter((l) => l.id !== fromValue)
          .map((l) => (
            <option key={l.id} value={l.id}>
              {l.name} ({l.fact_count})
            </option>
          ))}
      </select>
      <button type="submit" disabled={fromValue === '' || intoValue === '' || fromValue === intoValue}>
        Merge…
      </button>
    </form>
  );
}

function MergeConfirm({ store }: { store: StoreApi<LabelsState> }) {
  const pending = useStore(store, (s) => s.pendingMerge);
  const busy = useStore(store, (s) => s.busy);
  const titleId = useId();
  if (!pending) return null;
  const { from, into } = pending;
  return (
    <div
      className="merge-confirm"
      role="alertdialog"
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') store.getState().cancelMerge();
      }}
    >
      <p id={titleId}>
        Merge “{from.name}” into “{into.name}”? {factsWord(from.fact_count)}{' '}
        {from.fact_count === 1 ? 'moves' : 'move'} to “{into.name}” and “{from.name}” is removed.
      </p>
      <div className="merge-confirm-actions">
        <button
          type="button"
          className="primary"
          disabled={busy}
          autoFocus
          onClick={() => void store.getState().confirmMerge()}
        >
          Merge
        </button>
        <button type="button" onClick={store.getState().cancelMerge}>
          Cancel
        </button>
      </div>
    </div>
  );
}
