import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Fact } from '../../../shared/contract';
import type { HippoClient } from '../../../shared/ipc-contract';
import { TOAST_MS, type Toast } from './memory-store';

/** Facts one page of the timeline or the trash shows. */
export const FACTS_PAGE = 100;

export type FactsView = 'timeline' | 'trash';

export interface FactsState {
  view: FactsView;
  facts: Fact[] | null;
  total: number;
  error: string | null;
  toast: Toast | null;

  show(view: FactsView): Promise<void>;
  reload(): Promise<void>;
  /** Timeline: soft delete, with Undo in the toast. */
  forget(id: number): Promise<void>;
  /** Trash: back to the timeline. */
  restore(id: number): Promise<void>;
  /** Trash: gone for good (no undo; the screen asks first). */
  purge(id: number): Promise<void>;
  undo(): Promise<void>;
  dismissToast(): void;
}

/** The Facts screen's state: the newest live facts, or the forgotten ones, over one HippoClient. */
export function createFactsStore(client: HippoClient, opts: { toastMs?: number } = {}): StoreApi<FactsState> {
  const toastMs = opts.toastMs ?? TOAST_MS;
  let seq = 0;
  let toastTimer: ReturnType<typeof setTimeout> | undefined;

  return createStore<FactsState>()((set, get) => {
    function showToast(toast: Toast): void {
      clearTimeout(toastTimer);
      set({ toast });
      toastTimer = setTimeout(() => set({ toast: null }), toastMs);
    }

    async function reload(): Promise<void> {
      const mine = ++seq;
      const view = get().view;
      const r = await client['facts:list']({
        limit: FACTS_PAGE,
        deleted: view === 'trash' ? 'only' : 'exclude',
      });
      // Switching views while a list is loading must not show the other view's facts.
      if (mine !== seq) return;
      if (r.ok) set({ facts: r.value.facts, total: r.value.total, error: null });
      else set({ error: r.error.message });
    }

    async function act(
      call: Promise<{ ok: true } | { ok: false; error: { message: string } }>,
      toast: Toast,
    ): Promise<void> {
      const r = await call;
      showToast(r.ok ? toast : { message: r.error.message });
      await reload();
    }

    return {
      view: 'timeline',
      facts: null,
      total: 0,
      error: null,
      toast: null,

      async show(view) {
        set({ view, facts: null });
        await reload();
      },
      reload,
      forget: (id) => act(client['facts:forget']({ id }), { message: 'Forgotten.', undoId: id }),
      restore: (id) => act(client['facts:restore']({ id }), { message: 'Restored.' }),
      purge: (id) => act(client['facts:purge']({ id }), { message: 'Deleted for good.' }),
      async undo() {
        const id = get().toast?.undoId;
        if (id !== undefined) await act(client['facts:restore']({ id }), { message: 'Restored.' });
      },
      dismissToast() {
        clearTimeout(toastTimer);
        set({ toast: null });
      },
    };
  });
}
