import { useEffect, useId, useRef } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { MemoryState } from '../store/memory-store';

/**
 * Type a fact and save it; facts already close to it show while typing, so duplicates are seen.
 * A saved fact that looks like a newer version of a stored one ("Anna lives in Porto" after "Anna
 * lives in Lisbon") offers "Replace" (the old one is superseded, with Undo in the toast) or "Keep both".
 * With `onClose` (the quick-capture view) Escape drops the draft and a successful save ends the
 * capture, and both call it; a failed save keeps the text and shows why.
 */
export function CaptureBox(props: {
  store: StoreApi<MemoryState>;
  autoFocus?: boolean;
  onClose?: () => void;
}) {
  const { store, autoFocus, onClose } = props;
  const id = useId();
  const { draft, draftLabel, draftCategory, labelChoices, categoryChoices } = useStore(store);
  const { similar, captureNote, captureError, stats, possibleUpdates } = useStore(store);
  const { setDraft, setDraftLabel, setDraftCategory, capture, replace, keepBoth } = store.getState();
  const input = useRef<HTMLInputElement>(null);
  const ready = stats !== null;
  // In the quick-capture window Escape anywhere in the form drops the draft and closes it.
  const escape = (): void => {
    if (!onClose) return;
    setDraft('');
    setDraftLabel('');
    setDraftCategory('');
    onClose();
  };
  // The quick-capture window exists to type one fact at once; a disabled input cannot take focus,
  // so it is focused when the memory answers.
  useEffect(() => {
    if (autoFocus && ready) input.current?.focus();
  }, [autoFocus, ready]);
  return (
    <section className="capture" aria-label="Capture">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void capture().then((saved) => {
            if (saved) onClose?.();
          });
        }}
      >
        <label htmlFor={id} className="visually-hidden">
          Remember a fact
        </label>
        <input
          ref={input}
          id={id}
          className="capture-input"
          placeholder="Remember something… (Enter to save)"
          autoComplete="off"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Escape' || !onClose) return;
            event.preventDefault();
            escape();
          }}
          disabled={!stats}
        />
        <button type="submit" disabled={!stats || draft.trim() === ''}>
          Remember
        </button>
        <div className="capture-details">
          <NameField
            id={`${id}-label`}
            label="Label"
            placeholder="Label (optional)"
            value={draftLabel}
            choices={labelChoices}
            onChange={setDraftLabel}
            onEscape={escape}
            disabled={!stats}
          />
          <NameField
            id={`${id}-category`}
            label="Category"
            placeholder="Category (optional)"
            value={draftCategory}
            choices={categoryChoices}
            onChange={setDraftCategory}
            onEscape={escape}
            disabled={!stats}
          />
        </div>
      </form>
      {captureError && (
        <p className="error" role="alert" aria-label="Capture failed">
          Not saved: {captureError}
        </p>
      )}
      {captureNote && (
        <p className="note" role="status" aria-label="Capture result">
          {captureNote}
        </p>
      )}
      {possibleUpdates.length > 0 && (
        <section className="possible-updates" aria-label="Possible updates">
          <p className="note">This may update what you told me before:</p>
          <ul>
            {possibleUpdates.map((u) => (
              <li key={u.id}>
                <span>{u.content}</span>{' '}
                <button
                  type="button"
                  aria-label={`Replace “${u.content}”`}
                  onClick={() =>
                    void replace(u.id).then((done) => {
                      if (done) onClose?.();
                    })
                  }
                >
                  Replace
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => {
              keepBoth();
              onClose?.();
            }}
          >
            Keep both
          </button>
        </section>
      )}
      {similar.length > 0 && (
        <div className="similar">
          <p className="note">Already in your memory, close to this:</p>
          <ul aria-label="Similar facts">
            {similar.map((r) => (
              <li key={r.fact_id}>
                {r.content}
                {r.similarity === null ? '' : ` · ${Math.round(r.similarity * 100)}% similar`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** A small text field whose suggestions are the names already in use (a datalist: free text stays allowed). */
function NameField(props: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  choices: string[];
  onChange: (value: string) => void;
  onEscape: () => void;
  disabled: boolean;
}) {
  const listId = `${props.id}-choices`;
  return (
    <>
      <label htmlFor={props.id} className="visually-hidden">
        {props.label}
      </label>
      <input
        id={props.id}
        className="capture-name"
        placeholder={props.placeholder}
        autoComplete="off"
        list={listId}
        maxLength={100}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          event.preventDefault();
          props.onEscape();
        }}
        disabled={props.disabled}
      />
      <datalist id={listId}>
        {props.choices.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
}
