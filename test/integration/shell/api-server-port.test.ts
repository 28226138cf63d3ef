import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import { createNodeEmbedder } from '../../../src/main/embedder/embedder-client';
import { SETTINGS_FILE, SettingsStore } from '../../../src/main/settings-store';
import { ApiServerPort } from '../../../src/main/shell/api-server-port';
import { ALL_SETTING_KEYS, ShellSettings } from '../../../src/main/shell/settings-port';
import type { ApiStatus } from '../../../src/shared/ipc-contract';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';

/** A port nothing listens on right now (asked of the OS, then let go). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Another program holding a port on the loopback address. */
async function occupy(): Promise<{ port: number; close: () => Promise<void> }> {
  const other = net.createServer();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const { port } = other.address() as net.AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => other.close(() => resolve())) };
}

function call(url: string, channel: string, token: string, body: unknown = {}): Promise<Response> {
  return fetch(`${url}/api/v1/call/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('the API server run inside the app (ApiServerPort)', () => {
  let mem: ReturnType<typeof openLexicalMemory>;
  let api: ApiServerPort;
  let service: AppService;
  let tokenFile: string;
  let errors: string[];

  beforeEach(() => {
    const embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
    mem = openLexicalMemory({ embedder, backgroundEmbedding: true });
    tokenFile = join(mem.dir, 'home', 'api-token');
    errors = [];
    api = new ApiServerPort({
      memory: mem.memory,
      embedder,
      tokenFile,
      onError: (message) => void errors.push(message),
    });
    const settings = new ShellSettings({
      store: new SettingsStore(join(mem.dir, SETTINGS_FILE)),
      editable: ALL_SETTING_KEYS,
      api,
    });
    service = createAppService({
      memory: mem.memory,
      embedder: mem.embedder,
      appInfo: () => ({
        version: 'test',
        shell: 'electron',
        data_dir: mem.dir,
        hotkey_error: null,
        api_url: api.url,
      }),
      settings,
      api,
    });
  });

  afterEach(async () => {
    await api.close();
    await mem.close();
  });

  async function value<T>(channel: string, input: unknown = {}): Promise<T> {
    const result = await service.dispatch(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  }

  it('is off until enabled, then answers /health and token-carrying calls on the chosen port', async () => {
    expect(await value<ApiStatus>('api:status')).toEqual({
      running: false,
      url: null,
      token: null,
      token_file: tokenFile,
      error: null,
      manageable: true,
    });
    const port = await freePort();
    await value('settings:update', { patch: { api_enabled: true, api_port: port } });
    const status = await value<ApiStatus>('api:status');
    expect(status).toMatchObject({ running: true, url: `http://127.0.0.1:${port}`, error: null });
    expect(status.token).toBe(readFileSync(tokenFile, 'utf8').trim());
    expect((await value<{ api_url: string }>('app:info')).api_url).toBe(`http://127.0.0.1:${port}`);

    const health = await fetch(`${status.url}/health`);
    expect(health.status).toBe(200);
    await value('memory:encode', { content: 'the spare key is under the blue flowerpot' });
    const recall = await call(status.url!, 'memory:recall', status.token!, { query: 'spare key' });
    expect(recall.status).toBe(200);
    const body = (await recall.json()) as { value: { results: Array<{ content: string }> } };
    expect(body.value.results[0]?.content).toMatch(/blue flowerpot/);
    expect((await call(status.url!, 'stats:get', 'not-the-token')).status).toBe(401);
    // Asked through its own HTTP face, the server says it runs but cannot be managed from there.
    const remote = (await (await call(status.url!, 'api:status', status.token!)).json()) as {
      value: ApiStatus;
    };
    expect(remote.value).toMatchObject({ running: true, token: null, manageable: false });
  });

  it('regenerating the token refuses the old one at once and accepts the new one', async () => {
    await value('settings:update', { patch: { api_enabled: true, api_port: await freePort() } });
    const before = await value<ApiStatus>('api:status');
    const after = await value<ApiStatus>('api:regenerate');
    expect(after.token).not.toBe(before.token);
    expect(after.token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(after.token);
    if (process.platform !== 'win32') expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect((await call(after.url!, 'stats:get', before.token!)).status).toBe(401);
    expect((await call(after.url!, 'stats:get', after.token!)).status).toBe(200);
  });

  it('reports a port another program holds instead of crashing, and recovers on another port', async () => {
    await value('settings:update', { patch: { api_enabled: true, api_port: await freePort() } });
    const other = await occupy();
    try {
      const view = await value<{ settings: { api_port: number } }>('settings:update', {
        patch: { api_port: other.port },
      });
      expect(view.settings.api_port).toBe(other.port);
      const status = await value<ApiStatus>('api:status');
      expect(status).toMatchObject({ running: false, url: null, token: null });
      expect(status.error).toBe(
        `port ${other.port} is in use by another program; choose another port or stop that program`,
      );
      expect(errors).toEqual([status.error]);
      // The app itself goes on working.
      expect(await value<{ facts: number }>('stats:get')).toMatchObject({ facts: 0 });
      expect((await value<{ api_url: string | null }>('app:info')).api_url).toBeNull();
    } finally {
      await other.close();
    }
    const port = await freePort();
    await value('settings:update', { patch: { api_port: port } });
    expect(await value<ApiStatus>('api:status')).toMatchObject({
      running: true,
      url: `http://127.0.0.1:${port}`,
      error: null,
    });
  });

  it('moves to a new port, and once disabled refuses connections', async () => {
    const first = await freePort();
    await value('settings:update', { patch: { api_enabled: true, api_port: first } });
    const second = await freePort();
    await value('settings:update', { patch: { api_port: second } });
    await expect(fetch(`http://127.0.0.1:${first}/health`)).rejects.toThrow();
    expect((await fetch(`http://127.0.0.1:${second}/health`)).status).toBe(200);

    await value('settings:update', { patch: { api_enabled: false } });
    expect(await value<ApiStatus>('api:status')).toMatchObject({ running: false, url: null, error: null });
    const refused = await fetch(`http://127.0.0.1:${second}/health`).catch((e: unknown) => e);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it('can regenerate the token while off, and a fast on/off/on ends with one server', async () => {
    const first = (await value<ApiStatus>('api:regenerate')).token;
    expect(first).toBeNull();
    const written = readFileSync(tokenFile, 'utf8').trim();
    const port = await freePort();
    const changes = [
      api.configure({ enabled: true, port }),
      api.configure({ enabled: false, port }),
      api.configure({ enabled: true, port }),
    ];
    await Promise.all(changes);
    const status = api.status();
    expect(status).toMatchObject({ running: true, url: `http://127.0.0.1:${port}`, token: written });
  });

  it('closing stops the server for good', async () => {
    const port = await freePort();
    await api.configure({ enabled: true, port });
    await api.close();
    await api.configure({ enabled: true, port });
    expect(api.status().running).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
