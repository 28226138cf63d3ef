/** A screen's last notice ("Saved.") at the bottom of the window, where it is seen whatever is scrolled. */
export function NoticeToast(props: { notice: string | null; onDismiss: () => void }) {
  // The status element stays mounted so screen readers announce each new notice.
  return (
    <div className="toast-region">
      <div className={props.notice ? 'toast' : 'visually-hidden'}>
        <span role="status">{props.notice}</span>
        {props.notice && (
          <button type="button" aria-label="Dismiss notice" onClick={props.onDismiss}>
            ×
          </button>
        )}
      </div>
    </div>
  );
}
