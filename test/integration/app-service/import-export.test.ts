import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAppService,
  type AppService,
  type ModelDownloadPort,
} from '../../../src/main/app-service/app-service';
import type { AppInfo, IpcChannel, IpcValue } from '../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { snapshotDb } from './db-snapshot';

const APP_INFO: AppInfo = {
  version: '0.0.0-test',
  shell: 'browser',
  data_dir: '/tmp/hippo-test',
  hotkey_error: null,
  api_url: null,
};

async function ok<C extends IpcChannel>(
  service: AppService,
  channel: C,
  input: unknown,
): Promise<IpcValue<C>> {
  const result = await service.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
  return result.value as IpcValue<C>;
}

describe('facts:import and facts:export', () => {
  let opened: ReturnType<typeof openLexicalMemory>;
  let service: AppService;

  beforeEach(() => {
    opened = openLexicalMemory();
    service = createAppService({ memory: opened.memory, embedder: opened.embedder, appInfo: () => APP_INFO });
  });
  afterEach(async () => {
    await opened.close();
  });

  it('imports a batch, reports duplicates, and exports it back as JSON Lines that import again', async () => {
    const { results } = await ok(service, 'facts:import', {
      records: [
        { content: 'The boiler was serviced', category: 'home', created_at: '2024-03-01T09:00:00.000Z' },
        { content: 'Passport expires in 2031', label: 'documents', confidence: 0.9 },
        { content: 'The boiler was serviced', category: 'home' },
      ],
    });
    expect(results.map((r) => r.status)).toEqual(['created', 'created', 'duplicate']);
    expect(results[2]!.id).toBe(results[0]!.id);

    const forgotten = results[1]!.id;
    await ok(service, 'facts:forget', { id: forgotten });

    const live = await ok(service, 'facts:export', {});
    expect(live.count).toBe(1);
    const lines = live.jsonl.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      content: 'The boiler was serviced',
      category: 'home',
      created_at: '2024-03-01T09:00:00.000Z',
    });

    const all = await ok(service, 'facts:export', { include_deleted: true });
    expect(all.count).toBe(2);
    const records = all.jsonl
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.find((r) => r.content === 'Passport expires in 2031')).toMatchObject({
      label: 'documents',
      confidence: 0.9,
      deleted_at: expect.any(String),
    });

    // The export is what facts:import reads: into another space it lands as it was, deletions included.
    const again = await ok(service, 'facts:import', { records, space: 'copy' });
    expect(again.results.every((r) => r.status === 'created')).toBe(true);
    const copied = await ok(service, 'facts:export', { include_deleted: true, space: 'copy' });
    expect(copied.jsonl.replaceAll('"space":"copy"', '"space":"personal"')).toBe(all.jsonl);
  });

  it('refuses a whole batch when one record is bad, storing none of it', async () => {
    await ok(service, 'facts:import', { records: [{ content: 'Already here' }] });
    const before = snapshotDb(opened.memory);
    const result = await service.dispatch('facts:import', {
      records: [{ content: 'Fine record' }, { content: 'Bad confidence', confidence: 3 }],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (!result.ok) expect(result.error.message).toMatch(/^records\.1\.confidence:/);
    expect(snapshotDb(opened.memory)).toBe(before);
  });

  it('exports an empty memory as an empty file', async () => {
    expect(await ok(service, 'facts:export', {})).toEqual({ jsonl: '', count: 0 });
  });
});

describe('shell parts a face does not have', () => {
  let opened: ReturnType<typeof openLexicalMemory>;
  let service: AppService;

  beforeEach(() => {
    opened = openLexicalMemory();
    service = createAppService({ memory: opened.memory, embedder: opened.embedder, appInfo: () => APP_INFO });
  });
  afterEach(async () => {
    await opened.close();
  });

  it.each(['settings:get', 'model:download', 'model:cancel', 'api:regenerate', 'sync:run'] as const)(
    '%s is NOT_SUPPORTED, naming the desktop app',
    async (channel) => {
      const result = await service.dispatch(channel, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
      if (!result.ok) expect(result.error.message).toMatch(/desktop app/);
    },
  );

  it('settings:update is NOT_SUPPORTED too, after its input is checked', async () => {
    const result = await service.dispatch('settings:update', { patch: { theme: 'dark' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
  });

  it('api:status says no API server runs here rather than failing', async () => {
    expect(await ok(service, 'api:status', {})).toEqual({
      running: false,
      url: null,
      token: null,
      token_file: null,
      error: null,
      manageable: false,
    });
  });

  it('sync:configure is NOT_SUPPORTED and names the CLI; sync:status says sync does not run here', async () => {
    const result = await service.dispatch('sync:configure', { url: 'postgres://me@localhost/hippo' });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    if (!result.ok) expect(result.error.message).toContain('hippo sync --pg URL');
    expect(await ok(service, 'sync:status', {})).toMatchObject({ configured: false, manageable: false });
  });

  it('model:status says whether this face can download the model', async () => {
    expect(await ok(service, 'model:status', {})).toMatchObject({ can_download: false, download: null });
  });
});

describe('model:status with a download port', () => {
  it('reports downloading with the progress while the port runs', async () => {
    const opened = openLexicalMemory();
    let running = false;
    const port: ModelDownloadPort = {
      start: () => {
        running = true;
      },
      cancel: () => {
        running = false;
      },
      current: () => ({ file: 'onnx/model.onnx', bytes: 10, total: 100, error: null }),
      running: () => running,
    };
    const service = createAppService({
      memory: opened.memory,
      embedder: opened.embedder,
      appInfo: () => APP_INFO,
      modelDownload: port,
    });
    try {
      expect(await ok(service, 'model:status', {})).toMatchObject({ state: 'ready', can_download: true });
      expect(await ok(service, 'model:download', {})).toMatchObject({
        state: 'downloading',
        download: { bytes: 10, total: 100 },
      });
      expect(await ok(service, 'model:cancel', {})).toMatchObject({ state: 'ready' });
    } finally {
      await opened.close();
    }
  });
});
