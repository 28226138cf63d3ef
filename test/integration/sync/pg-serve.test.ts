import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/main';
import { serve } from '../../../src/cli/serve-command';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import type { Fact, Label, ListResult, SearchResult, Stats } from '../../../src/shared/contract';
import { Capture, sandbox, type Sandbox } from '../cli/cli-harness';
import { rawRequest, type RawResponse } from '../server/server-harness';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

let box: Sandbox;
let server: PgTestServer;

beforeAll(async () => {
  box = sandbox('lexical');
  server = await startPgServer();
});
afterAll(async () => {
  await server?.close();
  box?.cleanup();
});

describe('hippo serve --store postgres', () => {
  it('serves the /api/v1 routes, /health and /metrics from Postgres; the app channels answer 501', async () => {
    const cli: CliIo & { stdout: Capture; stderr: Capture } = {
      stdin: Readable.from([]),
      stdout: new Capture(),
      stderr: new Capture(),
      env: box.env,
      isTTY: false,
    };
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = serve(
      cli,
      { space: 'web' },
      { port: 0, ui: true, store: 'postgres', pg: server.url },
      () => ({
        stopped,
        dispose: () => undefined,
      }),
    );
    try {
      for (let i = 0; i < 600 && !cli.stdout.text.includes('Ctrl-C'); i++) await sleep(50);
      expect(cli.stdout.text).toMatch(
        /^Hippo API on http:\/\/127\.0\.0\.1:\d+ \(Postgres postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\)\n/,
      );
      expect(cli.stdout.text).toContain('UI: not served with --store postgres (it needs the SQLite file)');
      const m = /http:\/\/(127\.0\.0\.1:(\d+))/.exec(cli.stdout.text)!;
      const port = Number(m[2]);
      const token = readFileSync(path.join(box.env.HIPPO_HOME, 'api-token'), 'utf8').trim();
      const call = (method: string, url: string, body?: unknown): Promise<RawResponse> =>
        rawRequest(port, {
          method,
          path: url,
          headers: {
            host: m[1]!,
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });

      const enc = await call('POST', '/api/v1/encode', {
        content: 'The router password is on the fridge',
        label: 'Home',
      });
      expect(enc.status, enc.text).toBe(200);
      const { id } = enc.json<{ id: number; status: string }>();
      expect(enc.json()).toMatchObject({ status: 'created', label: 'Home', mode: 'hybrid' });
      const batch = await call('POST', '/api/v1/encode', {
        facts: [{ content: 'The boiler is serviced in May' }],
      });
      expect(batch.status, batch.text).toBe(200);

      const rec = await call('POST', '/api/v1/recall', { query: 'router password' });
      expect(rec.json<{ results: SearchResult[] }>().results[0]).toMatchObject({
        fact_id: id,
        label_name: 'Home',
      });
      expect((await call('GET', '/api/v1/facts')).json<ListResult>().total).toBe(2);
      expect((await call('GET', `/api/v1/facts/${id}`)).json<Fact>()).toMatchObject({ id, space: 'web' });
      const edited = await call('PATCH', `/api/v1/facts/${id}`, { category: 'home' });
      expect(edited.status, edited.text).toBe(200);
      expect(edited.json<Fact>().category).toBe('home');
      const badPatch = await call('PATCH', `/api/v1/facts/${id}`, { colour: 'red' });
      expect(badPatch.status).toBe(400);
      expect(badPatch.json()).toMatchObject({ error: { code: 'BAD_INPUT' } });
      expect((await call('DELETE', `/api/v1/facts/${id}`)).json<Fact>().deleted_at).not.toBeNull();
      expect((await call('POST', `/api/v1/facts/${id}/restore`)).json<Fact>().deleted_at).toBeNull();
      const missing = await call('GET', '/api/v1/facts/999999');
      expect(missing.status).toBe(404);
      expect(missing.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'no fact with id 999999 in space "web"' },
      });
      expect((await call('GET', '/api/v1/labels')).json<{ labels: Label[] }>().labels).toMatchObject([
        { name: 'Home', fact_count: 1 },
      ]);
      expect((await call('GET', '/api/v1/stats')).json<Stats>()).toMatchObject({ space: 'web', facts: 2 });

      const health = await call('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.json()).toMatchObject({
        status: 'ok',
        db: { state: 'ok', schema_version: expect.any(Number) },
        sync: { state: 'never', pending_changes: 0 },
      });
      const metrics = await call('GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/^hippo_facts_total 2$/m);
      expect(metrics.text).toMatch(/^hippo_labels_total 1$/m);
      // The database steps of the calls above, timed by the Postgres store as SQLite's Memory times its own.
      const timings = (type: string) =>
        Number(
          new RegExp(`^hippo_db_query_latency_seconds_count\\{query_type="${type}"\\} (\\d+)$`, 'm').exec(
            metrics.text,
          )?.[1] ?? 0,
        );
      expect(timings('knn')).toBe(1);
      expect(timings('fts')).toBe(1);
      expect(timings('encode_write')).toBe(2);
      expect(timings('encode_knn')).toBeGreaterThanOrEqual(1);
      expect(timings('list')).toBe(1);

      const channel = await call('POST', '/api/v1/call/facts:list', {});
      expect(channel.status).toBe(501);
      expect(channel.json()).toEqual({
        error: {
          code: 'NOT_SUPPORTED',
          message: expect.stringMatching(
            /^facts:list: the desktop app's channels work on the SQLite file .*this server runs on Postgres/,
          ),
        },
      });
      expect((await call('POST', '/api/v1/call/nope:nope', {})).status).toBe(404);
      // No UI page without the app's channels.
      expect((await call('GET', '/')).status).toBe(404);
    } finally {
      stop();
    }
    expect(await running).toBe(0);
    expect(existsSync(box.db)).toBe(false);

    const store = await PostgresStore.open({ url: server.url, embedder: null, space: 'web' });
    try {
      expect((await store.list()).facts.map((f) => [f.content, f.category])).toEqual([
        ['The boiler is serviced in May', 'general'],
        ['The router password is on the fridge', 'home'],
      ]);
    } finally {
      await store.close();
    }
  });
});
