import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact, Label, ListResult, Stats } from '../../../src/shared/contract';
import { api, rawRequest, startTestServer, type TestServer } from './server-harness';
import { MIGRATIONS } from '../../../src/main/memory/migrations';

interface Encoded {
  id: number;
  status: string;
  label: string | null;
  mode: string;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('HTTP API routes', () => {
  it('binds 127.0.0.1 on the port it reports, with a tokenized open_url', () => {
    expect(t.server.url).toBe(`http://127.0.0.1:${t.server.port}`);
    expect(t.server.port).toBeGreaterThan(0);
    expect(t.server.openUrl).toBe(`${t.server.url}/?token=${t.server.token}`);
    expect(t.server.token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it('encodes one fact and a batch, then recalls them', async () => {
    const one = await api(t, 'POST', '/api/v1/encode', {
      content: 'Our cat Miso likes tuna',
      category: 'pets',
    });
    expect(one.status).toBe(200);
    expect(one.json<Encoded>()).toMatchObject({ status: 'created', mode: 'hybrid' });

    const batch = await api(t, 'POST', '/api/v1/encode', {
      facts: [
        { content: 'The car needs new tyres before winter', label: 'car' },
        { content: 'Dentist appointment on Tuesday at nine' },
      ],
    });
    expect(batch.status).toBe(200);
    const b = batch.json<{ mode: string; results: Encoded[] }>();
    expect(b.results.map((r) => r.status)).toEqual(['created', 'created']);

    const recall = await api(t, 'POST', '/api/v1/recall', { query: 'car tyres winter', limit: 2 });
    expect(recall.status).toBe(200);
    const r = recall.json<{ mode: string; results: { fact_id: number; content: string }[] }>();
    expect(r.mode).toBe('hybrid');
    expect(r.results[0]).toMatchObject({ fact_id: b.results[0]!.id });
    expect(r.results.length).toBeLessThanOrEqual(2);

    const filtered = await api(t, 'POST', '/api/v1/recall', { query: 'cat tuna', category: 'pets' });
    expect(filtered.json<{ results: { fact_id: number }[] }>().results.map((x) => x.fact_id)).toEqual([
      one.json<Encoded>().id,
    ]);
  });

  it('keeps spaces apart, by body field or ?space=', async () => {
    const a = await api(t, 'POST', '/api/v1/encode', {
      content: 'Agent note about lighthouses',
      space: 'agent-a',
    });
    expect(a.status).toBe(200);
    const b = await api(t, 'POST', '/api/v1/encode?space=agent-b', { content: 'Agent note about volcanoes' });
    expect(b.status).toBe(200);
    const batch = await api(t, 'POST', '/api/v1/encode?space=agent-b', {
      facts: [{ content: 'Another volcano fact for agent b' }],
    });
    expect(batch.status).toBe(200);

    const inA = await api(t, 'POST', '/api/v1/recall', { query: 'agent note', space: 'agent-a' });
    expect(inA.json<{ results: { content: string }[] }>().results.map((x) => x.content)).toEqual([
      'Agent note about lighthouses',
    ]);
    const inB = await api(t, 'GET', '/api/v1/facts?space=agent-b');
    expect(inB.json<ListResult>().total).toBe(2);
    const personal = await api(t, 'POST', '/api/v1/recall', { query: 'agent note' });
    expect(personal.json<{ results: unknown[] }>().results).toEqual([]);
    const stats = await api(t, 'GET', '/api/v1/stats?space=agent-a');
    expect(stats.json<Stats>()).toMatchObject({ space: 'agent-a', facts: 1 });
    const factInA = await api(t, 'GET', `/api/v1/facts/${a.json<Encoded>().id}`);
    expect(factInA.status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/facts/${a.json<Encoded>().id}?space=agent-a`)).status).toBe(200);
  });

  it('lists facts with numbers coerced from the query string', async () => {
    const page = await api(t, 'GET', '/api/v1/facts?limit=1&offset=1&minConfidence=0.5');
    expect(page.status).toBe(200);
    const p = page.json<ListResult>();
    expect(p).toMatchObject({ limit: 1, offset: 1, total: 3 });
    expect(p.facts).toHaveLength(1);
    const since = await api(t, 'GET', `/api/v1/facts?since=${Date.now() + 60_000}`);
    expect(since.json<ListResult>().total).toBe(0);
    const iso = await api(t, 'GET', '/api/v1/facts?since=2000-01-01&category=pets');
    expect(iso.json<ListResult>().total).toBe(1);
    const bad = await api(t, 'GET', '/api/v1/facts?limit=lots');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'BAD_INPUT' } });
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/^limit: /);
    const unknown = await api(t, 'GET', '/api/v1/facts?colour=red');
    expect(unknown.status).toBe(400);
  });

  it('gets, patches, forgets and restores one fact', async () => {
    const created = (
      await api(t, 'POST', '/api/v1/encode', { content: 'Passport expires in March' })
    ).json<Encoded>();
    const url = `/api/v1/facts/${created.id}`;
    const got = await api(t, 'GET', url);
    expect(got.status).toBe(200);
    expect(got.json<Fact>()).toMatchObject({
      id: created.id,
      content: 'Passport expires in March',
      deleted_at: null,
    });

    const patched = await api(t, 'PATCH', url, { confidence: 0.5, label: 'documents' });
    expect(patched.status).toBe(200);
    expect(patched.json<Fact>()).toMatchObject({ confidence: 0.5, label: 'documents' });

    const forgotten = await api(t, 'DELETE', url);
    expect(forgotten.status).toBe(200);
    expect(forgotten.json<Fact>().deleted_at).not.toBeNull();
    const recall = await api(t, 'POST', '/api/v1/recall', { query: 'passport expires' });
    expect(recall.json<{ results: unknown[] }>().results).toEqual([]);

    const restored = await api(t, 'POST', `${url}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json<Fact>().deleted_at).toBeNull();

    expect((await api(t, 'GET', '/api/v1/facts/999999')).json()).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    const badId = await api(t, 'GET', '/api/v1/facts/abc');
    expect(badId.status).toBe(400);
    expect(badId.json()).toMatchObject({ error: { code: 'BAD_INPUT' } });
    const emptyPatch = await api(t, 'PATCH', url, {});
    expect(emptyPatch.status).toBe(400);
  });

  it('lists labels and stats', async () => {
    const labels = await api(t, 'GET', '/api/v1/labels');
    expect(labels.status).toBe(200);
    expect(labels.json<{ labels: Label[] }>().labels.map((l) => l.name)).toEqual(
      expect.arrayContaining(['car', 'documents']),
    );
    const stats = await api(t, 'GET', '/api/v1/stats');
    expect(stats.status).toBe(200);
    expect(stats.json<Stats>()).toMatchObject({ space: 'personal', mode: 'hybrid', facts: 4 });
  });

  it('rejects bad input with 400 naming the field, and batches over 1,000 facts', async () => {
    const r = await api(t, 'POST', '/api/v1/encode', { content: 'x', confidence: 7 });
    expect(r.status).toBe(400);
    expect(r.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^confidence: /),
    });
    const big = await api(t, 'POST', '/api/v1/encode', {
      facts: Array.from({ length: 1001 }, (_, i) => ({ content: `fact ${i}` })),
    });
    expect(big.status).toBe(400);
    expect(big.json<{ error: { message: string } }>().error.message).toMatch(/at most 1000/);
    const missing = await api(t, 'POST', '/api/v1/recall');
    expect(missing.status).toBe(400);
    const nonObject = await api(t, 'POST', '/api/v1/recall', ['cat']);
    expect(nonObject.status).toBe(400);
  });

  it('serves an OpenAPI 3.1 document generated from the contract', async () => {
    const r = await api(t, 'GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    interface Operation {
      requestBody: { content: Record<string, { schema: Record<string, unknown> & { properties: object } }> };
      parameters: { name: string; in: string }[];
      security?: unknown[];
    }
    const doc = r.json<{
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      servers: { url: string }[];
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]!.url).toBe(t.server.url);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/encode',
        '/api/v1/recall',
        '/api/v1/facts',
        '/api/v1/facts/{id}',
        '/api/v1/facts/{id}/restore',
        '/api/v1/facts/{id}/history',
        '/api/v1/facts/{id}/unsupersede',
        '/api/v1/supersede',
        '/api/v1/labels',
        '/api/v1/stats',
        '/health',
        '/metrics',
      ]),
    );
    expect(Object.keys(doc.paths['/api/v1/facts/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    const recallBody = doc.paths['/api/v1/recall']!.post!.requestBody.content['application/json']!.schema;
    expect(recallBody.required).toEqual(['query']);
    expect(recallBody.properties).toHaveProperty('limit');
    expect((recallBody.properties as Record<string, unknown>).limit).toMatchObject({
      type: 'integer',
      maximum: 100,
    });
    expect(recallBody.additionalProperties).toBe(false);
    const listParams = doc.paths['/api/v1/facts']!.get!.parameters;
    expect(listParams.map((p) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'offset', 'minConfidence']),
    );
    expect(doc.paths['/health']!.get!.security).toEqual([]);
  });

  it('answers /health without a token, with states only', async () => {
    const r = await rawRequest(t.server.port, { path: '/health', headers: { host: t.host } });
    expect(r.status).toBe(200);
    const h = r.json<Record<string, unknown>>();
    expect(h).toMatchObject({
      status: 'ok',
      mode: 'hybrid',
      model: { state: 'ready' },
      db: { state: 'ok', schema_version: MIGRATIONS.at(-1)!.version },
    });
    expect(r.text).not.toContain(t.mem.dir);
    expect(r.text).not.toContain(t.server.token);
  });

  it('serves Prometheus metrics with route patterns as endpoints', async () => {
    await api(t, 'GET', '/api/v1/facts/1');
    const r = await api(t, 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/hippo_requests_total\{endpoint="\/api\/v1\/facts\/:id",status="200"\} \d+/);
    expect(r.text).toMatch(/hippo_requests_total\{endpoint="\/api\/v1\/recall",status="200"\}/);
    expect(r.text).not.toMatch(/endpoint="\/api\/v1\/facts\/1"/);
    expect(r.text).toContain('hippo_request_latency_seconds_bucket');
  });

  it('marks API answers no-store and nosniff, and never sends Access-Control-Allow-Origin', async () => {
    const r = await api(t, 'GET', '/api/v1/stats', undefined, { origin: t.server.url });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('HTTP API serving the renderer', () => {
  let ui: TestServer;
  beforeAll(async () => {
    const { makeTempDir } = await import('../../helpers/temp-dir');
    const dir = makeTempDir('hippo-ui-').dir;
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Hippo</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    ui = await startTestServer({ rendererDir: dir });
  });
  afterAll(async () => {
    await ui.close();
  });

  it('serves index.html at / (the open_url) and assets without a token, the API still with one', async () => {
    const page = await rawRequest(ui.server.port, {
      path: `/?token=${ui.server.token}`,
      headers: { host: ui.host },
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Hippo</title>');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const asset = await rawRequest(ui.server.port, { path: '/assets/app.js', headers: { host: ui.host } });
    expect(asset.status).toBe(200);
    const noToken = await rawRequest(ui.server.port, { path: '/api/v1/stats', headers: { host: ui.host } });
    expect(noToken.status).toBe(401);
    const missing = await rawRequest(ui.server.port, { path: '/nope.js', headers: { host: ui.host } });
    expect(missing.status).toBe(404);
    const rebound = await rawRequest(ui.server.port, { path: '/', headers: { host: 'evil.com' } });
    expect(rebound.status).toBe(403);
  });
});
