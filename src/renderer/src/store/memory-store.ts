import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PossibleUpdate, RecallTimeRead, SearchResult, Stats } from '../../../shared/contract';
import type { HippoClient } from '../../../shared/ipc-contract';

/** Typing pause before a search or a duplicate check is sent. */
export const TYPE_DELAY_MS = 150;
/** How long the "Forgotten" toast (with its Undo) stays. */
export const TOAST_MS = 6_000;
/** Most results one search shows. */
export const RESULT_LIMIT = 20;

const CAPTURE_NOTES = {
  created: 'Remembered.',
  duplicate: 'Already in your memory: nothing new was stored.',
  merged: 'Merged into the fact it repeats.',
} as const;

export interface Toast {
  message: string;
  /** Fact to bring back when Undo is pressed; absent for a plain notice. */
  undoId?: number;
  /** What Undo does to it: bring a forgotten fact back (default), or make a replaced one current again. */
  undoAction?: 'restore' | 'unsupersede';
}

export interface MemoryState {
  stats: Stats | null;
  /** Why the memory cannot be reached (shown as an alert); null when all is well. */
  error: string | null;
  query: string;
  /** null while there is no query. Each result carries its explain (the "why?" disclosure). */
  results: SearchResult[] | null;
  /** How the last search read its time words ("last week"); null when it had none. */
  timeRead: RecallTimeRead | null;
  /** Creation-date filters of the search (YYYY-MM-DD, local days, both inclusive); '' for none. */
  since: string;
  until: string;
  selected: number;
  toast: Toast | null;
  draft: string;
  /** Facts close to the draft, so a duplicate is seen before it is saved. */
  similar: SearchResult[];
  /** What happened to the last capture, in words. */
  captureNote: string | null;
  /** Why the last capture was not saved (the draft is kept so nothing typed is lost); null otherwise. */
  captureError: string | null;
  /** Optional label and category for the draft; empty means the memory picks (general, no label). */
  draftLabel: string;
  draftCategory: string;
  /** Names already in use, offered as suggestions while typing a label or category. */
  labelChoices: string[];
  categoryChoices: string[];
  /**
   * Stored facts the last capture may be a newer version of (encode's possible_updates), offered
   * as "Replace" or "Keep both"; empty when there is nothing to decide.
   */
  possibleUpdates: PossibleUpdate[];
  /** The fact the last capture stored, which "Replace" makes supersede the old one. */
  capturedId: number | null;

  connect(): Promise<void>;
  setQuery(query: string): void;
  setDates(dates: { since?: string; until?: string }): void;
  move(delta: number): void;
  forget(id: number): Promise<void>;
  undo(): Promise<void>;
  dismissToast(): void;
  setDraft(draft: string): void;
  setDraftLabel(label: string): void;
  setDraftCategory(category: string): void;
  /**
   * Resolves true once the draft is stored and nothing is left to decide (the quick-capture window
   * then closes); false when it was not stored, or when it may update a stored fact (possibleUpdates).
   */
  capture(): Promise<boolean>;
  /** "Replace": the just-captured fact supersedes `oldId`, with Undo in the toast. Resolves true when done. */
  replace(oldId: number): Promise<boolean>;
  /** "Keep both": the offer goes away, both facts stay current. */
  keepBoth(): void;
}

export interface MemoryStoreOptions {
  delayMs?: number;
  toastMs?: number;
}

/**
 * The screens' state over one HippoClient (window.hippo or the HTTP client; the store cannot tell).
 * Every search and duplicate check carries a sequence number: an answer that arrives after a newer
 * request was sent is dropped, so a slow answer never overwrites what the person typed since.
 */
export function createMemoryStore(client: HippoClient, opts: MemoryStoreOptions = {}): StoreApi<MemoryState> {
  const delay = opts.delayMs ?? TYPE_DELAY_MS;
  const toastMs = opts.toastMs ?? TOAST_MS;
  let searchSeq = 0;
  let similarSeq = 0;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let similarTimer: ReturnType<typeof setTimeout> | undefined;
  let toastTimer: ReturnType<typeof setTimeout> | undefined;

  return createStore<MemoryState>()((set, get) => {
    async function refreshStats(): Promise<void> {
      const [r, labels] = await Promise.all([client['stats:get']({}), client['labels:list']({})]);
      if (!r.ok) return set({ error: r.error.message });
      set({
        stats: r.value,
        error: null,
        categoryChoices: Object.keys(r.value.categories).sort((a, b) => a.localeCompare(b)),
        // Suggestions only: a failed label list leaves the previous ones rather than failing the screen.
        ...(labels.ok ? { labelChoices: labels.value.labels.map((l) => l.name) } : {}),
      });
    }

    async function search(query: string, seq: number): Promise<void> {
      const { since, until } = get();
      const r = await client['memory:recall']({
        query,
        limit: RESULT_LIMIT,
        explain: true,
        time_zone: localTimeZone(),
        ...(since ? { since: localDayStart(since) } : {}),
        ...(until ? { until: localDayEnd(until) } : {}),
      });
      if (seq !== searchSeq) return;
      if (r.ok) set({ results: r.value.results, timeRead: r.value.time ?? null, selected: 0, error: null });
      else set({ error: r.error.message });
    }

    function runSearch(now: boolean): void {
      clearTimeout(searchTimer);
      const seq = ++searchSeq;
      const q = get().query.trim();
      if (q === '') {
        set({ results: null, timeRead: null, selected: 0 });
        return;
      }
      if (now) void search(q, seq);
      else searchTimer = setTimeout(() => void search(q, seq), delay);
    }

    function showToast(toast: Toast): void {
      clearTimeout(toastTimer);
      set({ toast });
      toastTimer = setTimeout(() => set({ toast: null }), toastMs);
    }

    return {
      stats: null,
      error: null,
      query: '',
      results: null,
      timeRead: null,
      since: '',
      until: '',
      selected: 0,
      toast: null,
      draft: '',
      similar: [],
      captureNote: null,
      captureError: null,
      draftLabel: '',
      draftCategory: '',
      labelChoices: [],
      categoryChoices: [],
      possibleUpdates: [],
      capturedId: null,

      connect: refreshStats,

      setQuery(query) {
        set({ query });
        runSearch(false);
      },

      setDates(dates) {
        set(dates);
        runSearch(true);
      },

      move(delta) {
        const n = get().results?.length ?? 0;
        if (n === 0) return;
        set({ selected: Math.min(n - 1, Math.max(0, get().selected + delta)) });
      },

      async forget(id) {
        const r = await client['facts:forget']({ id });
        if (!r.ok) return showToast({ message: r.error.message });
        const results = get().results?.filter((x) => x.fact_id !== id) ?? null;
        set({ results, selected: Math.min(get().selected, Math.max(0, (results?.length ?? 1) - 1)) });
        showToast({ message: 'Forgotten.', undoId: id });
        await refreshStats();
      },

      async undo() {
        const id = get().toast?.undoId;
        if (id === undefined) return;
        const unsupersede = get().toast?.undoAction === 'unsupersede';
        const r = await client[unsupersede ? 'facts:unsupersede' : 'facts:restore']({ id });
        if (!r.ok) return showToast({ message: r.error.message });
        showToast({ message: unsupersede ? 'Both facts are current again.' : 'Restored.' });
        runSearch(true);
        await refreshStats();
      },

      dismissToast() {
        clearTimeout(toastTimer);
        set({ toast: null });
      },

      setDraft(draft) {
        set({ draft, captureNote: null, captureError: null, possibleUpdates: [], capturedId: null });
        clearTimeout(similarTimer);
        const seq = ++similarSeq;
        const content = draft.trim();
        if (content === '') return set({ similar: [] });
        similarTimer = setTimeout(() => {
          void client['memory:similar']({ content, limit: 3 }).then((r) => {
            if (seq === similarSeq) set({ similar: r.ok ? r.value.results : [] });
          });
        }, delay);
      },

      setDraftLabel(draftLabel) {
        set({ draftLabel, captureError: null });
      },

      setDraftCategory(draftCategory) {
        set({ draftCategory, captureError: null });
      },

      async capture() {
        const content = get().draft.trim();
        if (content === '') return false;
        const label = get().draftLabel.trim();
        const category = get().draftCategory.trim();
        const r = await client['memory:encode']({
          content,
          ...(label ? { label } : {}),
          ...(category ? { category } : {}),
        });
        if (!r.ok) {
          set({ captureNote: null, captureError: r.error.message });
          return false;
        }
        similarSeq++;
        clearTimeout(similarTimer);
        set({
          draft: '',
          draftLabel: '',
          draftCategory: '',
          similar: [],
          captureNote: CAPTURE_NOTES[r.value.status],
          captureError: null,
          possibleUpdates: r.value.possible_updates ?? [],
          capturedId: r.value.id,
        });
        await refreshStats();
        runSearch(true);
        return get().possibleUpdates.length === 0;
      },

      async replace(oldId) {
        const newId = get().capturedId;
        const old = get().possibleUpdates.find((u) => u.id === oldId);
        if (newId === null || !old) return false;
        const r = await client['facts:supersede']({ old_id: oldId, new_id: newId });
        if (!r.ok) {
          set({ captureError: r.error.message });
          return false;
        }
        set({ possibleUpdates: [], capturedId: null, captureNote: null });
        showToast({ message: `Replaced “${old.content}”.`, undoId: oldId, undoAction: 'unsupersede' });
        runSearch(true);
        await refreshStats();
        return true;
      },

      keepBoth() {
        set({ possibleUpdates: [], capturedId: null });
      },
    };
  });
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The instant a local calendar day (YYYY-MM-DD) starts, as ISO. */
function localDayStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toISOString();
}

/** The last millisecond of a local calendar day, as ISO (until is inclusive). */
function localDayEnd(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new Date(y, m - 1, d + 1).getTime() - 1).toISOString();
}
