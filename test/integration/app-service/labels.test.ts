import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import type { Memory } from '../../../src/main/memory/memory';
import { IPC_CHANNELS } from '../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { snapshotDb } from './db-snapshot';

type Opened = ReturnType<typeof openLexicalMemory>;

function labelVector(memory: Memory, id: number): Buffer | undefined {
  const row = memory.db.prepare('SELECT embedding FROM vec_labels WHERE label_id = ?').get(BigInt(id)) as
    { embedding: Buffer } | undefined;
  return row?.embedding;
}

function labelIdOf(memory: Memory, name: string, space = 'personal'): number {
  const label = memory.labelsList({ space }).find((l) => l.name === name);
  if (!label) throw new Error(`no label ${name}`);
  return label.id;
}

describe('renaming and merging labels', () => {
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
    await memory.encode({ content: 'Swimming pool opens at seven', label: 'sport' });
    await memory.encode({ content: 'Yoga class on Thursday evening', label: 'fitness' });
    await memory.encode({ content: 'Gym membership renews in May', label: 'fitness' });
    await memory.encode({ content: 'Quarterly report due Friday', label: 'office', space: 'work' });
  });
  afterEach(async () => {
    await opened.close();
  });

  it('renames a label: its facts carry the new name and its vector follows the new name', async () => {
    const id = labelIdOf(memory, 'sport');
    const before = labelVector(memory, id);
    const result = await service['labels:rename']({ id, name: '  exercise ' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(IPC_CHANNELS['labels:rename'].output.parse(result.value)).toMatchObject({
      id,
      name: 'exercise',
      fact_count: 2,
    });
    expect(memory.list({ label: 'exercise' }).total).toBe(2);
    expect(memory.list({ label: 'sport' }).total).toBe(0);
    const after = labelVector(memory, id);
    expect(after).toBeDefined();
    expect(Buffer.compare(after!, before!)).not.toBe(0);
  });

  it('renames a label to another letter case of its own name', async () => {
    const id = labelIdOf(memory, 'sport');
    expect(await memory.renameLabel(id, 'Sport')).toMatchObject({ id, name: 'Sport' });
  });

  it('refuses a rename onto another label name, in any case, storing nothing', async () => {
    const id = labelIdOf(memory, 'sport');
    const before = snapshotDb(memory);
    for (const name of ['fitness', 'FITNESS']) {
      const r = await service['labels:rename']({ id, name });
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
      if (!r.ok) expect(r.error.message).toMatch(/already exists.*merge into it instead/);
    }
    expect(snapshotDb(memory)).toBe(before);
  });

  it('refuses renaming a missing label or one of another space with NOT_FOUND, storing nothing', async () => {
    const office = labelIdOf(memory, 'office', 'work');
    const before = snapshotDb(memory);
    expect(await service['labels:rename']({ id: 9999, name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await service['labels:rename']({ id: office, name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    await expect(memory.renameLabel(office, '', { space: 'work' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(snapshotDb(memory)).toBe(before);
    expect(await memory.renameLabel(office, 'desk', { space: 'work' })).toMatchObject({ name: 'desk' });
  });

  it('merges: every fact of from (forgotten ones too) moves to into, from is gone, search follows', async () => {
    const sport = labelIdOf(memory, 'sport');
    const fitness = labelIdOf(memory, 'fitness');
    const forgotten = memory.list({ label: 'sport' }).facts.find((f) => f.content.startsWith('Running'))!.id;
    memory.forget(forgotten);
    const vecBefore = labelVector(memory, fitness);

    const result = await service['labels:merge']({ from: sport, into: fitness });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(IPC_CHANNELS['labels:merge'].output.parse(result.value)).toMatchObject({
      id: fitness,
      name: 'fitness',
      fact_count: 3,
    });
    expect(memory.labelsList().map((l) => l.name)).toEqual(['fitness']);
    expect(memory.db.prepare('SELECT count(*) AS n FROM labels WHERE id = ?').get(sport)).toEqual({ n: 0 });
    expect(labelVector(memory, sport)).toBeUndefined();
    expect(Buffer.compare(labelVector(memory, fitness)!, vecBefore!)).not.toBe(0);
    expect(memory.get(forgotten).label).toBe('fitness');
    expect(memory.list({ label: 'fitness', deleted: 'include' }).total).toBe(4);
    // The vector index's copy of label_id moved too: recall filtered by label finds the moved facts.
    const rows = memory.db
      .prepare('SELECT count(*) AS n FROM vec_facts WHERE label_id = ?')
      .get(BigInt(sport)) as { n: number };
    expect(rows.n).toBe(0);
    const hits = await memory.recall('swimming pool', undefined, { label: 'fitness' });
    expect(hits.map((h) => h.content)).toContain('Swimming pool opens at seven');
    expect(memory.list({ label: 'sport' }).total).toBe(0);
  });

  it('refuses merging a label into itself, across spaces or with a missing label, storing nothing', async () => {
    const sport = labelIdOf(memory, 'sport');
    const office = labelIdOf(memory, 'office', 'work');
    const before = snapshotDb(memory);
    const cases: Array<[unknown, string]> = [
      [{ from: sport, into: sport }, 'BAD_INPUT'],
      [{ from: sport, into: office }, 'BAD_INPUT'],
      [{ from: office, into: sport }, 'BAD_INPUT'],
      [{ from: sport, into: 9999 }, 'NOT_FOUND'],
      [{ from: 9999, into: sport }, 'NOT_FOUND'],
      [{ from: sport, into: labelIdOf(memory, 'fitness'), space: 'work' }, 'NOT_FOUND'],
    ];
    for (const [input, code] of cases) {
      expect(await service.dispatch('labels:merge', input)).toMatchObject({ ok: false, error: { code } });
      expect(snapshotDb(memory)).toBe(before);
    }
  });

  it('renames without a model: a name-only vector is dropped and embedded again later', async () => {
    await opened.close();
    opened = openLexicalMemory({ embedder: null });
    memory = opened.memory;
    const { id: factId } = await memory.encode({ content: 'Tent pegs in the garage', label: 'camping' });
    const id = labelIdOf(memory, 'camping');
    expect(labelVector(memory, id)).toBeUndefined();
    expect(await memory.renameLabel(id, 'outdoors')).toMatchObject({ id, name: 'outdoors', fact_count: 1 });
    expect(memory.get(factId).label).toBe('outdoors');
    expect(memory.labelsList()).toHaveLength(1);
  });
});
