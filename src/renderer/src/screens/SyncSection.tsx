import { useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import type { HippoClient } from '../../../shared/ipc-contract';
import { createSyncStore } from '../store/sync-store';
import { relativeTime } from './format';
import { Section } from './SettingsSection';

/**
 * Sync with a Postgres server: the address (kept once the server answers), Sync now with its
 * progress, and how the last sync went. A face that does not run sync says where it can be done.
 */
export function SyncSection({ client }: { client: HippoClient }) {
  const [store] = useState(() => createSyncStore(client));
  const { status, error, busy } = useStore(store);
  const [url, setUrl] = useState('');
  const urlId = useId();
  useEffect(() => {
    void store.getState().load();
    return () => store.getState().stop();
  }, [store]);

  return (
    <Section title="Sync">
      <p className="note">
        Keep this memory in step with a Postgres server (with pgvector) that your other devices sync with too.
      </p>
      {status === null && !error && <p className="note">Loading…</p>}
      {status && !status.manageable && (
        <p className="note">
          Sync runs in the Hippo desktop app, or with <code>hippo sync --pg URL</code> in a terminal.
        </p>
      )}
      {status?.manageable && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void store
              .getState()
              .configure(url)
              .then((kept) => kept && setUrl(''));
          }}
        >
          <label htmlFor={urlId}>{status.configured ? 'New server address' : 'Server address'}</label>
          <input
            id={urlId}
            className="capture-input"
            type="password"
            autoComplete="off"
            placeholder="postgres://user:password@host:5432/hippo"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <button type="submit" disabled={busy !== null || url.trim() === ''}>
            {busy === 'configure' ? 'Checking…' : 'Save server'}
          </button>
        </form>
      )}
      {status?.configured && (
        <dl className="settings-facts">
          <dt>Server</dt>
          <dd>
            <code>{status.remote}</code>
          </dd>
          <dt>Last sync</dt>
          <dd>
            {status.last_sync_at === null
              ? 'Never'
              : `${relativeTime(new Date(status.last_sync_at).toISOString())}: ${
                  status.last_result === 'ok' ? `sent ${status.pushed}, received ${status.pulled}` : 'failed'
                }`}
          </dd>
          <dt>Waiting to send</dt>
          <dd>{status.pending_local === 1 ? '1 change' : `${status.pending_local} changes`}</dd>
        </dl>
      )}
      {status?.running && status.progress && (
        <div className="download">
          <progress
            aria-label="Sync progress"
            max={status.progress.total || undefined}
            value={status.progress.total ? status.progress.done : undefined}
          />
          <p className="note">
            {status.progress.phase === 'push' ? 'Sending' : 'Receiving'} {status.progress.done} of{' '}
            {status.progress.total}
          </p>
        </div>
      )}
      {status?.last_result === 'failed' && status.last_error && !status.running && (
        <p className="error" role="alert">
          The last sync failed: {status.last_error}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {status?.manageable && status.configured && (
        <div className="confirm-actions">
          <button
            type="button"
            className="primary"
            disabled={status.running || busy !== null}
            onClick={() => void store.getState().run()}
          >
            {status.running ? 'Syncing…' : 'Sync now'}
          </button>
          <button
            type="button"
            disabled={status.running || busy !== null}
            onClick={() => void store.getState().configure(null)}
          >
            Stop syncing with this server
          </button>
        </div>
      )}
    </Section>
  );
}
