import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { MemoryState } from '../store/memory-store';

/** The one notice at the bottom of the window ("Forgotten." with Undo). */
export function ToastBar({ store }: { store: StoreApi<MemoryState> }) {
  const toast = useStore(store, (s) => s.toast);
  const { undo, dismissToast } = store.getState();
  return (
    <div className="toast-region" aria-live="polite">
      {toast && (
        <div className="toast">
          <span>{toast.message}</span>
          {toast.undoId !== undefined && (
            <button type="button" onClick={() => void undo()}>
              Undo
            </button>
          )}
          <button type="button" aria-label="Dismiss notice" onClick={dismissToast}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
