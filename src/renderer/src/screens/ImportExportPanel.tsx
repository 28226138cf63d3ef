import { useEffect, useId, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { errorPlace, IMPORT_EXTENSIONS } from '../../../shared/import-formats';
import type { HippoClient } from '../../../shared/ipc-contract';
import { createImportStore } from '../store/import-store';
import './ImportExportPanel.css';

/** Line errors listed for a refused file; the rest are counted. */
const LINE_ERRORS_SHOWN = 20;

/** Offers `text` as a file the browser (or Electron's download) saves. */
function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once it starts; a moment later the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Import a JSONL, text or markdown file (read and checked here, as `hippo import` reads it, then
 * sent in batches with progress, Cancel and Undo) and export every fact as JSONL. Mounted in
 * Settings and from the Facts toolbar; `onChange` hears when facts were added or forgotten.
 */
export function ImportExportPanel(props: { client: HippoClient; space?: string; onChange?: () => void }) {
  // The store outlives renders; it reads the latest space and callback through these.
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });
  const [store] = useState(() =>
    createImportStore(props.client, {
      space: () => latest.current.space,
      onChange: () => latest.current.onChange?.(),
    }),
  );
  const s = useStore(store);
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const busy = s.phase === 'importing' || s.undo?.state === 'running';
  const percent = s.total > 0 ? Math.round((s.done / s.total) * 100) : 0;

  return (
    <section className="import-export" aria-label="Import and export">
      <div className="import-export-part">
        <h2>Import</h2>
        <p className="note">
          JSON Lines (as Export writes it), text (one fact a line), markdown (one fact a list item), chat
          turns (.jsonl of speaker, text, timestamp) or a ChatGPT or Claude conversations.json (one fact a
          message). A file with an invalid line is not imported at all.
        </p>
        <div className="import-export-row">
          <input
            ref={fileInput}
            id={`${id}-file`}
            className="visually-hidden"
            type="file"
            accept={IMPORT_EXTENSIONS.join(',')}
            aria-label="Import facts from a file"
            disabled={busy}
            onChange={(e) => {
              const file = e.target.files?.[0];
              // Cleared, so choosing the same file again (after fixing it) imports it again.
              e.target.value = '';
              if (file) void file.text().then((text) => store.getState().importText(file.name, text));
            }}
          />
          <label htmlFor={`${id}-file`} className="file-button" aria-disabled={busy || undefined}>
            Choose a file…
          </label>
          {s.fileName && <span className="import-file-name">{s.fileName}</span>}
        </div>

        {s.phase !== 'idle' && s.phase !== 'invalid' && (
          <div className="import-progress">
            <div
              className="progress-track"
              role="progressbar"
              aria-label="Import progress"
              aria-valuemin={0}
              aria-valuemax={s.total}
              aria-valuenow={s.done}
              aria-valuetext={`${s.done} of ${s.total} facts`}
            >
              <div className="progress-fill" style={{ width: `${percent}%` }} />
            </div>
            <p
              className={s.phase === 'failed' ? 'import-counts error' : 'import-counts'}
              role={s.phase === 'failed' ? 'alert' : 'status'}
            >
              {s.phase === 'importing'
                ? `${s.cancelling ? 'Stopping after this batch…' : 'Importing…'} ${s.done} of ${s.total} facts · ${s.counts.created} new · ${s.counts.duplicate} already known`
                : s.message}
            </p>
            <div className="import-export-row">
              {s.phase === 'importing' && (
                <button type="button" onClick={store.getState().cancel} disabled={s.cancelling}>
                  Cancel import
                </button>
              )}
              {s.phase !== 'importing' && s.createdIds.length > 0 && (
                <button type="button" onClick={() => void store.getState().undoImport()} disabled={busy}>
                  {`Undo import (${s.createdIds.length} new ${s.createdIds.length === 1 ? 'fact' : 'facts'})`}
                </button>
              )}
            </div>
            {s.undo && (
              <p className={s.undo.state === 'failed' ? 'error' : 'note'} role="status">
                {s.undo.state === 'running' ? `Undoing… ${s.undo.done} of ${s.undo.total}` : s.undo.message}
              </p>
            )}
          </div>
        )}

        {s.phase === 'invalid' && (
          <div className="import-invalid" role="alert">
            <p className="error">{s.message}</p>
            {s.lineErrors.length > 0 && (
              <ul className="line-errors" aria-label="Invalid lines">
                {s.lineErrors.slice(0, LINE_ERRORS_SHOWN).map((e, i) => (
                  <li key={i}>
                    <span className="line-number">{errorPlace(e).replace(/^./, (c) => c.toUpperCase())}</span>{' '}
                    {e.message}
                  </li>
                ))}
                {s.lineErrors.length > LINE_ERRORS_SHOWN && (
                  <li>…and {s.lineErrors.length - LINE_ERRORS_SHOWN} more invalid lines</li>
                )}
              </ul>
            )}
          </div>
        )}
      </div>

      <div className="import-export-part">
        <h2>Export</h2>
        <p className="note">
          Every fact as JSON Lines, which Import (here or <code>hippo import</code>) reads back.
        </p>
        <div className="import-export-row">
          <button
            type="button"
            disabled={s.exporting}
            onClick={() =>
              void store
                .getState()
                .exportFacts(includeDeleted)
                .then((out) => out && download(out.fileName, out.jsonl))
            }
          >
            {s.exporting ? 'Exporting…' : 'Export facts'}
          </button>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={includeDeleted}
              onChange={(e) => setIncludeDeleted(e.target.checked)}
            />
            Include forgotten facts
          </label>
        </div>
        {(s.exportMessage || s.exportError) && (
          <p className={s.exportError ? 'error' : 'note'} role="status">
            {s.exportError ?? s.exportMessage}
          </p>
        )}
      </div>
    </section>
  );
}
