import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CHANNEL_NAMES } from '../../../src/shared/hippo-api';
import { NOT_ANSWERING, NOT_AUTHORIZED } from '../../../src/renderer/src/api/messages';
import { createHttpClient } from '../../../src/renderer/src/api/http-client';
import { startTestServer, type TestServer } from './server-harness';

/** The browser's HippoClient against a real `hippo serve` server, database and model. */
describe("the renderer's HTTP HippoClient", () => {
  let t: TestServer;
  const at =
    (base: string): typeof fetch =>
    (input, init) =>
      fetch(`${base}${String(input)}`, init);

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('has every channel and round-trips capture, search, forget and restore', async () => {
    const hippo = createHttpClient(t.server.token, at(t.server.url));
    expect(Object.keys(hippo).sort()).toEqual([...IPC_CHANNEL_NAMES].sort());

    const encoded = await hippo['memory:encode']({ content: 'Priya lives in Toronto' });
    expect(encoded).toMatchObject({ ok: true, value: { status: 'created' } });
    const id = encoded.ok ? encoded.value.id : -1;

    const similar = await hippo['memory:similar']({ content: 'Priya lives in Toronto now' });
    expect(similar.ok && similar.value.results[0]?.fact_id).toBe(id);

    expect(await hippo['facts:forget']({ id })).toMatchObject({ ok: true, value: { id } });
    const afterForget = await hippo['memory:recall']({ query: 'Priya' });
    expect(afterForget.ok && afterForget.value.results).toEqual([]);
    expect(await hippo['facts:restore']({ id })).toMatchObject({ ok: true, value: { id, deleted_at: null } });
    expect(await hippo['stats:get']({})).toMatchObject({ ok: true, value: { facts: 1 } });
  });

  it('answers failures as { ok: false } with the server code, never by rejecting', async () => {
    const hippo = createHttpClient(t.server.token, at(t.server.url));
    expect(await hippo['memory:encode']({ content: '' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await hippo['facts:get']({ id: 424242 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    for (const token of [null, 'not-the-token']) {
      expect(await createHttpClient(token, at(t.server.url))['stats:get']({})).toEqual({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: NOT_AUTHORIZED },
      });
    }
    expect(await createHttpClient(t.server.token, at('http://127.0.0.1:9'))['stats:get']({})).toEqual({
      ok: false,
      error: { code: 'UNREACHABLE', message: NOT_ANSWERING },
    });
  });
});
