import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import type { Memory } from '../../../src/main/memory/memory';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { syncWithPostgres } from '../../../src/main/sync/sync-engine';
import type { Label } from '../../../src/shared/contract';
import { HippoError } from '../../../src/shared/errors';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';
import { openDevice } from './sync-helpers';

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(HippoError);
    return { code: (e as HippoError).code, message: (e as HippoError).message };
  }
  throw new Error('expected a HippoError');
}

/** Labels without their creation time (each store stamps its own). */
const names = (labels: Label[]) => labels.map(({ created_at: _t, ...l }) => l);

const FACTS = [
  { content: 'Pay the water bill by the 10th', category: 'todo', label: 'bills' },
  { content: 'Electricity bill comes from Ecopower', category: 'home', label: 'Utilities' },
  { content: 'The gas meter is in the garage', category: 'home', label: 'utilities-old' },
  { content: 'Tomatoes need water every day', category: 'garden', label: 'Garden' },
  { content: 'Roses were planted in April', category: 'garden' },
];

describe('PostgresStore labels', () => {
  let server: PgTestServer;
  let embedder: EmbedderClient;
  let store: PostgresStore;
  let sqlite: ReturnType<typeof openLexicalMemory>;
  beforeAll(async () => {
    server = await startPgServer();
    embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
    store = await PostgresStore.open({ url: server.url, embedder, device: 'pg-labels' });
    sqlite = openLexicalMemory();
    await store.encodeMany(FACTS);
    await sqlite.memory.encodeMany(FACTS);
  });
  afterAll(async () => {
    await sqlite?.close();
    await store?.close();
    await embedder?.close();
    await server?.close();
  });

  /** Both stores' labels and facts, as a person sees them. */
  async function bothAgree(): Promise<Label[]> {
    const mem: Memory = sqlite.memory;
    const pgLabels = await store.labelsList();
    expect(names(pgLabels)).toEqual(names(mem.labelsList()));
    const strip = (r: { facts: Array<{ content: string; label: string | null; category: string }> }) =>
      r.facts.map((f) => [f.content, f.label, f.category]);
    expect(strip(await store.list({ deleted: 'include' }))).toEqual(strip(mem.list({ deleted: 'include' })));
    return pgLabels;
  }

  const labelId = async (name: string) => (await store.labelsList()).find((l) => l.name === name)!.id;
  const pgState = async () => ({
    labels: await store.pool.query(
      'SELECT id, name, deleted_at, version, embedding::text AS e, vector_count FROM labels ORDER BY id',
    ),
    facts: await store.pool.query('SELECT id, label_uid, version FROM facts ORDER BY id'),
    versions: await store.pool.query('SELECT count(*)::int AS n FROM label_versions'),
  });
  const sameState = (a: Awaited<ReturnType<typeof pgState>>, b: Awaited<ReturnType<typeof pgState>>) => {
    expect(b.labels.rows).toEqual(a.labels.rows);
    expect(b.facts.rows).toEqual(a.facts.rows);
    expect(b.versions.rows).toEqual(a.versions.rows);
  };

  it('lists labels with fact counts as SQLite does', async () => {
    const labels = await bothAgree();
    expect(labels.map((l) => [l.name, l.fact_count])).toEqual([
      ['bills', 1],
      ['Garden', expect.any(Number)],
      ['Utilities', 1],
      ['utilities-old', 1],
    ]);
    expect(labels.map((l) => l.id)).toEqual(sqlite.memory.labelsList().map((l) => l.id));
  });

  it('renames like SQLite and keeps the old name in the label history; bad renames change nothing', async () => {
    const id = await labelId('bills');
    const sqId = sqlite.memory.labelsList().find((l) => l.name === 'bills')!.id;
    const before = await pgState();
    for (const [bad, code] of [
      ['UTILITIES', 'BAD_INPUT'],
      ['   ', 'BAD_INPUT'],
      ['x'.repeat(101), 'BAD_INPUT'],
      [42, 'BAD_INPUT'],
    ] as const) {
      const a = await refusal(store.renameLabel(id, bad));
      const b = await refusal(sqlite.memory.renameLabel(sqId, bad));
      expect(a, String(bad)).toEqual(b);
      expect(a.code).toBe(code);
    }
    expect((await refusal(store.renameLabel(id, 'utilities'))).message).toBe(
      `name: label "Utilities" (id ${await labelId('Utilities')}) already exists in space "personal"; merge into it instead`,
    );
    expect(await refusal(store.renameLabel(9999, 'Money'))).toEqual({
      code: 'NOT_FOUND',
      message: 'no label with id 9999 in space "personal"',
    });
    expect(await refusal(store.renameLabel(id, 'Money', { space: 'elsewhere' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await refusal(store.renameLabel(0, 'Money'))).toMatchObject({ code: 'BAD_INPUT' });
    sameState(before, await pgState());

    const renamed = await store.renameLabel(id, 'Money');
    await sqlite.memory.renameLabel(sqId, 'Money');
    expect(renamed).toMatchObject({ id, name: 'Money', fact_count: 1 });
    await bothAgree();
    expect((await store.recall('water bill', undefined, { label: 'money' }))[0]?.label_name).toBe('Money');
    const history = await store.labelHistory(id);
    expect(history).toMatchObject([{ name: 'bills', reason: 'renamed' }]);
    expect(history.map(({ name, reason, kind, category }) => ({ name, reason, kind, category }))).toEqual(
      sqlite.memory
        .labelHistory(sqId)
        .map(({ name, reason, kind, category }) => ({ name, reason, kind, category })),
    );
    // Its vector follows the new name: the name-only share is swapped, the count stays.
    const row = await store.pool.query('SELECT vector_count, version FROM labels WHERE id = $1', [id]);
    expect(row.rows[0]).toMatchObject({ vector_count: 2 });
  });

  it('merges like SQLite: facts move, the source goes, history names it; bad merges change nothing', async () => {
    const from = await labelId('utilities-old');
    const into = await labelId('Utilities');
    const sq = (n: string) => sqlite.memory.labelsList().find((l) => l.name === n)!.id;
    const other = await store.encode({ content: 'Seeds are in the shed', label: 'Shed', space: 'garden' });
    expect(other.label).toBe('Shed');
    const shedId = (await store.labelsList({ space: 'garden' }))[0]!.id;
    const before = await pgState();
    expect(await refusal(store.mergeLabels(from, from))).toEqual({
      code: 'BAD_INPUT',
      message: `into: cannot merge label ${from} into itself`,
    });
    expect(await refusal(store.mergeLabels(from, 9999))).toEqual({
      code: 'NOT_FOUND',
      message: 'no label with id 9999',
    });
    expect(await refusal(store.mergeLabels(-1, into))).toEqual({
      code: 'BAD_INPUT',
      message: 'from: must be a positive integer, got -1',
    });
    expect(await refusal(store.mergeLabels(shedId, into))).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/labels merge only within a space/),
    });
    expect(await refusal(store.mergeLabels(from, into, { space: 'garden' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    sameState(before, await pgState());

    const merged = await store.mergeLabels(from, into);
    const sqMerged = sqlite.memory.mergeLabels(sq('utilities-old'), sq('Utilities'));
    expect(merged).toMatchObject({ id: into, name: 'Utilities', fact_count: 2 });
    expect(merged.fact_count).toBe(sqMerged.fact_count);
    const labels = await bothAgree();
    expect(labels.map((l) => l.name)).not.toContain('utilities-old');
    expect(await refusal(store.renameLabel(from, 'again'))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await store.labelHistory(into)).map((v) => [v.name, v.reason])).toEqual(
      sqlite.memory.labelHistory(sq('Utilities')).map((v) => [v.name, v.reason]),
    );
    expect((await store.labelHistory(into)).map((v) => v.name)).toEqual(['utilities-old']);
  });

  it('a device syncing against this Postgres pulls the rename and the merge', async () => {
    const device = await openDevice();
    try {
      await syncWithPostgres(device.memory, store.pool);
      const local = device.memory.labelsList();
      expect(local.map((l) => [l.name, l.fact_count])).toEqual(
        (await store.labelsList()).map((l) => [l.name, l.fact_count]),
      );
      expect(local.map((l) => l.name)).toEqual(['Garden', 'Money', 'Utilities']);

      // A later rename by the store reaches the device on its next sync.
      const id = await labelId('Garden');
      await store.renameLabel(id, 'Allotment');
      await syncWithPostgres(device.memory, store.pool);
      expect(device.memory.labelsList().map((l) => l.name)).toEqual(['Allotment', 'Money', 'Utilities']);
      expect(device.memory.list().facts.find((f) => f.content.startsWith('Tomatoes'))?.label).toBe(
        'Allotment',
      );
    } finally {
      await device.close();
    }
  });
});
