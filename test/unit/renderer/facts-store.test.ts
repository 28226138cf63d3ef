import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/renderer/src/api/http-client';
import { groupByDay } from '../../../src/renderer/src/screens/format';
import type { StoreApi } from 'zustand/vanilla';
import { createFactsStore, FACTS_PAGE, type FactsState } from '../../../src/renderer/src/store/facts-store';
import { startTestServer, type TestServer } from '../../integration/server/server-harness';
import { distinctFacts } from './import-fixtures';

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

/** Filters, paging, inline edits and history over the real HTTP client, server and database. */
describe('the facts store, filtered and a page at a time', () => {
  let t: TestServer;
  const PLANNING =
    'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon in room seven';

  beforeAll(async () => {
    t = await startTestServer();
    const bulk = distinctFacts(230).map((content) => ({ content, category: 'bulk', confidence: 0.9 }));
    const results = await t.mem.memory.importRecords(bulk);
    expect(results.every((r) => r.status === 'created')).toBe(true);
    await t.mem.memory.encode({
      content: 'Blood pressure was 120 over 80',
      label: 'health',
      category: 'medical',
    });
    await t.mem.memory.encode({ content: 'Allergic to penicillin', label: 'health', confidence: 0.4 });
    await t.mem.memory.encode({ content: 'The office moved to Pier 4', space: 'work' });
  });
  afterAll(async () => t.close());

  const connect = () => {
    const base = t.server.url;
    return createFactsStore(
      createHttpClient(t.server.token, (input, init) => fetch(`${base}${String(input)}`, init)),
      { toastMs: 60_000 },
    );
  };
  const contents = (s: StoreApi<FactsState>) => s.getState().facts?.map((f) => f.content) ?? [];

  it('shows a page, then more pages until every fact is shown, and a forget keeps the page', async () => {
    const store = connect();
    await store.getState().reload();
    expect(store.getState()).toMatchObject({ total: 232 });
    expect(store.getState().facts).toHaveLength(FACTS_PAGE);
    await store.getState().loadMore();
    expect(store.getState().facts).toHaveLength(2 * FACTS_PAGE);
    await store.getState().loadMore();
    expect(store.getState().facts).toHaveLength(232);
    expect(new Set(store.getState().facts?.map((f) => f.id)).size).toBe(232);
    await store.getState().loadMore();
    expect(store.getState().facts).toHaveLength(232);

    const last = store.getState().facts!.at(-1)!;
    await store.getState().forget(last.id);
    expect(store.getState()).toMatchObject({ total: 231 });
    expect(store.getState().facts).toHaveLength(231);
    await store.getState().undo();
    expect(store.getState().facts).toHaveLength(232);
    store.getState().dismissToast();
  });

  it('filters by label, category, minimum confidence and space, and offers the space’s choices', async () => {
    const store = connect();
    await store.getState().loadChoices();
    expect(store.getState().labels.map((l) => l.name)).toContain('health');
    expect(store.getState().categories).toEqual(expect.arrayContaining(['bulk', 'medical', 'general']));
    expect(store.getState().defaultSpace).toBe('personal');

    await store.getState().setFilters({ label: 'health' });
    expect(contents(store).sort()).toEqual(['Allergic to penicillin', 'Blood pressure was 120 over 80']);
    expect(store.getState().total).toBe(2);
    await store.getState().setFilters({ category: 'medical' });
    expect(contents(store)).toEqual(['Blood pressure was 120 over 80']);
    await store.getState().setFilters({ category: '', minConfidence: 0.5 });
    expect(contents(store)).toEqual(['Blood pressure was 120 over 80']);
    await store.getState().setFilters({ label: '', minConfidence: 0 });
    expect(store.getState().filters).toEqual({});
    expect(store.getState().total).toBe(232);
    await store.getState().setFilters({ minConfidence: 0.95 });
    expect(contents(store)).toEqual(['Blood pressure was 120 over 80']);

    // Another space: its own facts and choices; the old space's label filter is dropped.
    await store.getState().setFilters({ label: 'health', minConfidence: 0 });
    await store.getState().setFilters({ space: 'work' });
    expect(store.getState().filters).toEqual({ space: 'work' });
    expect(contents(store)).toEqual(['The office moved to Pier 4']);
    await expect.poll(() => store.getState().categories).toEqual(['general']);
    expect(store.getState().labels).toEqual([]);

    await store.getState().setFilters({ space: 'not a space!' });
    expect(store.getState().error).toMatch(/space must be/);
  });

  it('saves an inline edit, refuses a bad one with the reason, and shows older wordings', async () => {
    const store = connect();
    await store.getState().setFilters({ label: 'health' });
    const fact = store.getState().facts!.find((f) => f.content === 'Allergic to penicillin')!;
    expect(
      await store.getState().update(fact.id, {
        content: 'Allergic to penicillin and amoxicillin',
        label: 'allergies',
        category: 'medical',
        confidence: 0.8,
      }),
    ).toBeNull();
    expect(store.getState().facts!.find((f) => f.id === fact.id)).toMatchObject({
      content: 'Allergic to penicillin and amoxicillin',
      label: 'allergies',
      category: 'medical',
      confidence: 0.8,
    });
    expect(t.mem.memory.get(fact.id)).toMatchObject({ content: 'Allergic to penicillin and amoxicillin' });
    await expect.poll(() => store.getState().labels.map((l) => l.name)).toContain('allergies');

    const before = t.snapshot();
    expect(await store.getState().update(fact.id, { confidence: 2 })).toMatch(
      /confidence must be between 0 and 1/,
    );
    expect(await store.getState().update(fact.id, { content: '   ' })).toMatch(/content must not be empty/);
    expect(t.snapshot()).toBe(before);

    const first = await t.mem.memory.encode({ content: PLANNING, category: 'work' });
    const merged = await t.mem.memory.encode({ content: `${PLANNING} sharp`, category: 'work' });
    expect(merged).toMatchObject({ id: first.id, status: 'merged' });
    expect(await store.getState().history(first.id)).toEqual({
      ok: true,
      facts: [expect.objectContaining({ content: PLANNING })],
    });
    expect(await store.getState().history(fact.id)).toEqual({ ok: true, facts: [] });
    expect(await store.getState().history(999_999)).toEqual({
      ok: false,
      message: expect.stringMatching(/no fact/),
    });
  });
});
