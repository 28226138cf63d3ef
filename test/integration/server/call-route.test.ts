import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, rawRequest, startTestServer, type TestServer } from './server-harness';

/** POST /api/v1/call/:channel: the desktop app's IPC contract over the real HTTP server. */
describe('POST /api/v1/call/:channel', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it("answers a channel with the app service's { ok, value }", async () => {
    const encoded = await api(t, 'POST', '/api/v1/call/memory:encode', { content: 'Priya lives in Toronto' });
    expect(encoded.status).toBe(200);
    expect(encoded.json()).toMatchObject({
      ok: true,
      value: { id: 1, status: 'created', mode: 'hybrid' },
    });

    const recalled = await api(t, 'POST', '/api/v1/call/memory:recall', { query: 'where does Priya live' });
    expect(recalled.json<{ value: { results: { content: string }[] } }>().value.results[0]?.content).toBe(
      'Priya lives in Toronto',
    );

    const info = await api(t, 'POST', '/api/v1/call/app:info', {});
    expect(info.json()).toMatchObject({ ok: true, value: { shell: 'browser', api_url: t.server.url } });
    // No body at all is an empty request, as a call from the preload with no argument is.
    const stats = await api(t, 'POST', '/api/v1/call/stats:get');
    expect(stats.json()).toMatchObject({ ok: true, value: { facts: 1 } });
  });

  it('refuses bad input with 400 and leaves the database as it was', async () => {
    const before = t.snapshot();
    const res = await api(t, 'POST', '/api/v1/call/memory:encode', { content: '' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'BAD_INPUT' } });
    const extra = await api(t, 'POST', '/api/v1/call/facts:forget', { id: 1, surprise: true });
    expect(extra.status).toBe(400);
    expect(t.snapshot()).toBe(before);
  });

  it('answers 404 for a fact that does not exist', async () => {
    const res = await api(t, 'POST', '/api/v1/call/facts:get', { id: 999_999 });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('needs the token', async () => {
    const before = t.snapshot();
    const res = await rawRequest(t.server.port, {
      method: 'POST',
      path: '/api/v1/call/memory:encode',
      headers: { host: t.host, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'sneaky' }),
    });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(t.snapshot()).toBe(before);
  });

  it('answers 404 NOT_FOUND for a channel that does not exist', async () => {
    for (const name of ['memory:explode', 'not-a-channel']) {
      const res = await api(t, 'POST', `/api/v1/call/${name}`, {});
      expect(res.status, name).toBe(name === 'not-a-channel' ? 400 : 404);
      if (res.status === 404) expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await api(t, 'GET', '/api/v1/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(doc.paths['/api/v1/call/{channel}']).toHaveProperty('post');
  });
});
