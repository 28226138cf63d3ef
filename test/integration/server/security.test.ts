import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateToken, tokenMatches } from '../../../src/main/server/api-token';
import { toHttpError } from '../../../src/main/server/http-errors';
import { startServer } from '../../../src/main/server/start-server';
import { HippoError } from '../../../src/shared/errors';
import { makeTempDir } from '../../helpers/temp-dir';
import {
  api,
  collectResponse,
  rawRequest,
  startTestServer,
  type RawResponse,
  type TestServer,
} from './server-harness';

let t: TestServer;
let port: number;
let before: string;

beforeAll(async () => {
  t = await startTestServer();
  port = t.server.port;
  // Some data, so "unchanged" is checked against rows rather than an empty table.
  const seeded = await api(t, 'POST', '/api/v1/encode', {
    content: 'Seed fact about otters',
    label: 'animals',
  });
  expect(seeded.status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

/** Every rejected request must leave facts and labels exactly as they were. */
async function rejected(res: Promise<RawResponse>, status: number, code: string): Promise<RawResponse> {
  before = t.snapshot();
  const r = await res;
  expect(r.status, r.text).toBe(status);
  expect(r.json()).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(r.headers['access-control-allow-origin']).toBeUndefined();
  expect(t.snapshot()).toBe(before);
  return r;
}

const encodeBody = JSON.stringify({ content: 'Injected fact that must never be stored' });
const jsonHeaders = () => ({ host: t.host, ...t.auth, 'content-type': 'application/json' });

describe('token', () => {
  it('is required on every /api and /metrics route: none or wrong gets 401', async () => {
    const routes: [string, string][] = [
      ['POST', '/api/v1/encode'],
      ['POST', '/api/v1/recall'],
      ['GET', '/api/v1/facts'],
      ['GET', '/api/v1/facts/1'],
      ['PATCH', '/api/v1/facts/1'],
      ['DELETE', '/api/v1/facts/1'],
      ['POST', '/api/v1/facts/1/restore'],
      ['GET', '/api/v1/labels'],
      ['GET', '/api/v1/stats'],
      ['GET', '/api/v1/openapi.json'],
      ['GET', '/metrics'],
      ['GET', '/api/v1/unknown-route'],
      ['GET', '/%61pi/v1/stats'],
    ];
    const wrong: Record<string, string>[] = [
      {},
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${t.server.token.slice(0, -1)}` },
      { authorization: `Bearer ${t.server.token}x` },
      { authorization: `Basic ${Buffer.from(`hippo:${t.server.token}`).toString('base64')}` },
      { authorization: t.server.token },
    ];
    for (const [method, route] of routes) {
      for (const auth of wrong) {
        const body = method === 'POST' || method === 'PATCH' ? encodeBody : undefined;
        const r = await rejected(
          rawRequest(port, {
            method,
            path: route,
            headers: { host: t.host, 'content-type': 'application/json', ...auth },
            body,
          }),
          401,
          'UNAUTHORIZED',
        );
        expect(r.headers['www-authenticate']).toBe('Bearer');
      }
    }
    // The token in the query string (as in open_url) is for the page to read, not an API credential.
    await rejected(
      rawRequest(port, { path: `/api/v1/stats?token=${t.server.token}`, headers: { host: t.host } }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('is accepted case-insensitively as a Bearer scheme', async () => {
    const r = await rawRequest(port, {
      path: '/api/v1/stats',
      headers: { host: t.host, authorization: `bearer ${t.server.token}` },
    });
    expect(r.status).toBe(200);
  });

  it('compares in constant time over equal-length digests', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches('a'.repeat(10_000), 'abc')).toBe(false);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('accepts exactly 127.0.0.1:PORT, localhost:PORT and [::1]:PORT', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const r = await rawRequest(port, { path: '/api/v1/stats', headers: { host, ...t.auth } });
      expect(r.status, host).toBe(200);
    }
  });

  it('answers 403 to a dozen hostile Host values, before the token is even looked at', async () => {
    const hostile: (string | undefined)[] = [
      'evil.com',
      `evil.com:${port}`,
      `127.0.0.1.evil.com:${port}`,
      `localhost:${port + 1}`,
      `0.0.0.0:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      '',
      undefined,
      '127.0.0.1',
      'localhost',
      `LOCALHOST.evil:${port}`,
      `attacker.localhost:${port}`,
      `192.168.1.1:${port}`,
      `localhost:${port}@evil`,
      `127.0.0.1:${port}.evil.com`,
      `127.1:${port}`,
      `2130706433:${port}`,
    ];
    for (const host of hostile) {
      const headers: Record<string, string> = { ...t.auth, 'content-type': 'application/json' };
      if (host !== undefined) headers.host = host;
      for (const [method, route, body] of [
        ['GET', '/health', undefined],
        ['GET', '/api/v1/facts', undefined],
        ['POST', '/api/v1/encode', encodeBody],
        ['GET', '/metrics', undefined],
      ] as const) {
        const r = await rejected(rawRequest(port, { method, path: route, headers, body }), 403, 'FORBIDDEN');
        expect(r.text, `${String(host)} ${route}`).not.toContain('otters');
      }
    }
  });
});

describe('Origin header (cross-site requests)', () => {
  it('lets same-origin pages and clients without Origin through', async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      const r = await api(t, 'GET', '/api/v1/stats', undefined, { origin });
      expect(r.status, origin).toBe(200);
    }
  });

  it('answers 403 to any foreign Origin, preflights included, and never allows CORS', async () => {
    for (const origin of [
      'https://evil.com',
      'http://evil.com',
      'null',
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      `http://localhost.evil.com:${port}`,
      `http://127.0.0.1:${port}.evil.com`,
      'file://',
    ]) {
      await rejected(
        rawRequest(port, {
          method: 'POST',
          path: '/api/v1/encode',
          headers: { ...jsonHeaders(), origin },
          body: encodeBody,
        }),
        403,
        'FORBIDDEN',
      );
      const preflight = await rejected(
        rawRequest(port, {
          method: 'OPTIONS',
          path: '/api/v1/encode',
          headers: { host: t.host, origin, 'access-control-request-method': 'POST' },
        }),
        403,
        'FORBIDDEN',
      );
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    }
  });
});

describe('request bodies', () => {
  it('refuses anything but application/json with 415, so HTML forms cannot post', async () => {
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonx',
      'text/json',
    ]) {
      await rejected(
        rawRequest(port, {
          method: 'POST',
          path: '/api/v1/encode',
          headers: { host: t.host, ...t.auth, 'content-type': type },
          body: type.startsWith('application/x-www') ? 'content=Injected' : encodeBody,
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    }
    // A body without any Content-Type is refused the same way.
    await rejected(
      rawRequest(port, {
        method: 'POST',
        path: '/api/v1/encode',
        headers: { host: t.host, ...t.auth },
        body: encodeBody,
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('accepts application/json with a charset', async () => {
    const r = await rawRequest(port, {
      method: 'POST',
      path: '/api/v1/recall',
      headers: { ...jsonHeaders(), 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ query: 'otters' }),
    });
    expect(r.status).toBe(200);
  });

  it('answers 413 to a 10 MB body before parsing it, and the next request on the connection is served', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await rejected(
        rawRequest(port, {
          method: 'POST',
          path: '/api/v1/encode',
          headers: jsonHeaders(),
          body: Buffer.from(JSON.stringify({ content: 'x'.repeat(10 * 1024 * 1024) })),
          agent,
        }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      // Chunked (no Content-Length): cut off while streaming.
      await rejected(
        new Promise<RawResponse>((resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/api/v1/encode',
              setHost: false,
              headers: jsonHeaders(),
            },
            (res) => collectResponse(res, resolve, reject),
          );
          req.on('error', reject);
          const chunk = Buffer.alloc(256 * 1024, 0x61);
          let sent = 0;
          const pump = (): void => {
            while (sent < 40 && !req.destroyed) {
              sent++;
              if (!req.write(chunk)) return void req.once('drain', pump);
            }
            req.end();
          };
          pump();
        }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      const next = await rawRequest(port, {
        path: '/api/v1/stats',
        headers: { host: t.host, ...t.auth },
        agent,
      });
      expect(next.status).toBe(200);
      const after = await api(t, 'POST', '/api/v1/recall', { query: 'otters' });
      expect(after.status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('answers 400 BAD_INPUT to malformed JSON and stores nothing', async () => {
    for (const body of [
      '{"content":',
      '{content: "x"}',
      "{'content':'x'}",
      '[1,2',
      'undefined',
      '{"content":"x"}}',
    ]) {
      await rejected(
        rawRequest(port, { method: 'POST', path: '/api/v1/encode', headers: jsonHeaders(), body }),
        400,
        'BAD_INPUT',
      );
    }
    const proto = await rejected(
      rawRequest(port, {
        method: 'POST',
        path: '/api/v1/encode',
        headers: jsonHeaders(),
        body: '{"content":"x","__proto__":{"admin":true}}',
      }),
      400,
      'BAD_INPUT',
    );
    expect(proto.json<{ error: { message: string } }>().error.message).toMatch(/__proto__/);
  });

  it('stores nothing from a batch with one bad item (400) or a fact id that does not exist (404)', async () => {
    await rejected(
      api(t, 'POST', '/api/v1/encode', { facts: [{ content: 'fine fact' }, { content: '' }] }),
      400,
      'BAD_INPUT',
    );
    await rejected(api(t, 'PATCH', '/api/v1/facts/424242', { content: 'nope' }), 404, 'NOT_FOUND');
    await rejected(api(t, 'DELETE', '/api/v1/facts/424242'), 404, 'NOT_FOUND');
    await rejected(api(t, 'POST', '/api/v1/facts/424242/restore'), 404, 'NOT_FOUND');
    await rejected(api(t, 'POST', '/api/v1/encode?space=../etc', { content: 'x' }), 400, 'BAD_INPUT');
  });
});

describe('status mapping', () => {
  it('maps engine errors: MODEL_* to 503, others to 500; never a stack', () => {
    expect(toHttpError(new HippoError('MODEL_FAILED', 'worker died'), 1).status).toBe(503);
    expect(toHttpError(new HippoError('MODEL_MISSING', 'no model'), 1).status).toBe(503);
    expect(toHttpError(new HippoError('DB_ERROR', 'disk full'), 1)).toEqual({
      status: 500,
      body: { error: { code: 'DB_ERROR', message: 'disk full' } },
    });
    expect(toHttpError(new Error('boom'), 1)).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'boom' } },
    });
  });
});

describe('token file', () => {
  const tmp = makeTempDir('hippo-token-');
  afterAll(() => tmp.cleanup());
  afterEach(() => undefined);

  it('is created 0600 in a 0700 folder and holds 32+ random bytes', () => {
    const st = statSync(t.server.tokenFile);
    expect(st.mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(t.server.tokenFile)).mode & 0o777).toBe(0o700);
    const token = readFileSync(t.server.tokenFile, 'utf8').trim();
    expect(token).toBe(t.server.token);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  it('is reused across starts, and looser folder and file modes are tightened', () => {
    const dir = path.join(tmp.dir, 'loose');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const file = path.join(dir, 'api-token');
    const first = loadOrCreateToken(file);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o777);
    chmodSync(file, 0o644);
    expect(loadOrCreateToken(file)).toBe(first);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(path.join(tmp.dir, 'other', 'api-token'))).not.toBe(first);
  });

  it('replaces a file that holds no token', () => {
    const file = path.join(tmp.dir, 'empty-token');
    writeFileSync(file, '\n', { mode: 0o600 });
    const token = loadOrCreateToken(file);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
  });
});

describe('listening', () => {
  it('binds 127.0.0.1 only and reports a port already in use clearly', async () => {
    const { address } = t.server.url.match(/^http:\/\/(?<address>[^:]+):/)!.groups!;
    expect(address).toBe('127.0.0.1');
    await expect(
      startServer({
        memory: t.mem.memory,
        embedder: null,
        metrics: { observeRequest: () => undefined, render: async () => '', contentType: 'text/plain' },
        port,
        tokenFile: path.join(makeTempDir('hippo-port-').dir, 'api-token'),
      }),
    ).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
  });
});
