import { useEffect, useId, useRef } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { MemoryState } from '../store/memory-store';

/** Type a fact and save it; facts already close to it show while typing, so duplicates are seen. */
export function CaptureBox({ store, autoFocus }: { store: StoreApi<MemoryState>; autoFocus?: boolean }) {
  const id = useId();
  const { draft, similar, captureNote, stats } = useStore(store);
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
          void capture();
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
          disabled={!stats}
        />
        <button type="submit" disabled={!stats || draft.trim() === ''}>
          Remember
        </button>
      </form>
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
