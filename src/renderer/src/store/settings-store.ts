import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ApiStatus,
  AppInfo,
  HippoClient,
  ModelStatus,
  SettingKey,
  SettingsPatch,
  SettingsView,
  Theme,
} from '../../../shared/ipc-contract';
import type { ModelName } from '../../../shared/model-catalog';
import { clearNoticeAfter } from './notice';

/** Refresh of the model state while a download runs, for the progress bar. */
export const MODEL_POLL_MS = 1_000;
/** Where this page keeps the theme it last used: read before the first paint, and the only home of
 * the choice on a face that keeps no settings (a browser against `hippo serve` without them). */
export const THEME_STORAGE_KEY = 'hippo.theme';

/** localStorage's shape, spelled out so the store also typechecks (and is tested) under Node. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function storedTheme(storage: KeyValue | undefined): Theme {
  const t = storage?.getItem(THEME_STORAGE_KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
}

/** styles.css picks its colours from data-theme on <html>; 'system' leaves it to prefers-color-scheme. */
export function applyTheme(root: { dataset: { theme?: string } }, theme: Theme): void {
  root.dataset.theme = theme;
}

export interface SettingsState {
  info: AppInfo | null;
  /** null until loaded, and when this face keeps no settings (see settingsNote). */
  view: SettingsView | null;
  /** Why settings cannot be changed here (NOT_SUPPORTED), said plainly; not an error. */
  settingsNote: string | null;
  api: ApiStatus | null;
  model: ModelStatus | null;
  /** The theme the page shows now. */
  theme: Theme;
  /** The memory could not be reached at all. */
  error: string | null;
  /** A change that was refused, by setting. */
  fieldErrors: Partial<Record<SettingKey, string>>;
  saving: SettingKey | null;
  modelError: string | null;
  apiError: string | null;
  /** What the last action did, in words. */
  notice: string | null;

  load(): Promise<void>;
  /** Whether this face lets the person change the setting. */
  canEdit(key: SettingKey): boolean;
  /** Resolves true when the change was saved. */
  update(patch: SettingsPatch): Promise<boolean>;
  setTheme(theme: Theme): Promise<boolean>;
  refreshModel(): Promise<void>;
  downloadModel(): Promise<void>;
  cancelDownload(): Promise<void>;
  /** Switches the embedding model; resolves true when the app took it (re-embedding follows). */
  useModel(name: ModelName): Promise<boolean>;
  regenerateToken(): Promise<boolean>;
  copyToken(writeText: (text: string) => Promise<void>): Promise<void>;
  /** Stops the model poll (the screen unmounted). */
  stop(): void;
}

/** The Settings screen's state over one HippoClient; each face shows what it offers. */
export function createSettingsStore(
  client: HippoClient,
  opts: { storage?: KeyValue; pollMs?: number; noticeMs?: number } = {},
): StoreApi<SettingsState> {
  const pollMs = opts.pollMs ?? MODEL_POLL_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling = true;

  const remember = (theme: Theme): void => {
    try {
      opts.storage?.setItem(THEME_STORAGE_KEY, theme);
    } catch {
      // Storage full or blocked: the theme still applies for this visit.
    }
  };

  const store = createStore<SettingsState>()((set, get) => {
    function pollModel(): void {
      clearTimeout(timer);
      const model = get().model;
      // While a download or a re-embedding after a model switch runs, for their progress.
      if (!polling || (model?.state !== 'downloading' && !model?.reembedding_from)) return;
      timer = setTimeout(() => void get().refreshModel(), pollMs);
    }

    function setView(view: SettingsView): void {
      set({ view, theme: view.settings.theme, settingsNote: null });
      remember(view.settings.theme);
    }

    return {
      info: null,
      view: null,
      settingsNote: null,
      api: null,
      model: null,
      theme: storedTheme(opts.storage),
      error: null,
      fieldErrors: {},
      saving: null,
      modelError: null,
      apiError: null,
      notice: null,

      async load() {
        polling = true;
        const [info, settings, api, model] = await Promise.all([
          client['app:info']({}),
          client['settings:get']({}),
          client['api:status']({}),
          client['model:status']({}),
        ]);
        if (!info.ok) {
          set({ error: info.error.message });
          return;
        }
        set({ info: info.value, error: null });
        if (settings.ok) setView(settings.value);
        else if (settings.error.code === 'NOT_SUPPORTED')
          set({ view: null, settingsNote: settings.error.message });
        else set({ view: null, settingsNote: null, error: settings.error.message });
        if (api.ok) set({ api: api.value, apiError: null });
        else if (api.error.code !== 'NOT_SUPPORTED') set({ apiError: api.error.message });
        if (model.ok) set({ model: model.value, modelError: null });
        else set({ modelError: model.error.message });
        pollModel();
      },

      canEdit(key) {
        // The theme is this page's own business when the face keeps no settings.
        if (key === 'theme' && get().view === null && get().settingsNote !== null) return true;
        return get().view?.editable.includes(key) ?? false;
      },

      async update(patch) {
        const keys = Object.keys(patch) as SettingKey[];
        const key = keys[0] ?? null;
        const before = get().view;
        // Shown at once (a checkbox must not spring back while the app saves); undone if refused.
        set({
          saving: key,
          notice: null,
          view: before && { ...before, settings: { ...before.settings, ...patch } },
        });
        const r = await client['settings:update']({ patch });
        set({ saving: null });
        const fieldErrors = { ...get().fieldErrors };
        for (const k of keys) delete fieldErrors[k];
        if (!r.ok) {
          for (const k of keys) fieldErrors[k] = readable(r.error.message);
          set({ fieldErrors, view: before });
          return false;
        }
        setView(r.value);
        set({ fieldErrors, notice: 'Saved.' });
        // The API server follows api_enabled and api_port: show where it runs now.
        if (keys.some((k) => k === 'api_enabled' || k === 'api_port')) {
          const api = await client['api:status']({});
          if (api.ok) set({ api: api.value, apiError: null });
        }
        return true;
      },

      async setTheme(theme) {
        if (get().view === null) {
          // No settings kept by this face: the choice lives in this browser only.
          set({ theme, notice: 'Saved in this browser.' });
          remember(theme);
          return true;
        }
        const before = get().theme;
        // Shown at once; put back if the app refuses it.
        set({ theme });
        const ok = await get().update({ theme });
        if (!ok) set({ theme: before });
        return ok;
      },

      async refreshModel() {
        const r = await client['model:status']({});
        if (r.ok) set({ model: r.value, modelError: null });
        else set({ modelError: r.error.message });
        pollModel();
      },

      async downloadModel() {
        set({ modelError: null });
        const r = await client['model:download']({});
        if (r.ok) set({ model: r.value });
        else set({ modelError: r.error.message });
        pollModel();
      },

      async cancelDownload() {
        const r = await client['model:cancel']({});
        if (r.ok) set({ model: r.value, notice: 'Download stopped.' });
        else set({ modelError: r.error.message });
      },

      async useModel(name) {
        set({ modelError: null, notice: null });
        const r = await client['model:use']({ model: name });
        if (!r.ok) {
          set({ modelError: r.error.message });
          return false;
        }
        set({
          model: r.value,
          notice: r.value.reembedding_from ? 'Switched. Facts are being embedded again.' : 'Switched.',
        });
        pollModel();
        return true;
      },

      async regenerateToken() {
        const r = await client['api:regenerate']({});
        if (!r.ok) {
          set({ apiError: r.error.message });
          return false;
        }
        set({ api: r.value, apiError: null, notice: 'New token made. Scripts need the new one now.' });
        return true;
      },

      async copyToken(writeText) {
        const token = get().api?.token;
        if (!token) return;
        try {
          await writeText(token);
          set({ notice: 'Token copied.' });
        } catch {
          set({ notice: 'Could not copy here: press Show, then select the token and copy it yourself.' });
        }
      },

      stop() {
        polling = false;
        clearTimeout(timer);
      },
    };
  });
  return clearNoticeAfter(store, opts.noticeMs);
}

/** "patch.api_port: api_port must be 1024-65535" → "api_port must be 1024-65535". */
function readable(message: string): string {
  return message.replace(/^[a-z_.\d]+: /, '');
}
