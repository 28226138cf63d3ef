import { useEffect, useId, useState } from 'react';
import type { Fact, FactPatch, FactVersion } from '../../../shared/contract';

type History =
  { state: 'loading' } | { state: 'ok'; facts: FactVersion[] } | { state: 'error'; message: string };

/** Why a version stopped being current, in words. */
function versionNote(v: FactVersion): string {
  const until = v.current_until ? new Date(v.current_until).toLocaleDateString() : null;
  if (v.reason === 'superseded') return `replaced ${until}`;
  if (v.reason === 'edited') return `reworded ${until}`;
  if (v.reason === 'forgotten') return `forgotten ${until}`;
  return 'current';
}

/** Only the fields the person changed (an empty label removes it), or why the draft cannot be saved. */
export function patchOf(
  fact: Fact,
  draft: { content: string; label: string; category: string; confidence: string },
): { patch: FactPatch | null } | { error: string } {
  const confidence = Number(draft.confidence);
  if (draft.confidence.trim() === '' || !Number.isFinite(confidence))
    return { error: 'Confidence must be a number between 0 and 1.' };
  const patch: FactPatch = {};
  if (draft.content !== fact.content) patch.content = draft.content;
  const label = draft.label.trim();
  if (label !== (fact.label ?? '')) patch.label = label === '' ? null : label;
  if (draft.category.trim() !== fact.category) patch.category = draft.category.trim();
  if (confidence !== fact.confidence) patch.confidence = confidence;
  return { patch: Object.keys(patch).length > 0 ? patch : null };
}

/**
 * A fact edited in place: Enter (or Save) saves, Shift+Enter starts a new line, Esc cancels. A
 * refused change stays in the fields with the reason under them. Below, its history: the older
 * wordings that near-duplicates merged into this fact replaced, and the facts it superseded
 * ("Anna lives in Lisbon" under "Anna lives in Porto"), each with when it stopped being current.
 */
export function FactEditor(props: {
  fact: Fact;
  labels: string[];
  categories: string[];
  save: (patch: FactPatch) => Promise<string | null>;
  history: () => Promise<{ ok: true; facts: FactVersion[] } | { ok: false; message: string }>;
  onClose: () => void;
}) {
  const { fact, save, onClose } = props;
  const id = useId();
  const [draft, setDraft] = useState({
    content: fact.content,
    label: fact.label ?? '',
    category: fact.category,
    confidence: String(fact.confidence),
  });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<History>({ state: 'loading' });
  const loadHistory = props.history;
  useEffect(() => {
    let live = true;
    void loadHistory().then((r) => {
      if (live) setHistory(r.ok ? { state: 'ok', facts: r.facts } : { state: 'error', message: r.message });
    });
    return () => {
      live = false;
    };
    // The history is of this fact: a new `history` closure on each render must not fetch it again.
  }, [fact.id]);

  async function submit(): Promise<void> {
    if (saving) return;
    const change = patchOf(fact, draft);
    if ('error' in change) return setError(change.error);
    if (!change.patch) return onClose();
    setSaving(true);
    const problem = await save(change.patch);
    setSaving(false);
    if (problem === null) onClose();
    else setError(problem);
  }

  const field = (name: keyof typeof draft) => ({
    id: `${id}-${name}`,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => {
      setDraft({ ...draft, [name]: e.target.value });
      setError(null);
    },
    'aria-invalid': error !== null ? true : undefined,
    'aria-describedby': error !== null ? `${id}-error` : undefined,
  });

  return (
    <form
      className="fact-editor"
      aria-label={`Edit “${fact.content}”`}
      // The memory's own checks say what is wrong in words, inline; the browser's bubbles would not.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        } else if (e.key === 'Enter' && !e.shiftKey && e.target instanceof HTMLTextAreaElement) {
          e.preventDefault();
          void submit();
        }
      }}
    >
      <label htmlFor={`${id}-content`}>Fact</label>
      <textarea
        {...field('content')}
        rows={Math.min(6, Math.max(2, Math.ceil(draft.content.length / 70)))}
        autoFocus
      />
      <div className="fact-editor-fields">
        <span>
          <label htmlFor={`${id}-label`}>Label</label>
          <input {...field('label')} list={`${id}-labels`} placeholder="none" />
          <datalist id={`${id}-labels`}>
            {props.labels.map((l) => (
              <option key={l} value={l} />
            ))}
          </datalist>
        </span>
        <span>
          <label htmlFor={`${id}-category`}>Category</label>
          <input {...field('category')} list={`${id}-categories`} />
          <datalist id={`${id}-categories`}>
            {props.categories.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </span>
        <span>
          <label htmlFor={`${id}-confidence`}>Confidence</label>
          <input {...field('confidence')} type="number" min={0} max={1} step={0.05} inputMode="decimal" />
        </span>
      </div>
      {error !== null && (
        <p id={`${id}-error`} className="error fact-editor-error" role="alert">
          {error}
        </p>
      )}
      <div className="fact-editor-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <span className="fact-editor-hint">Enter saves · Esc cancels</span>
      </div>
      <section className="fact-history" aria-label="Earlier wordings">
        <h3>Earlier wordings</h3>
        {history.state === 'loading' && <p className="note">Loading…</p>}
        {history.state === 'error' && <p className="error">{history.message}</p>}
        {history.state === 'ok' && history.facts.length === 0 && (
          <p className="note">None: this fact has kept its wording and replaced nothing.</p>
        )}
        {history.state === 'ok' && history.facts.length > 0 && (
          <ol>
            {history.facts.map((h) => (
              <li key={h.id}>
                <span>{h.content}</span>{' '}
                <time dateTime={h.current_from}>{new Date(h.current_from).toLocaleDateString()}</time>
                <span className="fact-history-why"> · {versionNote(h)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </form>
  );
}
