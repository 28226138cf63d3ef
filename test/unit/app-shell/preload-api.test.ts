import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { IPC_CHANNELS } from '../../../src/shared/ipc-contract';
import { buildApp, type BuiltApp } from './build-app';

interface Invocation {
  channel: string;
  args: unknown[];
}

/**
 * Runs the built preload bundle in a fresh V8 context with a recording `electron` module, the way a
 * sandboxed preload gets its require: what it exposes, and what each method sends, are then facts
 * about the shipped file rather than the source.
 */
function runPreload(code: string) {
  const exposed = new Map<string, unknown>();
  const invocations: Invocation[] = [];
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, value: unknown) {
        exposed.set(key, value);
      },
    },
    ipcRenderer: {
      invoke(channel: string, ...args: unknown[]) {
        invocations.push({ channel, args });
        return Promise.resolve({ ok: true, value: channel });
      },
    },
  };
  const module = { exports: {} };
  runInNewContext(code, {
    require(name: string) {
      if (name !== 'electron') throw new Error(`preload required ${name}`);
      return electron;
    },
    module,
    exports: module.exports,
  });
  return { exposed, invocations };
}

describe('built preload exposes window.hippo', () => {
  let app: BuiltApp;
  let code: string;

  beforeAll(async () => {
    app = await buildApp();
    code = readFileSync(join(app.dir, 'preload', 'index.cjs'), 'utf8');
  });
  afterAll(() => app?.remove());

  it('exposes one frozen object: the version and exactly one method per channel', () => {
    const { exposed } = runPreload(code);
    expect([...exposed.keys()]).toEqual(['hippo']);
    const hippo = exposed.get('hippo') as Record<string, unknown>;
    expect(Object.isFrozen(hippo)).toBe(true);
    expect(Object.keys(hippo).sort()).toEqual([...Object.keys(IPC_CHANNELS), 'version'].sort());
    expect(hippo.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const channel of Object.keys(IPC_CHANNELS)) expect(typeof hippo[channel], channel).toBe('function');
  });

  it('each method invokes its own channel with the request and returns the answer', async () => {
    const { exposed, invocations } = runPreload(code);
    const hippo = exposed.get('hippo') as Record<string, (input?: unknown) => Promise<unknown>>;
    await expect(hippo['memory:recall']!({ query: 'boiler' })).resolves.toEqual({
      ok: true,
      value: 'memory:recall',
    });
    await hippo['app:info']!();
    expect(invocations).toEqual([
      { channel: 'memory:recall', args: [{ query: 'boiler' }] },
      { channel: 'app:info', args: [undefined] },
    ]);
  });

  it('never hands the page ipcRenderer or a generic invoke', () => {
    const { exposed } = runPreload(code);
    const hippo = exposed.get('hippo') as Record<string, unknown>;
    for (const key of ['ipcRenderer', 'invoke', 'send', 'on']) expect(hippo).not.toHaveProperty(key);
  });
});
