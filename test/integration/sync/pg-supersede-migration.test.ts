import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgPool } from '../../../src/main/sync/pg-connect';
import { migratePg } from '../../../src/main/sync/pg-migrate';
import { PG_MIGRATIONS } from '../../../src/main/sync/pg-migrations';
import { supersede } from '../../../src/main/sync/pg-migrations/0006-supersede';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

const BEFORE = PG_MIGRATIONS.filter((m) => m.version < supersede.version);
const CURRENT = '11111111-1111-4111-8111-111111111111';
const WORDING = '22222222-2222-4222-8222-222222222222';
const OTHER = '33333333-3333-4333-8333-333333333333';

const insertFact = (pool: pg.Pool, uid: string, supersededBy: string | null, updated = 20) =>
  pool.query(
    `INSERT INTO facts (uid, space, content, content_hash, category, confidence, created_at, updated_at,
       superseded_by, origin_device)
     VALUES ($1::uuid, 'personal', $4, $4, 'general', 1, 10, $2, $3, 'dev-a')`,
    [uid, updated, supersededBy, `content ${uid}`],
  );

const columns = async (pool: pg.Pool) =>
  (
    await pool.query<{ uid: string; superseded_at: string | null; supersede_reason: string | null }>(
      'SELECT uid::text AS uid, superseded_at, supersede_reason FROM facts ORDER BY uid',
    )
  ).rows;

describe('Postgres migration 6 (supersede)', () => {
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

  it('backfills earlier wordings; the trigger keeps the pair consistent for writers that set only superseded_by', async () => {
    expect(await migratePg(pool, BEFORE)).toEqual({ from: 0, to: 5 });
    await insertFact(pool, CURRENT, null);
    await insertFact(pool, WORDING, CURRENT, 15);
    expect(await migratePg(pool)).toMatchObject({ from: 5, to: supersede.version });
    expect(await columns(pool)).toEqual([
      { uid: CURRENT, superseded_at: null, supersede_reason: null },
      { uid: WORDING, superseded_at: '15', supersede_reason: 'edited' },
    ]);

    await insertFact(pool, OTHER, CURRENT);
    const other = (await columns(pool)).find((r) => r.uid === OTHER)!;
    expect(other.supersede_reason).toBe('edited');
    expect(Number(other.superseded_at)).toBeGreaterThan(1_700_000_000_000);
    await pool.query("UPDATE facts SET superseded_at = 99, supersede_reason = 'superseded' WHERE uid = $1", [
      OTHER,
    ]);
    expect((await columns(pool)).find((r) => r.uid === OTHER)).toEqual({
      uid: OTHER,
      superseded_at: '99',
      supersede_reason: 'superseded',
    });
    await pool.query('UPDATE facts SET superseded_by = NULL WHERE uid = $1', [OTHER]);
    expect((await columns(pool)).find((r) => r.uid === OTHER)).toEqual({
      uid: OTHER,
      superseded_at: null,
      supersede_reason: null,
    });
    await expect(
      pool.query("UPDATE facts SET supersede_reason = 'moved' WHERE uid = $1", [WORDING]),
    ).rejects.toThrow(/check constraint/);
  });
});
