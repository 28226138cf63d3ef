import type { Toast } from '../store/memory-store';

/** The one notice at the bottom of the window ("Forgotten." with Undo). */
export function ToastBar(props: { toast: Toast | null; onUndo: () => void; onDismiss: () => void }) {
  const { toast } = props;
  return (
    <div className="toast-region" aria-live="polite">
      {toast && (
        <div className="toast">
          <span>{toast.message}</span>
          {toast.undoId !== undefined && (
            <button type="button" onClick={props.onUndo}>
              Undo
            </button>
          )}
          <button type="button" aria-label="Dismiss notice" onClick={props.onDismiss}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
