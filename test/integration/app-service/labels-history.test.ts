import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import type { Memory } from '../../../src/main/memory/memory';
import { IPC_CHANNELS } from '../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { snapshotDb } from './db-snapshot';

type Opened = ReturnType<typeof openLexicalMemory>;

function labelIdOf(memory: Memory, name: string, space = 'personal'): number {
  const label = memory.labelsList({ space }).find((l) => l.name === name);
  if (!label) throw new Error(`no label ${name}`);
  return label.id;
}

describe('labels:history', () => {
  let opened: Opened;
  let memory: Memory;
  let service: AppService;

  beforeEach(async () => {
    opened = openLexicalMemory();
    memory = opened.memory;
    service = createAppService({
      memory,
      embedder: opened.embedder,
      appInfo: () => ({
        version: 't',
        shell: 'browser',
        data_dir: opened.dir,
        hotkey_error: null,
        api_url: null,
      }),
    });
    await memory.encode({ content: 'Running shoes are size 44', label: 'sport' });
    await memory.encode({ content: 'Yoga class on Thursday evening', label: 'fitness' });
    await memory.encode({ content: 'Quarterly report due Friday', label: 'office', space: 'work' });
  });
  afterEach(async () => {
    await opened.close();
  });

  it("answers a label's earlier names, newest first: renames and the labels merged into it", async () => {
    const sport = labelIdOf(memory, 'sport');
    const fitness = labelIdOf(memory, 'fitness');
    expect(await service['labels:history']({ id: sport })).toEqual({ ok: true, value: { versions: [] } });
    await service['labels:rename']({ id: sport, name: 'exercise' });
    await service['labels:merge']({ from: sport, into: fitness });
    const r = await service['labels:history']({ id: fitness });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { versions } = IPC_CHANNELS['labels:history'].output.parse(r.value);
    expect(versions.map((v) => [v.name, v.reason])).toEqual([
      ['exercise', 'merged'],
      ['sport', 'renamed'],
    ]);
    expect(versions[0]).toMatchObject({ kind: 'topic', superseded_at: expect.any(String) });
  });

  it('an unknown label, or one of another space, is NOT_FOUND; a bad payload BAD_INPUT; nothing is written', async () => {
    const office = labelIdOf(memory, 'office', 'work');
    const before = snapshotDb(memory);
    for (const input of [{ id: 9999 }, { id: office }, { id: office, space: 'personal' }])
      expect(await service['labels:history'](input)).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    for (const input of [
      {},
      { id: 0 },
      { id: 1.5 },
      { id: '1' },
      { id: 1, extra: true },
      { id: 1, space: '' },
    ])
      expect(await service['labels:history'](input as never)).toMatchObject({
        ok: false,
        error: { code: 'BAD_INPUT' },
      });
    expect(await service['labels:history']({ id: office, space: 'work' })).toEqual({
      ok: true,
      value: { versions: [] },
    });
    expect(snapshotDb(memory)).toBe(before);
  });
});
