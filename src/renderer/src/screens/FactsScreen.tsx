import { useEffect, useState } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { FactsState } from '../store/facts-store';
import { FactEditor } from './FactEditor';
import { FactFilters } from './FactFilters';
import { FactItem } from './FactItem';
import './FactsScreen.css';
import { groupByDay } from './format';
import { ImportExportPanel } from './ImportExportPanel';
import { ToastBar } from './ToastBar';

/**
 * Every live fact, newest first, under its day, filtered and a page at a time, each editable in
 * place; or the Trash, where facts are restored or purged. Import and export open from the toolbar.
 */
export function FactsScreen({ store }: { store: StoreApi<FactsState> }) {
  const s = useStore(store);
  const { view, facts, total, error, toast, filters } = s;
  const { show, forget, restore, purge, undo, dismissToast, reload, loadChoices } = store.getState();
  const [editing, setEditing] = useState<number | null>(null);
  // The fact whose editor just closed: its Edit button takes the focus back, for the keyboard.
  const [edited, setEdited] = useState<number | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  useEffect(() => {
    void store.getState().reload();
    void store.getState().loadChoices();
  }, [store]);

  const trash = view === 'trash';
  const filtered = Object.keys(filters).some((k) => k !== 'space');
  const noun = (n: number) => (n === 1 ? 'fact' : 'facts');
  const labelNames = s.labels.map((l) => l.name);
  return (
    <section className="facts-screen" aria-label={trash ? 'Trash' : 'Facts'}>
      <div className="facts-toolbar">
        <div className="segmented" role="group" aria-label="Which facts">
          <button type="button" aria-pressed={!trash} onClick={() => void show('timeline')}>
            Timeline
          </button>
          <button type="button" aria-pressed={trash} onClick={() => void show('trash')}>
            Trash
          </button>
        </div>
        <button
          type="button"
          className="toolbar-button"
          aria-expanded={panelOpen}
          onClick={() => setPanelOpen(!panelOpen)}
        >
          Import / export
        </button>
      </div>
      {/* Hidden, not unmounted: an import keeps its progress and its Undo while the panel is closed. */}
      <div hidden={!panelOpen}>
        <ImportExportPanel
          client={s.client}
          {...(filters.space === undefined ? {} : { space: filters.space })}
          onChange={() => {
            void reload();
            void loadChoices();
          }}
        />
      </div>
      <FactFilters
        filters={filters}
        labels={s.labels}
        categories={s.categories}
        defaultSpace={s.defaultSpace}
        setFilters={store.getState().setFilters}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!facts && !error && <p className="note">Loading facts…</p>}
      {facts && (
        <p className="note">
          {`${total} ${trash ? 'forgotten ' : ''}${noun(total)}`}
          {filtered ? ` ${total === 1 ? 'matches' : 'match'} the filters` : ''}
          {trash ? ': restore them or delete them for good.' : ', newest first.'}
          {facts.length < total ? ` Showing the newest ${facts.length}.` : ''}
        </p>
      )}
      {facts?.length === 0 && (
        <p className="note">
          {filtered
            ? 'No facts match these filters.'
            : trash
              ? 'The trash is empty.'
              : 'Nothing remembered yet.'}
        </p>
      )}
      {facts &&
        groupByDay(facts).map((group) => (
          <section key={group.day} className="day" aria-label={group.day}>
            <h2 className="day-heading">{group.day}</h2>
            <ol className="results">
              {group.items.map((f) => (
                <li key={f.id} className={editing === f.id ? 'result editing' : 'result'}>
                  {editing === f.id && !trash ? (
                    <FactEditor
                      fact={f}
                      labels={labelNames}
                      categories={s.categories}
                      save={(patch) => store.getState().update(f.id, patch)}
                      history={() => store.getState().history(f.id)}
                      onClose={() => {
                        setEditing(null);
                        setEdited(f.id);
                      }}
                    />
                  ) : (
                    <FactItem
                      fact={f}
                      trash={trash}
                      focusEdit={edited === f.id}
                      onEdit={() => setEditing(f.id)}
                      onForget={() => void forget(f.id)}
                      onRestore={() => void restore(f.id)}
                      onPurge={() => void purge(f.id)}
                    />
                  )}
                </li>
              ))}
            </ol>
          </section>
        ))}
      {facts && facts.length < total && (
        <div className="show-more">
          <button type="button" disabled={s.loadingMore} onClick={() => void store.getState().loadMore()}>
            {s.loadingMore ? 'Loading…' : 'Show more'}
          </button>
          <span className="note">{`${facts.length} of ${total} shown`}</span>
        </div>
      )}
      <ToastBar toast={toast} onUndo={() => void undo()} onDismiss={dismissToast} />
    </section>
  );
}
