import { useEffect, useId, useRef } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { MemoryState } from '../store/memory-store';

/**
 * Type a fact and save it; facts already close to it show while typing, so duplicates are seen.
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
  const { draft, similar, captureNote, captureError, stats } = useStore(store);
  const { setDraft, capture } = store.getState();
  const input = useRef<HTMLInputElement>(null);
  const ready = stats !== null;
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
            setDraft('');
            onClose();
          }}
          disabled={!stats}
        />
        <button type="submit" disabled={!stats || draft.trim() === ''}>
          Remember
        </button>
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
