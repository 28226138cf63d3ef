import { useEffect, useRef } from 'react';
import type { Fact } from '../../../shared/contract';

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** One fact of the timeline (Edit, Forget) or of the trash (Restore, Delete for good). */
export function FactItem(props: {
  fact: Fact;
  trash: boolean;
  /** Put the focus on Edit when shown (the fact's editor just closed). */
  focusEdit?: boolean;
  onEdit: () => void;
  onForget: () => void;
  onRestore: () => void;
  onPurge: () => void;
}) {
  const { fact: f, trash, focusEdit } = props;
  const edit = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusEdit) edit.current?.focus();
  }, [focusEdit]);
  return (
    <>
      <span className="result-content">{f.content}</span>
      <span className="result-meta">
        {f.label ? <span className="chip">{f.label}</span> : null}
        <span>{f.category}</span>
        {f.confidence < 1 && <span title="Confidence">{`${Math.round(f.confidence * 100)}% sure`}</span>}
        <time dateTime={f.created_at}>{timeOf(f.created_at)}</time>
      </span>
      {trash ? (
        <span className="result-actions">
          <button
            type="button"
            className="link-button"
            aria-label={`Restore “${f.content}”`}
            onClick={props.onRestore}
          >
            Restore
          </button>
          <button
            type="button"
            className="link-button danger"
            aria-label={`Delete “${f.content}” for good`}
            onClick={() => {
              if (window.confirm(`Delete “${f.content}” for good? This cannot be undone.`)) props.onPurge();
            }}
          >
            Delete for good
          </button>
        </span>
      ) : (
        <span className="result-actions">
          <button
            ref={edit}
            type="button"
            className="link-button"
            aria-label={`Edit “${f.content}”`}
            onClick={props.onEdit}
          >
            Edit
          </button>
          <button
            type="button"
            className="link-button"
            aria-label={`Forget “${f.content}”`}
            onClick={props.onForget}
          >
            Forget
          </button>
        </span>
      )}
    </>
  );
}
