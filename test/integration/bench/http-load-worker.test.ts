import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoadWorker, type LoadWorker } from '../../../bench/lib/http-bench';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback stand-in for the API: records what arrives, answers 200 (or 401 for a wrong token). */
async function recordingServer(): Promise<{
  url: string;
  host: string;
  bodies: unknown[];
  headers: http.IncomingHttpHeaders[];
}> {
  const bodies: unknown[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      headers.push(req.headers);
      const ok = req.headers.authorization === 'Bearer secret-token' && req.url === '/api/v1/recall';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { mode: 'hybrid', results: [] } : { error: { code: 'UNAUTHORIZED' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, bodies, headers };
}

async function worker(target: Parameters<typeof startLoadWorker>[0]): Promise<LoadWorker> {
  const w = await startLoadWorker(target);
  cleanups.push(() => w.close());
  return w;
}

// Counts and shapes only: how many requests a second fit on a shared machine is not asserted.
describe('the HTTP bench load generator (forked autocannon)', () => {
  it(
    'posts recall bodies with the token and Host, a new query per request, and times the 2xx',
    { timeout: 60_000 },
    async () => {
      const srv = await recordingServer();
      const queries = Array.from({ length: 100_000 }, (_, i) => `query number ${i}`);
      const w = await worker({ url: srv.url, host: srv.host, token: 'secret-token', limit: 7, queries });

      const r = await w.run(2, 1);
      expect(r.connections).toBe(2);
      expect(r.ok).toBeGreaterThan(0);
      expect(r.non2xx).toBe(0);
      expect(r.latency?.n).toBe(r.ok);
      expect(r.queriesReused).toBe(0);
      expect(srv.bodies.length).toBeGreaterThanOrEqual(r.ok);
      const sent = srv.bodies as Array<{ query: string; limit: number }>;
      expect(new Set(sent.map((b) => b.query)).size).toBe(sent.length);
      expect(sent.every((b) => b.limit === 7 && /^query number \d+$/.test(b.query))).toBe(true);
      expect(srv.headers[0]).toMatchObject({
        host: srv.host,
        authorization: 'Bearer secret-token',
        'content-type': 'application/json',
      });

      // A second phase goes on with the queries the first did not use.
      const before = sent.length;
      await w.run(1, 1);
      const later = sent.slice(before).map((b) => b.query);
      expect(later.some((q) => sent.slice(0, before).some((b) => b.query === q))).toBe(false);
    },
  );

  it(
    'counts non-2xx responses apart, and reports reused queries when the pool runs out',
    { timeout: 60_000 },
    async () => {
      const srv = await recordingServer();
      const w = await worker({
        url: srv.url,
        host: srv.host,
        token: 'wrong',
        limit: 10,
        queries: ['only', 'two'],
      });
      const r = await w.run(1, 1);
      expect(r.ok).toBe(0);
      expect(r.latency).toBeNull();
      expect(r.non2xx).toBeGreaterThan(0);
      expect(r.statusCodes['401']).toBe(r.non2xx);
      expect(r.queriesReused).toBeGreaterThan(0);
    },
  );
});
