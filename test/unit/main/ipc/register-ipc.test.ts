import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createAppService } from '../../../../src/main/app-service/app-service';
import { registerIpcHandlers, type IpcMainLike } from '../../../../src/main/ipc/register-ipc';
import { fileAppOrigin } from '../../../../src/main/security/app-origin';
import { UNTRUSTED_SENDER_RESULT } from '../../../../src/main/security/trusted-sender';
import { IPC_CHANNEL_NAMES } from '../../../../src/shared/hippo-api';
import { IPC_CHANNELS } from '../../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../../helpers/lexical-memory';

type Listener = Parameters<IpcMainLike['handle']>[1];

function recordingIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  return { ipcMain, handlers };
}

const RENDERER_DIR = join('/opt', 'Hippo', 'resources', 'renderer');
const appOrigin = fileAppOrigin(RENDERER_DIR);
const trusted = { senderFrame: { url: pathToFileURL(join(RENDERER_DIR, 'index.html')).href } };
const foreign = { senderFrame: { url: 'https://evil.example/index.html' } };

describe('registerIpcHandlers', () => {
  let mem: ReturnType<typeof openLexicalMemory>;
  let rec: ReturnType<typeof recordingIpcMain>;
  let unregister: () => void;

  beforeEach(() => {
    mem = openLexicalMemory({ embedder: null });
    const service = createAppService({
      memory: mem.memory,
      embedder: null,
      appInfo: () => ({
        version: '9.9.9',
        shell: 'electron',
        data_dir: mem.dir,
        hotkey_error: null,
        api_url: null,
      }),
    });
    rec = recordingIpcMain();
    unregister = registerIpcHandlers(rec.ipcMain, service, appOrigin);
  });
  afterEach(async () => {
    await mem.close();
  });

  it('registers exactly one handler per channel of the contract', () => {
    expect([...rec.handlers.keys()].sort()).toEqual(Object.keys(IPC_CHANNELS).sort());
  });

  it('answers the app page through the real service and memory', async () => {
    const encode = rec.handlers.get('memory:encode')!;
    const stored = (await encode(trusted as never, { content: 'The boiler code is 4417' })) as {
      ok: boolean;
      value: { mode: string };
    };
    expect(stored.ok).toBe(true);
    expect(stored.value.mode).toBe('text-only');

    const recall = rec.handlers.get('memory:recall')!;
    const found = (await recall(trusted as never, { query: 'boiler' })) as {
      ok: true;
      value: { results: Array<{ content: string }> };
    };
    expect(found.ok).toBe(true);
    expect(found.value.results.map((r) => r.content)).toEqual(['The boiler code is 4417']);

    // The preload sends no argument for app:info.
    const info = await rec.handlers.get('app:info')!(trusted as never);
    expect(info).toMatchObject({ ok: true, value: { version: '9.9.9', shell: 'electron' } });
  });

  it('passes bad input on as a BAD_INPUT result, not a throw', async () => {
    const result = await rec.handlers.get('facts:get')!(trusted as never, { id: -1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('refuses a foreign or destroyed frame without touching the memory', async () => {
    const encode = rec.handlers.get('memory:encode')!;
    expect(await encode(foreign as never, { content: 'planted' })).toEqual(UNTRUSTED_SENDER_RESULT);
    expect(await encode({ senderFrame: null } as never, { content: 'planted' })).toEqual(
      UNTRUSTED_SENDER_RESULT,
    );
    expect((await mem.memory.stats()).facts).toBe(0);
  });

  it('removes every handler when asked', () => {
    unregister();
    expect(rec.handlers.size).toBe(0);
  });
});

describe('IPC_CHANNEL_NAMES', () => {
  it('lists every channel of IPC_CHANNELS once', () => {
    expect([...IPC_CHANNEL_NAMES].sort()).toEqual(Object.keys(IPC_CHANNELS).sort());
    expect(new Set(IPC_CHANNEL_NAMES).size).toBe(IPC_CHANNEL_NAMES.length);
  });
});
