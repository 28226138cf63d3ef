import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService } from '../../../src/main/app-service/app-service';
import type { HippoClient } from '../../../src/shared/ipc-contract';
import { createInsightsStore, isBusy } from '../../../src/renderer/src/store/insights-store';
import { openLexicalMemory } from '../../helpers/lexical-memory';

const until = async (check: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

// Wednesday 2026-11-25, so this week starts Monday 2026-11-23 (UTC).
const NOW = Date.parse('2026-11-25T12:00:00Z');
const DAY = 86_400_000;

/** The Insights screen's store over the real app service and a real database. */
describe('the insights store', () => {
  let mem: ReturnType<typeof openLexicalMemory>;
  let client: HippoClient;

  beforeAll(async () => {
    // Embeddings are made in the background, so pending counts can be watched going down.
    mem = openLexicalMemory({ backgroundEmbedding: true });
    client = createAppService({
      memory: mem.memory,
      embedder: mem.embedder,
      now: () => NOW,
      appInfo: () => ({
        version: 'test',
        shell: 'browser',
        data_dir: mem.dir,
        hotkey_error: null,
        api_url: null,
      }),
    });
    const seeds: [string, string, string, number][] = [
      ['Priya lives in Toronto', 'friends', 'people', 0],
      ['Sam drinks oolong tea', 'friends', 'people', 1],
      ['The dentist moved to Thursday', 'health', 'schedule', 1],
      ['Bins go out on Tuesday evening', 'home', 'schedule', 15],
      ['Ana plays the cello', 'friends', 'people', 15],
      ['The boiler code is 7731', 'home', 'house', 29],
    ];
    for (const [content, label, category, daysAgo] of seeds)
      await mem.memory.encode({ content, label, category, created_at: NOW - daysAgo * DAY });
  });
  afterAll(async () => mem.close());

  it('loads captures per week, the largest labels and categories, and the embedding state', async () => {
    const store = createInsightsStore(client, { weeks: 6 });
    await store.getState().load();
    const s = store.getState();
    expect(s.errors).toEqual([]);
    expect(s.weeks).toEqual([
      { week_start: '2026-10-19', count: 0 },
      { week_start: '2026-10-26', count: 1 },
      { week_start: '2026-11-02', count: 0 },
      { week_start: '2026-11-09', count: 2 },
      { week_start: '2026-11-16', count: 0 },
      { week_start: '2026-11-23', count: 3 },
    ]);
    expect(s.topLabels?.map((l) => [l.name, l.fact_count])).toEqual([
      ['friends', 3],
      ['home', 2],
      ['health', 1],
    ]);
    expect(s.topCategories).toEqual([
      { name: 'people', count: 3 },
      { name: 'schedule', count: 2 },
      { name: 'house', count: 1 },
    ]);
    expect(s.embedding?.facts).toBe(6);
    expect(s.embedding!.embedded + s.embedding!.pending).toBe(6);
    expect(s.model?.state).toBe('ready');
  });

  it('keeps refreshing while embeddings are pending, and stops once all are embedded', async () => {
    const store = createInsightsStore(client, { pollMs: 20 });
    let loads = 0;
    store.subscribe((s, prev) => {
      if (s.embedding !== prev.embedding) loads++;
    });
    // New facts wait for the background embedder, so the store has something to watch.
    for (let i = 0; i < 5; i++) await mem.memory.encode({ content: `Parcel ${i} goes to locker ${40 + i}` });
    store.getState().start();
    await until(() => store.getState().embedding !== null);
    await until(() => store.getState().embedding?.pending === 0);
    expect(store.getState().embedding?.embedded).toBe(11);
    expect(isBusy(store.getState())).toBe(false);
    const settled = loads;
    await new Promise((r) => setTimeout(r, 150));
    // Nothing under way: no more polling.
    expect(loads).toBe(settled);
    store.getState().stop();
  });

  it('stop() ends polling even while work is pending', async () => {
    let statsCalls = 0;
    const stuck: HippoClient = {
      ...client,
      'stats:get': async (input) => {
        statsCalls++;
        const r = await client['stats:get'](input);
        return r.ok ? { ok: true, value: { ...r.value, pending_embeddings: 3 } } : r;
      },
    };
    const store = createInsightsStore(stuck, { pollMs: 20 });
    store.getState().start();
    await until(() => statsCalls >= 3);
    expect(isBusy(store.getState())).toBe(true);
    store.getState().stop();
    const at = statsCalls;
    await new Promise((r) => setTimeout(r, 120));
    expect(statsCalls).toBeLessThanOrEqual(at + 1);
  });

  it('one unreachable server is said once, not once per part', async () => {
    const down = { ok: false as const, error: { code: 'UNREACHABLE', message: 'Hippo is not answering.' } };
    const dead = Object.fromEntries(
      Object.keys(client).map((k) => [k, async () => down]),
    ) as unknown as HippoClient;
    const store = createInsightsStore(dead);
    await store.getState().load();
    expect(store.getState().errors).toEqual(['Hippo is not answering.']);
    expect(store.getState().weeks).toBeNull();
  });
});
