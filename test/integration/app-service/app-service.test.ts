import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import {
  IPC_CHANNELS,
  type AppInfo,
  type HippoClient,
  type IpcChannel,
  type IpcValue,
} from '../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { snapshotDb } from './db-snapshot';

const APP_INFO: AppInfo = {
  version: '0.0.0-test',
  shell: 'electron',
  data_dir: '/tmp/hippo-test',
  hotkey_error: null,
  api_url: null,
};

type Opened = ReturnType<typeof openLexicalMemory>;

/** Calls like IPC does (plain objects in) and checks the value against the channel's schema. */
async function expectOk<C extends IpcChannel>(
  service: AppService,
  channel: C,
  input: unknown,
): Promise<IpcValue<C>> {
  const result = await service.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
  const parsed = IPC_CHANNELS[channel].output.safeParse(result.value);
  expect(parsed.success, `${channel} value matches its output schema`).toBe(true);
  return result.value as IpcValue<C>;
}

describe('app service over a real Memory', () => {
  let opened: Opened;
  let service: AppService;
  const unexpected: unknown[] = [];

  beforeAll(async () => {
    opened = openLexicalMemory();
    service = createAppService({
      memory: opened.memory,
      embedder: opened.embedder,
      appInfo: () => APP_INFO,
      onUnexpectedError: (_c, e) => unexpected.push(e),
    });
  });
  afterAll(async () => {
    await opened.close();
  });

  it('answers app:info with or without an empty request', async () => {
    expect(await service['app:info'](undefined)).toEqual({ ok: true, value: APP_INFO });
    expect(await service['app:info']({})).toEqual({ ok: true, value: APP_INFO });
  });

  it('encodes, recalls, previews similar drafts, lists and reads facts', async () => {
    const empty = snapshotDb(opened.memory);
    const a = await expectOk(service, 'memory:encode', {
      content: 'The dentist appointment is on Tuesday morning',
      label: 'health',
    });
    expect(a).toMatchObject({ status: 'created', label: 'health', mode: 'hybrid' });
    // The snapshot sees writes, so "unchanged" below means something.
    expect(snapshotDb(opened.memory)).not.toBe(empty);
    await expectOk(service, 'memory:encode', {
      content: 'Buy oat milk and coffee beans',
      category: 'errand',
    });
    await expectOk(service, 'memory:encode', { content: 'Passport renewal deadline is in March' });

    const recall = await expectOk(service, 'memory:recall', { query: 'dentist tuesday' });
    expect(recall.mode).toBe('hybrid');
    expect((recall.results as Array<{ fact_id: number }>)[0]!.fact_id).toBe(a.id);

    const before = snapshotDb(opened.memory);
    const similar = await expectOk(service, 'memory:similar', { content: 'dentist appointment tuesday' });
    const results = similar.results as Array<{ fact_id: number }>;
    expect(results[0]!.fact_id).toBe(a.id);
    expect(results.length).toBeLessThanOrEqual(5);
    expect(snapshotDb(opened.memory)).toBe(before);

    const limited = await expectOk(service, 'memory:similar', {
      content: 'coffee dentist passport',
      limit: 1,
    });
    expect(limited.results).toHaveLength(1);

    const list = await expectOk(service, 'facts:list', { limit: 2 });
    expect(list).toMatchObject({ total: 3, limit: 2, offset: 0 });
    const fact = await expectOk(service, 'facts:get', { id: a.id });
    expect(fact).toMatchObject({ id: a.id, label: 'health' });
  });

  it('updates, forgets, restores, purges and shows history', async () => {
    const { id } = await expectOk(service, 'memory:encode', {
      content: 'The spare key is under the blue pot',
    });
    const updated = await expectOk(service, 'facts:update', {
      id,
      patch: { content: 'The spare key is under the green pot', confidence: 0.5 },
    });
    expect(updated).toMatchObject({ content: 'The spare key is under the green pot', confidence: 0.5 });
    expect(await expectOk(service, 'facts:history', { id })).toEqual({ facts: [] });

    expect((await expectOk(service, 'facts:forget', { id })).deleted_at).not.toBeNull();
    const listed = await expectOk(service, 'facts:list', { deleted: 'only' });
    expect((listed.facts as Array<{ id: number }>).map((f) => f.id)).toEqual([id]);
    expect((await expectOk(service, 'facts:restore', { id })).deleted_at).toBeNull();

    const purgeLive = await service['facts:purge']({ id });
    expect(purgeLive).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    await expectOk(service, 'facts:forget', { id });
    expect(await expectOk(service, 'facts:purge', { id })).toEqual({ purged: true });
    expect(await service['facts:get']({ id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('answers labels:list, stats:get and model:status', async () => {
    const labels = await expectOk(service, 'labels:list', {});
    expect((labels.labels as Array<{ name: string }>).map((l) => l.name)).toContain('health');
    const stats = await expectOk(service, 'stats:get', {});
    expect(stats).toMatchObject({ space: 'personal', facts: 3, mode: 'hybrid' });
    const status = await expectOk(service, 'model:status', {});
    expect(status).toMatchObject({ state: 'ready', message: null });
    expect(status.model_id).toBe(opened.embedder!.modelId);
  });

  const badInputs: Array<[IpcChannel, unknown, RegExp]> = [
    ['app:info', { verbose: true }, /unknown field/],
    ['memory:encode', { content: 42 }, /^content:/],
    ['memory:encode', { content: '   ' }, /content must not be empty/],
    ['memory:encode', { content: 'x', colour: 'red' }, /unknown field\(s\): colour/],
    ['memory:encode', null, /^input:/],
    ['memory:recall', {}, /^query:/],
    ['memory:recall', { query: 'x', limit: 0 }, /^limit:/],
    ['memory:similar', { content: 'dentist', limit: 11 }, /^limit:/],
    ['memory:similar', { text: 'dentist' }, /content|unknown field/],
    ['facts:list', { limit: 'ten' }, /^limit:/],
    ['facts:list', { deleted: 'maybe' }, /^deleted:/],
    ['facts:get', {}, /^id:/],
    ['facts:get', { id: '1' }, /^id:/],
    ['facts:get', { id: -3 }, /^id:/],
    ['facts:update', { id: 1 }, /^patch:/],
    ['facts:update', { id: 1, patch: {} }, /nothing to update/],
    ['facts:update', { id: 1, patch: { confidence: 7 } }, /^patch\.confidence:/],
    ['facts:update', { id: 1, patch: { colour: 'red' } }, /unknown field/],
    ['facts:forget', { id: 1.5 }, /^id:/],
    ['facts:restore', { id: null }, /^id:/],
    ['facts:purge', [], /^input:/],
    ['facts:history', { id: 1, extra: 1 }, /unknown field/],
    ['facts:supersede', { old_id: 1 }, /^new_id:/],
    ['facts:supersede', { old_id: 1, new_id: 1 }, /^new_id: fact 1 cannot supersede itself/],
    ['facts:supersede', { old_id: 'a', new_id: 2 }, /^old_id:/],
    ['facts:unsupersede', { id: 0 }, /^id:/],
    ['memory:encode', { content: 'x', supersedes: -1 }, /^supersedes:/],
    ['memory:recall', { query: 'x', as_of: 'yesterday' }, /^as_of:/],
    ['labels:list', { space: '../etc' }, /^space:/],
    ['labels:rename', { id: 1 }, /^name:/],
    ['labels:rename', { id: 1, name: '   ' }, /^name: label name must not be empty/],
    ['labels:rename', { id: 'health', name: 'x' }, /^id:/],
    ['labels:merge', { from: 1 }, /^into:/],
    ['labels:merge', { from: 1, into: 1 }, /into itself/],
    ['labels:merge', { from: 1, into: 2, force: true }, /unknown field/],
    ['labels:history', { id: 0 }, /^id:/],
    ['stats:get', 'personal', /^input:/],
    ['stats:weekly', { weeks: 0 }, /^weeks:/],
    ['stats:weekly', { weeks: 521 }, /^weeks:/],
    ['model:status', { force: true }, /unknown field/],
    ['model:download', { url: 'https://example.com' }, /unknown field/],
    ['model:cancel', [], /^input:/],
    ['model:use', { model: 'gpt-9' }, /^model:/],
    ['settings:get', { all: true }, /unknown field/],
    ['settings:update', {}, /^patch:/],
    ['settings:update', { patch: { theme: 'purple' } }, /^patch\.theme:/],
    ['settings:update', { patch: { api_port: 80 } }, /^patch\.api_port: api_port must be 1024-65535/],
    ['settings:update', { patch: { hotkey: '  ' } }, /^patch\.hotkey: hotkey must not be empty/],
    ['settings:update', { patch: { volume: 11 } }, /unknown field/],
    ['api:status', { token: 'x' }, /unknown field/],
    ['api:regenerate', null, /^input:/],
    ['facts:import', { records: [] }, /^records:/],
    ['facts:import', { records: [{ content: 'ok' }, { content: '' }] }, /^records\.1\.content:/],
    ['facts:import', { records: [{ content: 'ok', colour: 'red' }] }, /unknown field/],
    ['facts:import', { records: Array.from({ length: 501 }, () => ({ content: 'x' })) }, /^records:/],
    ['facts:export', { include_deleted: 'yes' }, /^include_deleted:/],
    ['sync:status', { verbose: 1 }, /unknown field/],
    ['sync:configure', {}, /^url:/],
    ['sync:configure', { url: '   ' }, /^url:/],
    ['sync:configure', { url: 'x'.repeat(2001) }, /^url:/],
    ['sync:run', { force: true }, /unknown field/],
  ];

  it.each(badInputs)(
    '%s refuses %j with BAD_INPUT naming the field, storing nothing',
    async (ch, input, msg) => {
      const before = snapshotDb(opened.memory);
      const result = await service.dispatch(ch, input);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('BAD_INPUT');
      expect(result.error.message).toMatch(msg);
      expect(snapshotDb(opened.memory)).toBe(before);
    },
  );

  it('every channel has at least one bad-input case', () => {
    const covered = new Set(badInputs.map(([c]) => c));
    expect(Object.keys(IPC_CHANNELS).filter((c) => !covered.has(c as IpcChannel))).toEqual([]);
  });

  it.each([
    'facts:get',
    'facts:update',
    'facts:forget',
    'facts:restore',
    'facts:purge',
    'facts:history',
    'facts:unsupersede',
  ] as const)('%s of a missing fact is NOT_FOUND and changes nothing', async (ch) => {
    const before = snapshotDb(opened.memory);
    const input = ch === 'facts:update' ? { id: 999_999, patch: { confidence: 0.1 } } : { id: 999_999 };
    expect(await service.dispatch(ch, input)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(snapshotDb(opened.memory)).toBe(before);
  });

  it('a fact of another space is NOT_FOUND from this one', async () => {
    const { id } = await expectOk(service, 'memory:encode', {
      content: 'Work laptop asset tag 7781',
      space: 'work',
    });
    expect(await service['facts:get']({ id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await expectOk(service, 'facts:get', { id, space: 'work' })).toMatchObject({ space: 'work' });
  });

  it('is a HippoClient, so the preload and the HTTP client can expose it as is', async () => {
    const client: HippoClient = service;
    expect(await client['facts:get']({ id: 999_999 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('dispatch refuses an unknown channel with BAD_INPUT', async () => {
    for (const name of ['facts:explode', 'toString', '__proto__', '']) {
      expect(await service.dispatch(name, {})).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    }
  });

  it('turns an unexpected failure into INTERNAL with a safe message and reports it', async () => {
    const other = openLexicalMemory({ embedder: null });
    const broken = createAppService({
      memory: other.memory,
      embedder: null,
      appInfo: () => {
        throw new Error('SQLITE_CORRUPT at /home/someone/secret/path');
      },
      onUnexpectedError: (_c, e) => unexpected.push(e),
    });
    try {
      const result = await broken['app:info']({});
      expect(result).toEqual({
        ok: false,
        error: { code: 'INTERNAL', message: 'app:info failed unexpectedly; the app log has the details' },
      });
      expect(unexpected).toHaveLength(1);
      expect(await broken['model:status']({})).toMatchObject({ ok: true, value: { state: 'disabled' } });
    } finally {
      await other.close();
    }
  });

  it('a closed memory answers with an error, never a rejection', async () => {
    const other = openLexicalMemory({ embedder: null });
    const svc = createAppService({ memory: other.memory, embedder: null, appInfo: () => APP_INFO });
    await other.close();
    await expect(svc['facts:list']({})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
