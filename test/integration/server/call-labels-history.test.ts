import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './server-harness';

/** labels:history over `hippo serve`'s POST /api/v1/call/:channel, against the real server and database. */
describe('POST /api/v1/call/labels:history', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it("answers a label's earlier names; an unknown label is 404, a bad payload 400", async () => {
    await api(t, 'POST', '/api/v1/call/memory:encode', { content: 'Book the dentist', label: 'health' });
    const list = await api(t, 'POST', '/api/v1/call/labels:list', {});
    const id = list.json<{ value: { labels: Array<{ id: number }> } }>().value.labels[0]!.id;
    await api(t, 'POST', '/api/v1/call/labels:rename', { id, name: 'appointments' });
    const res = await api(t, 'POST', '/api/v1/call/labels:history', { id });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      ok: true,
      value: { versions: [{ name: 'health', reason: 'renamed', kind: 'topic' }] },
    });
    const missing = await api(t, 'POST', '/api/v1/call/labels:history', { id: 4242 });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const bad = await api(t, 'POST', '/api/v1/call/labels:history', { id: 'health' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'BAD_INPUT' } });
  });
});
