import { useEffect, useId, useState } from 'react';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import type { HippoClient, SettingKey, Theme } from '../../../shared/ipc-contract';
import { MODEL_CATALOG, MODEL_NAMES, type ModelName } from '../../../shared/model-catalog';
import type { SettingsState } from '../store/settings-store';
import { ImportExportPanel } from './ImportExportPanel';
import { NoticeToast } from './NoticeToast';
import { Section } from './SettingsSection';
import { SyncSection } from './SyncSection';
import './SettingsScreen.css';

const THEMES: { value: Theme; title: string }[] = [
  { value: 'system', title: 'System' },
  { value: 'light', title: 'Light' },
  { value: 'dark', title: 'Dark' },
];

/** The app's preferences, the model and the API server; each face shows what it can change. */
export function SettingsScreen({ store, client }: { store: StoreApi<SettingsState>; client: HippoClient }) {
  const { error, notice, settingsNote, info } = useStore(store);
  useEffect(() => {
    void store.getState().load();
    return () => store.getState().stop();
  }, [store]);

  return (
    <section aria-label="Settings" className="settings-screen">
      <h2 className="screen-title">Settings</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {settingsNote && (
        <p className="note">{settingsNote.replace(/\.?$/, '.')} What this page can show is below.</p>
      )}
      <NoticeToast notice={notice} onDismiss={() => store.setState({ notice: null })} />
      {info === null && !error && <p className="note">Loading settings…</p>}
      {/* Without app:info the memory is unreachable: the sections would only say "…" and "Loading". */}
      {info && (
        <>
          <AppearanceSection store={store} />
          <CaptureSection store={store} />
          <DataSection store={store} />
          <ModelSection store={store} />
          <ApiSection store={store} />
          <SyncSection client={client} />
        </>
      )}
      {info && (
        <div className="settings-import-export">
          <ImportExportPanel client={client} />
        </div>
      )}
    </section>
  );
}

/** Why a control is shown but cannot be used here. */
function useReadOnlyReason(store: StoreApi<SettingsState>): string {
  const shell = useStore(store, (s) => s.info?.shell);
  return shell === 'browser' ? 'Only in the desktop app' : 'Cannot be changed here';
}

function FieldError({ store, field, id }: { store: StoreApi<SettingsState>; field: SettingKey; id: string }) {
  const message = useStore(store, (s) => s.fieldErrors[field]);
  return message ? (
    <p className="error" role="alert" id={id}>
      {message}
    </p>
  ) : null;
}

function AppearanceSection({ store }: { store: StoreApi<SettingsState> }) {
  const theme = useStore(store, (s) => s.theme);
  const editable = useStore(store, (s) => s.canEdit('theme'));
  const local = useStore(store, (s) => s.view === null && s.settingsNote !== null);
  const reason = useReadOnlyReason(store);
  return (
    <Section title="Appearance">
      <fieldset className="theme-choice" disabled={!editable}>
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t.value}>
            <input
              type="radio"
              name="theme"
              value={t.value}
              checked={theme === t.value}
              onChange={() => void store.getState().setTheme(t.value)}
            />
            {t.title}
          </label>
        ))}
      </fieldset>
      <FieldError store={store} field="theme" id="theme-error" />
      <p className="note">
        {local
          ? 'Kept in this browser. System follows your computer’s light or dark mode.'
          : 'System follows your computer’s light or dark mode.'}
        {!editable && <span className="readonly-reason">{reason}</span>}
      </p>
    </Section>
  );
}

function CaptureSection({ store }: { store: StoreApi<SettingsState> }) {
  const view = useStore(store, (s) => s.view);
  const canHotkey = useStore(store, (s) => s.canEdit('hotkey'));
  const canLogin = useStore(store, (s) => s.canEdit('launch_at_login'));
  const saving = useStore(store, (s) => s.saving);
  const reason = useReadOnlyReason(store);
  const hotkeyError = view?.hotkey_error ?? null;
  const [hotkey, setHotkey] = useState<string | null>(null);
  const shown = hotkey ?? view?.settings.hotkey ?? '';
  const errorId = useId();
  return (
    <Section title="Quick capture">
      {canHotkey ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void store
              .getState()
              .update({ hotkey: shown })
              .then((ok) => ok && setHotkey(null));
          }}
        >
          <label htmlFor="hotkey-input">Global hotkey</label>
          <input
            id="hotkey-input"
            className="capture-input"
            value={shown}
            aria-describedby={errorId}
            aria-invalid={hotkeyError ? true : undefined}
            spellCheck={false}
            onChange={(e) => setHotkey(e.target.value)}
          />
          <button type="submit" disabled={saving === 'hotkey' || shown.trim() === ''}>
            Save hotkey
          </button>
        </form>
      ) : (
        <p className="readonly-row">
          <span>Global hotkey</span>
          {view ? <kbd>{view.settings.hotkey}</kbd> : null}
          <span className="readonly-reason">{reason}</span>
        </p>
      )}
      <div id={errorId}>
        {hotkeyError && (
          <p className="error" role="alert">
            The hotkey does not work right now: {hotkeyError}
          </p>
        )}
        <FieldError store={store} field="hotkey" id="hotkey-error" />
      </div>
      <p className="note">
        Opens a small window to remember a fact from anywhere
        {canHotkey ? (
          <>
            , e.g. <code>CommandOrControl+Shift+Space</code>
          </>
        ) : null}
        .
      </p>

      <label className="check-row">
        <input
          type="checkbox"
          checked={view?.settings.launch_at_login ?? false}
          disabled={!canLogin || saving === 'launch_at_login'}
          onChange={(e) => void store.getState().update({ launch_at_login: e.target.checked })}
        />
        Start Hippo when I log in
        {!canLogin && <span className="readonly-reason">{reason}</span>}
      </label>
      <FieldError store={store} field="launch_at_login" id="login-error" />
    </Section>
  );
}

function DataSection({ store }: { store: StoreApi<SettingsState> }) {
  const info = useStore(store, (s) => s.info);
  const problem = useStore(store, (s) => s.view?.problem ?? null);
  return (
    <Section title="Your data">
      <dl className="settings-facts">
        <dt>Data folder</dt>
        <dd>{info ? <code className="path">{info.data_dir}</code> : '…'}</dd>
        <dt>Version</dt>
        <dd>{info ? `Hippo ${info.version}` : '…'}</dd>
      </dl>
      {problem && (
        <p className="error" role="alert">
          The settings file had a problem, so defaults were used for part of it: {problem}
        </p>
      )}
    </Section>
  );
}

const MODEL_STATE: Record<string, string> = {
  ready: 'Ready: recall understands meaning, not just words.',
  missing: 'Not downloaded: recall matches words only.',
  failed: 'Failed to load: recall matches words only.',
  disabled: 'Switched off: recall matches words only.',
  downloading: 'Downloading…',
};

const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** The catalogue's models; choosing one switches (the app checks it loads first). */
function ModelChoice({ store, current }: { store: StoreApi<SettingsState>; current: ModelName }) {
  const [busy, setBusy] = useState(false);
  return (
    <label className="field">
      Model{' '}
      <select
        value={current}
        disabled={busy}
        onChange={(e) => {
          setBusy(true);
          void store
            .getState()
            .useModel(e.target.value as ModelName)
            .finally(() => setBusy(false));
        }}
      >
        {MODEL_NAMES.map((name) => (
          <option key={name} value={name}>
            {name} ({MODEL_CATALOG[name].dims} dimensions, {MODEL_CATALOG[name].summary})
          </option>
        ))}
      </select>
    </label>
  );
}

export function ModelSection({ store }: { store: StoreApi<SettingsState> }) {
  const model = useStore(store, (s) => s.model);
  const modelError = useStore(store, (s) => s.modelError);
  const download = model?.download ?? null;
  const needed = model !== null && (model.state === 'missing' || model.state === 'failed');
  return (
    <Section title="Embedding model">
      {model === null && !modelError && <p className="note">Loading…</p>}
      {model && (
        <p>
          {MODEL_STATE[model.state]}
          {model.model_id && <span className="note"> ({model.model_id})</span>}
        </p>
      )}
      {/* The message tells a terminal user where it looked and what to run; with a Download button
          here that would only confuse. */}
      {model?.message && needed && !model.can_download && <p className="note">{model.message}</p>}
      {model && <ModelChoice store={store} current={model.name} />}
      {model?.reembedding_from ? (
        <p className="note" role="status">
          Embedding every fact again with {model.name}: {model.pending} left. Search uses words only until it
          is done.
        </p>
      ) : (
        model &&
        model.pending > 0 && <p className="note">{model.pending} facts are waiting for their embedding.</p>
      )}
      {model?.state === 'downloading' && download && (
        <div className="download">
          <progress
            aria-label="Model download"
            max={download.total || undefined}
            value={download.total ? download.bytes : undefined}
          />
          <p className="note">
            {download.total ? `${mb(download.bytes)} of ${mb(download.total)}` : mb(download.bytes)} ·{' '}
            {download.file}
          </p>
        </div>
      )}
      {download?.error && model?.state !== 'downloading' && (
        <p className="error" role="alert">
          The download stopped: {download.error}
        </p>
      )}
      {modelError && (
        <p className="error" role="alert">
          {modelError}
        </p>
      )}
      {model?.can_download ? (
        model.state === 'downloading' ? (
          <button type="button" onClick={() => void store.getState().cancelDownload()}>
            Cancel download
          </button>
        ) : (
          needed && (
            <button type="button" className="primary" onClick={() => void store.getState().downloadModel()}>
              {download?.error ? 'Try the download again' : 'Download the model'}
            </button>
          )
        )
      ) : (
        needed && (
          <p className="note">
            To get the model, run <code>hippo model fetch</code> in a terminal, then restart{' '}
            <code>hippo serve</code>.
          </p>
        )
      )}
    </Section>
  );
}

function ApiSection({ store }: { store: StoreApi<SettingsState> }) {
  const api = useStore(store, (s) => s.api);
  const apiError = useStore(store, (s) => s.apiError);
  const view = useStore(store, (s) => s.view);
  const canEnable = useStore(store, (s) => s.canEdit('api_enabled'));
  const canPort = useStore(store, (s) => s.canEdit('api_port'));
  const saving = useStore(store, (s) => s.saving);
  const reason = useReadOnlyReason(store);
  const [port, setPort] = useState<string | null>(null);
  const [showToken, setShowToken] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const confirmId = useId();
  const portShown = port ?? String(view?.settings.api_port ?? '');
  const enabled = view?.settings.api_enabled ?? api?.running ?? false;

  return (
    <Section title="API server">
      <p className="note">A local HTTP API for your scripts and agents, reachable only from this computer.</p>
      {canEnable ? (
        <label className="check-row">
          <input
            type="checkbox"
            checked={enabled}
            disabled={saving === 'api_enabled'}
            onChange={(e) => void store.getState().update({ api_enabled: e.target.checked })}
          />
          Run the API server
        </label>
      ) : (
        // This page may itself be served by the API (`hippo serve`): the desktop app's on/off and
        // port settings would contradict what runs here, so only what runs is shown.
        <p className="readonly-row">
          <span>On/off, port and token</span>
          <span className="readonly-reason">{reason}</span>
        </p>
      )}
      <FieldError store={store} field="api_enabled" id="api-enabled-error" />

      {canPort && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void store
              .getState()
              .update({ api_port: Number(portShown) })
              .then((ok) => ok && setPort(null));
          }}
        >
          <label htmlFor="api-port-input">Port</label>
          <input
            id="api-port-input"
            className="capture-input port-input"
            inputMode="numeric"
            value={portShown}
            onChange={(e) => setPort(e.target.value.replace(/[^\d]/g, ''))}
          />
          <button type="submit" disabled={saving === 'api_port' || portShown === ''}>
            Save port
          </button>
        </form>
      )}
      <FieldError store={store} field="api_port" id="api-port-error" />

      {api && (
        <dl className="settings-facts">
          <dt>Status</dt>
          <dd>{api.running ? 'Running' : api.error ? 'Not running' : 'Off'}</dd>
          {api.url && (
            <>
              <dt>Address</dt>
              <dd>
                <code>{api.url}</code>
              </dd>
            </>
          )}
          {api.token && (
            <>
              <dt>Token</dt>
              <dd className="token-row">
                <code className="token" aria-label={showToken ? 'API token' : 'API token (hidden)'}>
                  {showToken ? api.token : '•'.repeat(24)}
                </code>
                <button type="button" aria-pressed={showToken} onClick={() => setShowToken((v) => !v)}>
                  {showToken ? 'Hide token' : 'Show token'}
                </button>
                <button type="button" onClick={() => void store.getState().copyToken(copyText)}>
                  Copy token
                </button>
              </dd>
            </>
          )}
          {api.token_file && (
            <>
              <dt>Token file</dt>
              <dd>
                <code className="path">{api.token_file}</code>
              </dd>
            </>
          )}
        </dl>
      )}
      {api?.error && (
        <p className="error" role="alert">
          {api.error}
        </p>
      )}
      {apiError && (
        <p className="error" role="alert">
          {apiError}
        </p>
      )}

      {api?.manageable && api.token && !confirming && (
        <button type="button" onClick={() => setConfirming(true)}>
          Regenerate token…
        </button>
      )}
      {confirming && (
        <div
          className="confirm"
          role="alertdialog"
          aria-labelledby={confirmId}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setConfirming(false);
          }}
        >
          <p id={confirmId}>
            Make a new token? Scripts and agents using the old token will stop working until they get the new
            one.
          </p>
          <div className="confirm-actions">
            <button
              type="button"
              className="primary"
              autoFocus
              onClick={() =>
                void store
                  .getState()
                  .regenerateToken()
                  .then(() => setConfirming(false))
              }
            >
              Regenerate
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </Section>
  );
}

/** The clipboard API refuses without focus or permission (and is missing on plain http elsewhere). */
function copyText(text: string): Promise<void> {
  if (!navigator.clipboard) return Promise.reject(new Error('no clipboard'));
  return navigator.clipboard.writeText(text);
}
