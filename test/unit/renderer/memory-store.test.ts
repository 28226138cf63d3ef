import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HippoClient } from '../../../src/shared/ipc-contract';
import { createHttpClient } from '../../../src/renderer/src/api/http-client';
import { createMemoryStore } from '../../../src/renderer/src/store/memory-store';
import { highlightParts, relativeTime } from '../../../src/renderer/src/screens/format';
import { startTestServer, type TestServer } from '../../integration/server/server-harness';

const until = async (check: () => boolean, ms = 5_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** The screens' store over the real HTTP client, server and database. */
describe('the memory store', () => {
  let t: TestServer;
  let client: HippoClient;

  beforeAll(async () => {
    t = await startTestServer();
    const base = t.server.url;
    client = createHttpClient(t.server.token, (input, init) => fetch(`${base}${String(input)}`, init));
    await t.mem.memory.encode({ content: 'Priya lives in Toronto' });
    await t.mem.memory.encode({ content: 'The dentist appointment moved to Thursday' });
  });
  afterAll(async () => t.close());

  it('connects, searches after a pause, and keeps only the newest answer', async () => {
    const store = createMemoryStore(client, { delayMs: 20 });
    await store.getState().connect();
    expect(store.getState().stats?.facts).toBe(2);

    store.getState().setQuery('dentist');
    store.getState().setQuery('Priya Toronto');
    await until(() => store.getState().results !== null);
    // Give the superseded search (had it been sent) time to land.
    await new Promise((r) => setTimeout(r, 100));
    expect(store.getState().results?.[0]?.content).toBe('Priya lives in Toronto');
    expect(store.getState().query).toBe('Priya Toronto');

    store.getState().setQuery('  ');
    expect(store.getState().results).toBeNull();
  });

  it('drops an answer that arrives after a newer query was typed', async () => {
    let releaseSlow: () => void = () => undefined;
    const slowFirst: HippoClient = {
      ...client,
      'memory:recall': async (input) => {
        if (input.query === 'dentist') await new Promise<void>((r) => (releaseSlow = r));
        return client['memory:recall'](input);
      },
    };
    const store = createMemoryStore(slowFirst, { delayMs: 0 });
    await store.getState().connect();
    store.getState().setQuery('dentist');
    await new Promise((r) => setTimeout(r, 50));
    store.getState().setQuery('Toronto');
    await until(() => store.getState().results !== null);
    releaseSlow();
    await new Promise((r) => setTimeout(r, 100));
    expect(store.getState().results?.map((r) => r.content)).toEqual(['Priya lives in Toronto']);
  });

  it('moves the selection, forgets with an Undo toast, and Undo restores the fact', async () => {
    const store = createMemoryStore(client, { delayMs: 0, toastMs: 60_000 });
    await store.getState().connect();
    store.getState().setQuery('Priya Toronto dentist Thursday');
    await until(() => (store.getState().results?.length ?? 0) === 2);
    store.getState().move(1);
    store.getState().move(1);
    expect(store.getState().selected).toBe(1);
    store.getState().move(-5);
    expect(store.getState().selected).toBe(0);

    const id = store.getState().results![0]!.fact_id;
    await store.getState().forget(id);
    expect(store.getState().results?.map((r) => r.fact_id)).not.toContain(id);
    expect(store.getState().toast).toEqual({ message: 'Forgotten.', undoId: id });
    expect(store.getState().stats?.facts).toBe(1);
    const row = t.mem.memory.db.prepare('SELECT deleted_at FROM facts WHERE id = ?').get(id) as {
      deleted_at: unknown;
    };
    expect(row.deleted_at).not.toBeNull();

    await store.getState().undo();
    expect(store.getState().toast?.message).toBe('Restored.');
    expect(store.getState().stats?.facts).toBe(2);
    await until(() => store.getState().results?.some((r) => r.fact_id === id) ?? false);
    store.getState().dismissToast();
  });

  it('previews similar facts while typing a capture and stores it on capture', async () => {
    const store = createMemoryStore(client, { delayMs: 0 });
    await store.getState().connect();
    store.getState().setDraft('Priya lives in Toronto, Canada');
    await until(() => store.getState().similar.length > 0);
    expect(store.getState().similar[0]?.content).toBe('Priya lives in Toronto');

    store.getState().setDraft('Sam prefers tea over coffee');
    await store.getState().capture();
    expect(store.getState()).toMatchObject({ draft: '', similar: [], captureNote: 'Remembered.' });
    expect(store.getState().stats?.facts).toBe(3);

    store.getState().setDraft('');
    await store.getState().capture();
    expect(store.getState().stats?.facts).toBe(3);
  });
});

describe('result formatting', () => {
  it('marks the query words in a result, whatever their case', () => {
    expect(highlightParts('Priya lives in Toronto', 'toronto PRIYA x')).toEqual([
      { text: 'Priya', match: true },
      { text: ' lives in ', match: false },
      { text: 'Toronto', match: true },
    ]);
    expect(highlightParts('a+b (c)', '(+')).toEqual([{ text: 'a+b (c)', match: false }]);
  });

  it('says how long ago a fact was captured', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(relativeTime('2026-01-10T11:59:30Z', now, 'en')).toBe('just now');
    expect(relativeTime('2026-01-10T09:00:00Z', now, 'en')).toBe('3 hours ago');
    expect(relativeTime('2026-01-07T12:00:00Z', now, 'en')).toBe('3 days ago');
  });
});
