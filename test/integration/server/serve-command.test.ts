import Database from 'better-sqlite3';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/main';
import { serve, type ServeOutput } from '../../../src/cli/serve-command';
import { BIN, Capture, ROOT, runCli, sandbox, type Sandbox } from '../cli/cli-harness';
import { collectResponse, rawRequest, type RawResponse } from './server-harness';

let box: Sandbox;
beforeEach(() => {
  box = sandbox('lexical');
});
afterEach(() => box.cleanup());

interface Served {
  child: ChildProcessWithoutNullStreams;
  out: ServeOutput;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `node bin/hippo.mjs serve --json --port 0` as a real child; resolves once its JSON line is out. */
function startServe(args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--json', '--port', '0', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...box.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('\n'))
        resolve({
          child,
          out: JSON.parse(stdout.split('\n')[0]!) as ServeOutput,
          stdout: () => stdout,
          stderr: () => stderr,
          exited,
        });
    });
    void exited.then((code) =>
      reject(new Error(`hippo serve exited ${code} before it was ready: ${stderr}`)),
    );
  });
}

const hostOf = (url: string) => new URL(url).host;

describe('hippo serve (built binary)', () => {
  it('prints one JSON line, answers /health and the API with the token file, and exits 0 on SIGTERM', async () => {
    const s = await startServe();
    try {
      expect(s.out).toEqual({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        token_file: path.join(box.env.HIPPO_HOME, 'api-token'),
        open_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43,}$/),
      });
      const port = Number(new URL(s.out.url).port);
      const host = hostOf(s.out.url);
      expect(statSync(s.out.token_file).mode & 0o777).toBe(0o600);
      expect(statSync(box.env.HIPPO_HOME).mode & 0o777).toBe(0o700);
      const token = readFileSync(s.out.token_file, 'utf8').trim();
      expect(s.out.open_url.endsWith(`?token=${token}`)).toBe(true);

      const health = await rawRequest(port, { path: '/health', headers: { host } });
      expect(health.status).toBe(200);
      expect(health.json()).toMatchObject({ db: { state: 'ok' } });

      const auth = { host, authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const enc = await rawRequest(port, {
        method: 'POST',
        path: '/api/v1/encode',
        headers: auth,
        body: JSON.stringify({ content: 'Served fact about herons' }),
      });
      expect(enc.status).toBe(200);
      expect(enc.json()).toMatchObject({ status: 'created', mode: 'hybrid' });
      expect((await rawRequest(port, { path: '/api/v1/stats', headers: { host } })).status).toBe(401);
      expect((await rawRequest(port, { path: '/metrics', headers: auth })).text).toContain(
        'hippo_requests_total',
      );

      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      expect(s.stdout().split('\n')).toEqual([JSON.stringify(s.out), '']);
      expect(s.stderr()).not.toContain(token);
      // The database was closed cleanly and holds the fact.
      const db = new Database(box.db, { readonly: true });
      expect(db.prepare('SELECT content FROM facts').all()).toEqual([
        { content: 'Served fact about herons' },
      ]);
      db.close();
    } finally {
      s.child.kill('SIGKILL');
    }
  });

  it('lets an in-flight request finish when SIGINT arrives, then exits 0', async () => {
    const s = await startServe();
    try {
      const port = Number(new URL(s.out.url).port);
      const host = hostOf(s.out.url);
      const token = readFileSync(s.out.token_file, 'utf8').trim();
      const body = JSON.stringify({ facts: [{ content: 'In-flight fact about kingfishers' }] });
      // Headers and half the body go out; the server is then mid-request when the signal lands.
      const response = new Promise<RawResponse>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/encode',
            setHost: false,
            agent: false,
            headers: {
              host,
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(body)),
            },
          },
          (res) => collectResponse(res, resolve, reject),
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        void sleep(300).then(() => {
          s.child.kill('SIGINT');
          return sleep(300).then(() => req.end(body.slice(10)));
        });
      });
      const r = await response;
      expect(r.status, r.text).toBe(200);
      expect(r.json()).toMatchObject({ results: [{ status: 'created' }] });
      expect(await s.exited).toBe(0);
      expect(s.stderr()).toContain('stopping');
    } finally {
      s.child.kill('SIGKILL');
    }
  });
});

describe('hippo serve (in-process)', () => {
  function io(): CliIo & { stdout: Capture; stderr: Capture } {
    return {
      stdin: Readable.from([]),
      stdout: new Capture(),
      stderr: new Capture(),
      env: box.env,
      isTTY: false,
    };
  }

  it('prints the URL, token file and UI state as text, and closes when stopped', async () => {
    const cli = io();
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = serve(cli, {}, { port: 0, ui: false }, () => ({ stopped, dispose: () => undefined }));
    for (let i = 0; i < 600 && !cli.stdout.text.includes('Ctrl-C'); i++) await sleep(50);
    expect(cli.stdout.text).toMatch(/^Hippo API on http:\/\/127\.0\.0\.1:\d+ \(database .+hippo\.db\)\n/);
    expect(cli.stdout.text).toContain(`Token file: ${path.join(box.env.HIPPO_HOME, 'api-token')}`);
    expect(cli.stdout.text).toContain('UI: not built');
    const url = /http:\/\/127\.0\.0\.1:(\d+)/.exec(cli.stdout.text)!;
    const health = await rawRequest(Number(url[1]), { path: '/health', headers: { host: url[0].slice(7) } });
    expect(health.status).toBe(200);
    stop();
    expect(await running).toBe(0);
  });

  it('fails with one clear line and exit 1 when the port is taken, and 2 for a bad port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const listeners = process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');
    try {
      const r = await runCli(['serve', '--port', String(port)], { env: box.env });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `hippo serve: INTERNAL: port ${port} on 127.0.0.1 is already in use; pick another with --port\n`,
      );
      // The failed start let go of its signal handlers.
      expect(process.listenerCount('SIGTERM') + process.listenerCount('SIGINT')).toBe(listeners);
    } finally {
      blocker.close();
    }
    const bad = await runCli(['serve', '--port', '70000'], { env: box.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hippo serve: BAD_INPUT: --port must be between 0 and 65535/);
  });
});
