import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Label } from '../../../shared/contract';
import type { HippoClient, IpcValue, ModelStatus } from '../../../shared/ipc-contract';

/** Weeks the chart shows: about a quarter. */
export const INSIGHT_WEEKS = 12;
/** How many of the largest labels and categories are listed. */
export const TOP_N = 5;
/** Refresh while embeddings are pending or a model download runs, so the numbers move. */
export const INSIGHTS_POLL_MS = 3_000;

export type WeekCount = IpcValue<'stats:weekly'>['weeks'][number];

export interface Embedding {
  facts: number;
  pending: number;
  /** Facts that have their embedding (so meaning-based recall finds them). */
  embedded: number;
}

export interface InsightsState {
  weeks: WeekCount[] | null;
  topLabels: Label[] | null;
  topCategories: { name: string; count: number }[] | null;
  embedding: Embedding | null;
  model: ModelStatus | null;
  /** What could not be loaded, in words; the parts that did load are still shown. */
  errors: string[];

  load(): Promise<void>;
  /** Loads now and keeps refreshing while something is under way; stop() ends it. */
  start(): void;
  stop(): void;
}

/** True while the numbers are still changing on their own: embeddings pending or a download running. */
export function isBusy(s: Pick<InsightsState, 'embedding' | 'model'>): boolean {
  return (s.embedding?.pending ?? 0) > 0 || s.model?.state === 'downloading';
}

/** The Insights screen's state: captures per week, the largest labels and categories, and how much is embedded. */
export function createInsightsStore(
  client: HippoClient,
  opts: { pollMs?: number; weeks?: number } = {},
): StoreApi<InsightsState> {
  const pollMs = opts.pollMs ?? INSIGHTS_POLL_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  return createStore<InsightsState>()((set, get) => {
    async function load(): Promise<void> {
      const [weekly, labels, stats, model] = await Promise.all([
        client['stats:weekly']({ weeks: opts.weeks ?? INSIGHT_WEEKS }),
        client['labels:list']({}),
        client['stats:get']({}),
        client['model:status']({}),
      ]);
      const errors: [part: string, message: string][] = [];
      const next: Partial<InsightsState> = {};
      if (weekly.ok) next.weeks = weekly.value.weeks;
      else errors.push(['Captures per week', weekly.error.message]);
      if (labels.ok)
        next.topLabels = labels.value.labels
          .filter((l) => l.fact_count > 0)
          .sort((a, b) => b.fact_count - a.fact_count || a.name.localeCompare(b.name))
          .slice(0, TOP_N);
      else errors.push(['Labels', labels.error.message]);
      if (stats.ok) {
        const { facts, pending_embeddings: pending } = stats.value;
        next.topCategories = Object.entries(stats.value.categories)
          .map(([name, count]) => ({ name, count }))
          .filter((c) => c.count > 0)
          .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
          .slice(0, TOP_N);
        next.embedding = { facts, pending, embedded: Math.max(0, facts - pending) };
      } else errors.push(['Memory', stats.error.message]);
      if (model.ok) next.model = model.value;
      else errors.push(['Model', model.error.message]);
      // The same message from every part (a server that stopped) is said once, without the parts.
      const distinct = new Set(errors.map(([, m]) => m));
      set({
        ...next,
        errors:
          distinct.size === 1 && errors.length > 1 ? [...distinct] : errors.map(([p, m]) => `${p}: ${m}`),
      });
    }

    function schedule(): void {
      clearTimeout(timer);
      if (!running || !isBusy(get())) return;
      timer = setTimeout(() => {
        void load().then(schedule);
      }, pollMs);
    }

    return {
      weeks: null,
      topLabels: null,
      topCategories: null,
      embedding: null,
      model: null,
      errors: [],

      load,
      start() {
        running = true;
        void load().then(schedule);
      },
      stop() {
        running = false;
        clearTimeout(timer);
      },
    };
  });
}
