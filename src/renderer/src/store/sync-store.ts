import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HippoClient, SyncStatus } from '../../../shared/ipc-contract';

/** How often the status is asked again while a sync runs, for its progress bar. */
export const SYNC_POLL_MS = 500;

export interface SyncState {
  status: SyncStatus | null;
  /** Why the last request failed (a refused address, an unreachable server), in words. */
  error: string | null;
  busy: 'configure' | 'run' | null;
  load(): Promise<void>;
  /** Keeps the address once the server answered; resolves whether it was kept. */
  configure(url: string | null): Promise<boolean>;
  run(): Promise<void>;
  /** Stops polling (the screen closed). */
  stop(): void;
}

/** The Settings screen's sync pane over one HippoClient. */
export function createSyncStore(client: HippoClient, opts: { pollMs?: number } = {}): StoreApi<SyncState> {
  const pollMs = opts.pollMs ?? SYNC_POLL_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling = true;

  return createStore<SyncState>()((set, get) => {
    function follow(status: SyncStatus): void {
      set({ status });
      clearTimeout(timer);
      if (polling && status.running) timer = setTimeout(() => void get().load(), pollMs);
    }

    return {
      status: null,
      error: null,
      busy: null,

      async load() {
        const r = await client['sync:status']({});
        if (r.ok) follow(r.value);
        else set({ error: r.error.message });
      },

      async configure(url) {
        set({ busy: 'configure', error: null });
        const r = await client['sync:configure']({ url });
        set({ busy: null });
        if (!r.ok) {
          set({ error: r.error.message });
          return false;
        }
        follow(r.value);
        return true;
      },

      async run() {
        set({ busy: 'run', error: null });
        const r = await client['sync:run']({});
        set({ busy: null });
        if (r.ok) follow(r.value);
        else set({ error: r.error.message });
      },

      stop() {
        polling = false;
        clearTimeout(timer);
      },
    };
  });
}
