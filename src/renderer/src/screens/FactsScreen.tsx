import { useEffect } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { FactsState } from '../store/facts-store';
import { groupByDay } from './format';
import { ToastBar } from './ToastBar';

/** Every live fact, newest first, under its day; or the Trash, where facts are restored or purged. */
export function FactsScreen({ store }: { store: StoreApi<FactsState> }) {
  const { view, facts, total, error, toast } = useStore(store);
  const { show, forget, restore, purge, undo, dismissToast } = store.getState();
  useEffect(() => {
    void store.getState().reload();
  }, [store]);

  const trash = view === 'trash';
  return (
    <section aria-label={trash ? 'Trash' : 'Facts'}>
      <div className="segmented" role="group" aria-label="Which facts">
        <button type="button" aria-pressed={!trash} onClick={() => void show('timeline')}>
          Timeline
        </button>
        <button type="button" aria-pressed={trash} onClick={() => void show('trash')}>
          Trash
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {facts && (
        <p className="note">
          {trash
            ? `${total} forgotten ${total === 1 ? 'fact' : 'facts'}: restore them or delete them for good.`
            : `${total} ${total === 1 ? 'fact' : 'facts'}, newest first.`}
          {facts.length < total ? ` Showing the newest ${facts.length}.` : ''}
        </p>
      )}
      {facts?.length === 0 && (
        <p className="note">{trash ? 'The trash is empty.' : 'Nothing remembered yet.'}</p>
      )}
      {facts &&
        groupByDay(facts).map((group) => (
          <section key={group.day} className="day" aria-label={group.day}>
            <h2 className="day-heading">{group.day}</h2>
            <ol className="results">
              {group.items.map((f) => (
                <li key={f.id} className="result">
                  <span className="result-content">{f.content}</span>
                  <span className="result-meta">
                    {f.label ? <span className="chip">{f.label}</span> : null}
                    <span>{f.category}</span>
                    <time dateTime={f.created_at}>
                      {new Date(f.created_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                    </time>
                  </span>
                  {trash ? (
                    <span className="result-actions">
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`Restore “${f.content}”`}
                        onClick={() => void restore(f.id)}
                      >
                        Restore
                      </button>
                      <button
                        type="button"
                        className="link-button danger"
                        aria-label={`Delete “${f.content}” for good`}
                        onClick={() => {
                          if (window.confirm(`Delete “${f.content}” for good? This cannot be undone.`))
                            void purge(f.id);
                        }}
                      >
                        Delete for good
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="link-button"
                      aria-label={`Forget “${f.content}”`}
                      onClick={() => void forget(f.id)}
                    >
                      Forget
                    </button>
                  )}
                </li>
              ))}
            </ol>
          </section>
        ))}
      <ToastBar toast={toast} onUndo={() => void undo()} onDismiss={dismissToast} />
    </section>
  );
}
