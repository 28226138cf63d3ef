/**
 * Two devices on different embedding models (MiniLM's 384 dimensions, bge-base's 768) syncing
 * through one Postgres, whose vector columns are 384 wide: facts and labels travel, the wide
 * device's vectors stay home (and it says so), and no device stores the other model's vectors.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder } from '../../../src/main/embedder/embedder-client';
import { Memory } from '../../../src/main/memory/memory';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { syncWithPostgres } from '../../../src/main/sync/sync-engine';
import { MODEL_CATALOG } from '../../../src/shared/model-catalog';
import { makeTempDir } from '../../helpers/temp-dir';
import { LEXICAL_768_MODEL_DIR } from '../../helpers/two-models';
import { openDevice, openRemote, snapshot, type Device } from './sync-helpers';

let remote: Awaited<ReturnType<typeof openRemote>>;
let small: Device;
const tmp = makeTempDir('hippo-sync-models-');
const wideEmbedder = createNodeEmbedder({
  modelDir: LEXICAL_768_MODEL_DIR,
  model: MODEL_CATALOG['bge-base'],
  threads: 1,
});
let wide: Memory;

beforeAll(async () => {
  remote = await openRemote();
  small = await openDevice();
  wide = Memory.open({ dbPath: join(tmp.dir, 'wide.db'), embedder: wideEmbedder });
});
afterAll(async () => {
  await small?.close();
  await wide?.close();
  await wideEmbedder.close();
  await remote?.close();
  tmp.cleanup();
});

const sync = (memory: Memory) => syncWithPostgres(memory, remote.pool, { url: remote.server.url });
const widths = (memory: Memory, table: 'vec_facts' | 'vec_labels') =>
  memory.db.prepare(`SELECT DISTINCT length(embedding) / 4 FROM ${table}`).pluck().all() as number[];

describe('sync between a 384 and a 768 device', () => {
  it('syncs facts and labels, keeps each model\u2019s vectors on its own device, and says why', async () => {
    await small.memory.encode({ content: 'The dentist appointment is on Tuesday at nine', label: 'health' });
    await wide.encode({ content: 'Passport renewal needs two photos', label: 'travel' });
    expect(widths(wide, 'vec_facts')).toEqual([768]);

    const first = await sync(small.memory);
    expect(first.note).toBeUndefined();
    const fromWide = await sync(wide);
    expect(fromWide.note).toMatch(/768-dimension vectors and Postgres holds 384: .*without vectors/);
    expect(fromWide.pulled).toBeGreaterThanOrEqual(2);
    await sync(small.memory);

    // Postgres holds MiniLM's vectors only: the wide device's fact went without one.
    const pgFacts = await remote.pool.query<{
      content: string;
      has_vector: boolean;
      embedded_model: string | null;
    }>('SELECT content, embedding IS NOT NULL AS has_vector, embedded_model FROM facts ORDER BY content');
    expect(pgFacts.rows).toEqual([
      { content: 'Passport renewal needs two photos', has_vector: false, embedded_model: null },
      {
        content: 'The dentist appointment is on Tuesday at nine',
        has_vector: true,
        embedded_model: expect.stringMatching(/^minilm:/),
      },
    ]);

    // Same facts and labels on both devices; each embeds what it received with its own model.
    const strip = (s: ReturnType<typeof snapshot>) => ({
      facts: s.facts.map(({ embedded_model: _m, has_vector: _v, ...rest }) => rest),
      labels: s.labels,
    });
    expect(strip(snapshot(wide))).toEqual(strip(snapshot(small.memory)));
    await wide.embedPending();
    await small.memory.embedPending();
    expect(widths(wide, 'vec_facts')).toEqual([768]);
    expect(widths(wide, 'vec_labels')).toEqual([768]);
    expect(widths(small.memory, 'vec_facts')).toEqual([384]);
    expect(widths(small.memory, 'vec_labels')).toEqual([384]);
    expect(snapshot(wide).facts.every((f) => f.embedded_model?.startsWith('bge-base:'))).toBe(true);
    expect(snapshot(small.memory).facts.every((f) => f.embedded_model?.startsWith('minilm:'))).toBe(true);
    expect((await wide.recall('dentist appointment'))[0]).toMatchObject({
      content: 'The dentist appointment is on Tuesday at nine',
      similarity: expect.any(Number),
    });
  });

  it('the Postgres store itself refuses the 768 model, naming the way out', async () => {
    await expect(
      PostgresStore.open({ url: remote.server.url, embedder: wideEmbedder }),
    ).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      message: expect.stringMatching(/holds 384-dimension vectors .* makes 768: use the SQLite store/),
    });
  });
});
