import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Fact, FactPatch, FactVersion, Label, ListInput } from '../../../shared/contract';
import { LIMITS } from '../../../shared/contract';
import type { HippoClient } from '../../../shared/ipc-contract';
import { TOAST_MS, type Toast } from './memory-store';

/** Facts one page of the timeline or the trash shows; "Show more" adds another page. */
export const FACTS_PAGE = 100;

export type FactsView = 'timeline' | 'trash';

/** What the timeline and the trash are narrowed to; an absent key does not filter. */
export interface FactFilters {
  category?: string;
  label?: string;
  minConfidence?: number;
  /** The space whose facts are shown; absent means the memory's default space. */
  space?: string;
}

export interface FactsState {
  /** The client the screen's other parts (the import panel) talk through. */
  readonly client: HippoClient;
  view: FactsView;
  facts: Fact[] | null;
  /** Facts matching the view and filters, of which `facts` holds the newest. */
  total: number;
  filters: FactFilters;
  /** The space's labels and categories, for the filter and editor choices. */
  labels: Label[];
  categories: string[];
  /** The space shown when the filters name none (from stats:get). */
  defaultSpace: string | null;
  loadingMore: boolean;
  error: string | null;
  toast: Toast | null;

  show(view: FactsView): Promise<void>;
  reload(): Promise<void>;
  /** The next page after the facts shown. */
  loadMore(): Promise<void>;
  /** Merges into the filters ('' or undefined clears one) and lists again from the first page. */
  setFilters(patch: { [K in keyof FactFilters]?: FactFilters[K] | '' }): Promise<void>;
  /** Refreshes the label and category choices of the space shown. */
  loadChoices(): Promise<void>;
  /** Saves an inline edit; resolves to the error in words, or null once saved. */
  update(id: number, patch: FactPatch): Promise<string | null>;
  /** A fact's other versions (facts it superseded, older wordings), newest first. */
  history(id: number): Promise<{ ok: true; facts: FactVersion[] } | { ok: false; message: string }>;
  /** Timeline: soft delete, with Undo in the toast. */
  forget(id: number): Promise<void>;
  /** Trash: back to the timeline. */
  restore(id: number): Promise<void>;
  /** Trash: gone for good (no undo; the screen asks first). */
  purge(id: number): Promise<void>;
  undo(): Promise<void>;
  dismissToast(): void;
}

type Failure = { ok: false; error: { message: string } };

/**
 * The Facts screen's state over one HippoClient: the newest live facts or the forgotten ones,
 * filtered, a page at a time. Every list carries a sequence number so a slow answer for an older
 * view or filter never replaces a newer one.
 */
export function createFactsStore(client: HippoClient, opts: { toastMs?: number } = {}): StoreApi<FactsState> {
  const toastMs = opts.toastMs ?? TOAST_MS;
  let seq = 0;
  // Pages the person has asked for: a list again after a forget or an undo shows as many.
  let pages = 1;
  let choicesSeq = 0;
  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  // Undo must reach the space the fact was forgotten in, even if the filter moved on since.
  let undoSpace: string | undefined;

  return createStore<FactsState>()((set, get) => {
    function showToast(toast: Toast): void {
      clearTimeout(toastTimer);
      set({ toast });
      toastTimer = setTimeout(() => set({ toast: null }), toastMs);
    }

    function listInput(offset: number, limit: number): ListInput {
      const { view, filters } = get();
      return { ...filters, offset, limit, deleted: view === 'trash' ? 'only' : 'exclude' };
    }

    /** Lists `count` facts from the top, in calls of at most the contract's limit. */
    async function fetchTop(count: number): Promise<{ facts: Fact[]; total: number } | Failure> {
      const facts: Fact[] = [];
      for (;;) {
        const r = await client['facts:list'](
          listInput(facts.length, Math.min(LIMITS.listLimitMax, count - facts.length)),
        );
        if (!r.ok) return r;
        facts.push(...r.value.facts);
        const { total } = r.value;
        if (r.value.facts.length === 0 || facts.length >= Math.min(count, total)) return { facts, total };
      }
    }

    /**
     * Lists again. After a forget or an undo it keeps the pages shown, so the list does not jump
     * back to the top; a new view or filter starts at the first page.
     */
    async function list(keepPages: boolean): Promise<void> {
      const mine = ++seq;
      if (!keepPages) pages = 1;
      const r = await fetchTop(pages * FACTS_PAGE);
      if (mine !== seq) return;
      if ('ok' in r) set({ error: r.error.message, loadingMore: false });
      else set({ facts: r.facts, total: r.total, error: null, loadingMore: false });
    }

    async function act(call: Promise<{ ok: true } | Failure>, toast: Toast): Promise<void> {
      const r = await call;
      showToast(r.ok ? toast : { message: r.error.message });
      await list(true);
    }

    const inSpace = () => (get().filters.space === undefined ? {} : { space: get().filters.space });

    return {
      client,
      view: 'timeline',
      facts: null,
      total: 0,
      filters: {},
      labels: [],
      categories: [],
      defaultSpace: null,
      loadingMore: false,
      error: null,
      toast: null,

      async show(view) {
        set({ view, facts: null });
        await list(false);
      },
      reload: () => list(true),
      async loadMore() {
        const { facts, total, loadingMore } = get();
        if (!facts || loadingMore || facts.length >= total) return;
        const mine = seq;
        set({ loadingMore: true });
        const r = await client['facts:list'](listInput(facts.length, FACTS_PAGE));
        // A reload or a new filter meanwhile owns the list now.
        if (mine !== seq) return;
        if (!r.ok) return set({ error: r.error.message, loadingMore: false });
        pages = Math.ceil((facts.length + r.value.facts.length) / FACTS_PAGE);
        const seen = new Set(facts.map((f) => f.id));
        set({
          facts: [...facts, ...r.value.facts.filter((f) => !seen.has(f.id))],
          total: r.value.total,
          error: null,
          loadingMore: false,
        });
      },
      async setFilters(patch) {
        const filters: FactFilters = { ...get().filters };
        for (const [key, value] of Object.entries(patch) as [keyof FactFilters, unknown][]) {
          if (value === undefined || value === '' || (key === 'minConfidence' && value === 0))
            delete filters[key];
          else (filters as Record<string, unknown>)[key] = value;
        }
        const spaceChanged = filters.space !== get().filters.space;
        if (spaceChanged) {
          // A label or category of the old space means nothing in the new one.
          delete filters.label;
          delete filters.category;
        }
        set({ filters, facts: null });
        if (spaceChanged) void get().loadChoices();
        await list(false);
      },
      async loadChoices() {
        const mine = ++choicesSeq;
        const [labels, stats] = await Promise.all([
          client['labels:list'](inSpace()),
          client['stats:get'](inSpace()),
        ]);
        if (mine !== choicesSeq) return;
        set({
          labels: labels.ok ? [...labels.value.labels].sort((a, b) => a.name.localeCompare(b.name)) : [],
          categories: stats.ok ? Object.keys(stats.value.categories).sort() : [],
          defaultSpace: stats.ok ? stats.value.space : get().defaultSpace,
        });
      },
      async update(id, patch) {
        const r = await client['facts:update']({ id, patch, ...inSpace() });
        if (!r.ok) return r.error.message;
        set({ facts: get().facts?.map((f) => (f.id === id ? r.value : f)) ?? null });
        if (patch.label !== undefined || patch.category !== undefined) void get().loadChoices();
        return null;
      },
      async history(id) {
        const r = await client['facts:history']({ id, ...inSpace() });
        return r.ok ? { ok: true, facts: r.value.facts } : { ok: false, message: r.error.message };
      },
      forget(id) {
        undoSpace = get().filters.space;
        return act(client['facts:forget']({ id, ...inSpace() }), { message: 'Forgotten.', undoId: id });
      },
      restore: (id) => act(client['facts:restore']({ id, ...inSpace() }), { message: 'Restored.' }),
      purge: (id) => act(client['facts:purge']({ id, ...inSpace() }), { message: 'Deleted for good.' }),
      async undo() {
        const id = get().toast?.undoId;
        const space = undoSpace === undefined ? {} : { space: undoSpace };
        if (id !== undefined) await act(client['facts:restore']({ id, ...space }), { message: 'Restored.' });
      },
      dismissToast() {
        clearTimeout(toastTimer);
        set({ toast: null });
      },
    };
  });
}
