import type { StoreApi } from 'zustand/vanilla';
import { TOAST_MS } from './memory-store';

/**
 * A screen's notice ("Saved.", "Token copied.") is shown where the eye is (a toast at the bottom of
 * the window) and goes away on its own after `ms`, like the Undo toast; a newer notice restarts it.
 */
export function clearNoticeAfter<S extends { notice: string | null }>(
  store: StoreApi<S>,
  ms: number = TOAST_MS,
): StoreApi<S> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  store.subscribe((state, prev) => {
    if (state.notice === prev.notice) return;
    clearTimeout(timer);
    if (state.notice !== null) timer = setTimeout(() => store.setState({ notice: null } as Partial<S>), ms);
  });
  return store;
}
