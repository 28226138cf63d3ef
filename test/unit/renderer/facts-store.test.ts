import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/renderer/src/api/http-client';
import { groupByDay } from '../../../src/renderer/src/screens/format';
import { createFactsStore } from '../../../src/renderer/src/store/facts-store';
import { startTestServer, type TestServer } from '../../integration/server/server-harness';

/** The Facts screen's store over the real HTTP client, server and database. */
describe('the facts store', () => {
  let t: TestServer;
  let ids: number[];

  beforeAll(async () => {
    t = await startTestServer();
    ids = [];
    for (const content of ['Priya lives in Toronto', 'The dentist moved to Thursday', 'Sam drinks tea'])
      ids.push((await t.mem.memory.encode({ content })).id);
  });
  afterAll(async () => t.close());

  it('lists the timeline, forgets with undo, and restores or purges from the trash', async () => {
    const base = t.server.url;
    const client = createHttpClient(t.server.token, (input, init) => fetch(`${base}${String(input)}`, init));
    const store = createFactsStore(client, { toastMs: 60_000 });
    await store.getState().reload();
    expect(
      store
        .getState()
        .facts?.map((f) => f.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(store.getState().total).toBe(3);

    const [a, b] = ids as [number, number];
    await store.getState().forget(a);
    expect(store.getState().toast).toEqual({ message: 'Forgotten.', undoId: a });
    expect(store.getState().facts?.map((f) => f.id)).not.toContain(a);
    await store.getState().undo();
    expect(store.getState().facts?.map((f) => f.id)).toContain(a);

    await store.getState().forget(a);
    await store.getState().forget(b);
    await store.getState().show('trash');
    expect(
      store
        .getState()
        .facts?.map((f) => f.id)
        .sort(),
    ).toEqual([a, b].sort());

    await store.getState().restore(a);
    expect(store.getState().facts?.map((f) => f.id)).toEqual([b]);
    await store.getState().purge(b);
    expect(store.getState()).toMatchObject({ facts: [], toast: { message: 'Deleted for good.' } });
    expect(t.mem.memory.db.prepare('SELECT count(*) AS n FROM facts WHERE id = ?').get(b)).toEqual({ n: 0 });

    await store.getState().show('timeline');
    expect(store.getState().total).toBe(2);
    store.getState().dismissToast();
  });

  it('groups facts by local day, keeping their order', () => {
    const noon = (d: string) => new Date(`${d}T12:00:00`).toISOString();
    const groups = groupByDay(
      [
        { created_at: noon('2026-03-02') },
        { created_at: noon('2026-03-02') },
        { created_at: noon('2026-03-01') },
      ],
      'en-GB',
    );
    expect(groups.map((g) => [g.day, g.items.length])).toEqual([
      ['Monday, 2 March 2026', 2],
      ['Sunday, 1 March 2026', 1],
    ]);
  });
});
