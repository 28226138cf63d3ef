import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgPool } from '../../../src/main/sync/pg-connect';
import { migratePg } from '../../../src/main/sync/pg-migrate';
import { PG_MIGRATIONS } from '../../../src/main/sync/pg-migrations';
import { labelVersions } from '../../../src/main/sync/pg-migrations/0003-label-versions';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

const BEFORE = PG_MIGRATIONS.filter((m) => m.version < labelVersions.version);

const LABEL_UID = '11111111-1111-4111-8111-111111111111';

async function insertVersion(pool: pg.Pool, uid: string, extra: Partial<Record<string, unknown>> = {}) {
  const v = { reason: 'renamed', merged_into: null, ...extra };
  return pool.query<{ change_seq: string }>(
    `INSERT INTO label_versions (uid, label_uid, space, name, kind, category, version, updated_at, origin_device,
       superseded_at, reason, merged_into)
     VALUES ($1, $2, 'personal', 'work', 'topic', NULL, 1, 10, 'dev-a', 20, $3, $4) RETURNING change_seq`,
    [uid, LABEL_UID, v.reason, v.merged_into],
  );
}

describe('Postgres migration 3 (label_versions)', () => {
  let server: PgTestServer;
  let pool: pg.Pool;
  beforeEach(async () => {
    server = await startPgServer();
    pool = await openPgPool(server.url);
  });
  afterEach(async () => {
    await pool?.end();
    await server?.close();
  });

  it('upgrades a version-2 schema, keeping its rows; history rows take change_seq after them', async () => {
    expect(await migratePg(pool, BEFORE)).toEqual({ from: 0, to: 2 });
    const label = await pool.query<{ change_seq: string }>(
      `INSERT INTO labels (uid, space, name, created_at, updated_at, origin_device)
       VALUES ($1, 'personal', 'work', 0, 0, 'dev-a') RETURNING change_seq`,
      [LABEL_UID],
    );
    const report = await migratePg(pool);
    expect(report.from).toBe(2);
    expect(report.to).toBeGreaterThanOrEqual(3);
    expect((await pool.query('SELECT name FROM labels')).rows).toEqual([{ name: 'work' }]);
    const v = await insertVersion(pool, '22222222-2222-4222-8222-222222222222');
    // The pull reads "change_seq > cursor" across facts, labels and their history alike.
    expect(Number(v.rows[0]!.change_seq)).toBeGreaterThan(Number(label.rows[0]!.change_seq));
    const idx = await pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'label_versions'",
    );
    expect(idx.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        'label_versions_label',
        'label_versions_merged_into',
        'label_versions_change_seq',
      ]),
    );
  });

  it('refuses an unknown reason, a merge without its target and a uid twice', async () => {
    await migratePg(pool);
    const uid = '33333333-3333-4333-8333-333333333333';
    await insertVersion(pool, uid);
    await expect(
      insertVersion(pool, '44444444-4444-4444-8444-444444444444', { reason: 'gone' }),
    ).rejects.toThrow(/check constraint/);
    await expect(
      insertVersion(pool, '55555555-5555-4555-8555-555555555555', { reason: 'merged' }),
    ).rejects.toThrow(/check constraint/);
    await expect(insertVersion(pool, uid)).rejects.toThrow(/duplicate key/);
    await insertVersion(pool, '66666666-6666-4666-8666-666666666666', {
      reason: 'merged',
      merged_into: LABEL_UID,
    });
    expect((await pool.query('SELECT count(*)::int AS n FROM label_versions')).rows[0].n).toBe(2);
  });
});
