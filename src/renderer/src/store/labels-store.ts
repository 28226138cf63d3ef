import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Label, LabelVersion } from '../../../shared/contract';
import type { HippoClient } from '../../../shared/ipc-contract';
import { clearNoticeAfter } from './notice';

/** A rename that was refused, with the label that holds the name when merging is the way out. */
export interface RenameProblem {
  id: number;
  message: string;
  /** The label already called that: the screen offers to merge into it. */
  mergeInto: Label | null;
}

/** A merge waiting for the person to confirm it: both labels as they stand, so counts are current. */
export interface PendingMerge {
  from: Label;
  into: Label;
}

export interface LabelsState {
  /** Most facts first; null until the first answer. */
  labels: Label[] | null;
  /** Why the list cannot be shown; null when all is well. */
  error: string | null;
  /** The label whose name is being edited inline. */
  editing: number | null;
  renameProblem: RenameProblem | null;
  pendingMerge: PendingMerge | null;
  mergeError: string | null;
  /** What the last change did, in words (a polite status line). */
  notice: string | null;
  busy: boolean;
  /** The label whose earlier names are shown. */
  historyOpen: number | null;
  /** Its earlier names, newest first; null while they load; a string says why they could not. */
  history: LabelVersion[] | string | null;

  load(): Promise<void>;
  startRename(id: number): void;
  cancelRename(): void;
  /** Resolves true when the label now has the name. */
  rename(id: number, name: string): Promise<boolean>;
  /** Asks for confirmation first: nothing moves until confirmMerge. */
  askMerge(from: number, into: number): void;
  cancelMerge(): void;
  confirmMerge(): Promise<boolean>;
  /** Shows the label's earlier names (loaded afresh: a sync may have added some), or hides them. */
  toggleHistory(id: number): Promise<void>;
}

const byCount = (a: Label, b: Label): number => b.fact_count - a.fact_count || a.name.localeCompare(b.name);

export const factsWord = (n: number): string => `${n} ${n === 1 ? 'fact' : 'facts'}`;

/** The Labels screen's state: every label of the space with its count, renamed and merged over one HippoClient. */
export function createLabelsStore(
  client: HippoClient,
  opts: { noticeMs?: number } = {},
): StoreApi<LabelsState> {
  let seq = 0;
  const store = createStore<LabelsState>()((set, get) => {
    async function load(): Promise<void> {
      const mine = ++seq;
      const r = await client['labels:list']({});
      if (mine !== seq) return;
      if (r.ok) set({ labels: [...r.value.labels].sort(byCount), error: null });
      else set({ error: r.error.message });
    }

    const find = (id: number): Label | undefined => get().labels?.find((l) => l.id === id);

    let historySeq = 0;
    async function loadHistory(id: number): Promise<void> {
      const mine = ++historySeq;
      const r = await client['labels:history']({ id });
      if (mine !== historySeq || get().historyOpen !== id) return;
      set({
        history: r.ok ? r.value.versions : `Could not load earlier names: ${withoutField(r.error.message)}`,
      });
    }

    return {
      labels: null,
      error: null,
      editing: null,
      renameProblem: null,
      pendingMerge: null,
      mergeError: null,
      notice: null,
      busy: false,
      historyOpen: null,
      history: null,

      load,
      startRename(id) {
        set({ editing: id, renameProblem: null, notice: null });
      },
      cancelRename() {
        set({ editing: null, renameProblem: null });
      },

      async rename(id, name) {
        const label = find(id);
        const clean = name.trim();
        if (!label) return false;
        if (clean === '') {
          set({ renameProblem: { id, message: 'A label needs a name.', mergeInto: null } });
          return false;
        }
        if (clean === label.name) {
          set({ editing: null, renameProblem: null });
          return true;
        }
        // The service refuses a name another label has in any case; say so in words and name
        // the label, so the screen can offer the merge that does what the person meant.
        const holder = get().labels?.find((l) => l.id !== id && l.name.toLowerCase() === clean.toLowerCase());
        if (holder) {
          set({
            renameProblem: {
              id,
              message: `There is already a label called “${holder.name}”. Merge “${label.name}” into it instead?`,
              mergeInto: holder,
            },
          });
          return false;
        }
        set({ busy: true });
        const r = await client['labels:rename']({ id, name: clean });
        set({ busy: false });
        if (!r.ok) {
          // Someone else took the name meanwhile: reload so the holder is known and offered.
          await load();
          const taken = get().labels?.find(
            (l) => l.id !== id && l.name.toLowerCase() === clean.toLowerCase(),
          );
          set({
            renameProblem: {
              id,
              message: taken
                ? `There is already a label called “${taken.name}”. Merge “${label.name}” into it instead?`
                : `Could not rename “${label.name}”: ${withoutField(r.error.message)}`,
              mergeInto: taken ?? null,
            },
          });
          return false;
        }
        set({ editing: null, renameProblem: null, notice: `Renamed “${label.name}” to “${r.value.name}”.` });
        await load();
        // The name it had is now one of its earlier names.
        if (get().historyOpen === id) await loadHistory(id);
        return true;
      },

      askMerge(from, into) {
        const a = find(from);
        const b = find(into);
        if (!a || !b) return;
        if (from === into) {
          set({ mergeError: 'Pick two different labels to merge.', pendingMerge: null });
          return;
        }
        set({ pendingMerge: { from: a, into: b }, mergeError: null, notice: null });
      },
      cancelMerge() {
        set({ pendingMerge: null, mergeError: null });
      },

      async confirmMerge() {
        const pending = get().pendingMerge;
        if (!pending) return false;
        const { from, into } = pending;
        set({ busy: true });
        const r = await client['labels:merge']({ from: from.id, into: into.id });
        set({ busy: false });
        if (!r.ok) {
          set({
            mergeError: `Could not merge “${from.name}” into “${into.name}”: ${withoutField(r.error.message)}`,
          });
          await load();
          return false;
        }
        set({
          pendingMerge: null,
          mergeError: null,
          editing: null,
          renameProblem: null,
          notice: `Merged “${from.name}” into “${into.name}”: ${factsWord(from.fact_count)} moved.`,
        });
        await load();
        if (get().historyOpen === into.id) await loadHistory(into.id);
        return true;
      },

      async toggleHistory(id) {
        if (get().historyOpen === id) {
          historySeq++;
          set({ historyOpen: null, history: null });
          return;
        }
        set({ historyOpen: id, history: null });
        await loadHistory(id);
      },
    };
  });
  return clearNoticeAfter(store, opts.noticeMs);
}

/** The service's messages start with the field they are about ("name: …"); a person does not need it. */
function withoutField(message: string): string {
  return message.replace(/^[a-z_.\d]+: /, '');
}
