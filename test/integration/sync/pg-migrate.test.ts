import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HippoError } from '../../../src/shared/errors';
import { openPgPool } from '../../../src/main/sync/pg-connect';
import { PENDING_FACTS_BATCH_SQL, PENDING_FACTS_COUNT_SQL } from '../../../src/main/sync/pg-facts';
import { migratePg, pgSchemaVersion } from '../../../src/main/sync/pg-migrate';
import { PG_MIGRATIONS, type PgMigration } from '../../../src/main/sync/pg-migrations';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

const LATEST = PG_MIGRATIONS.at(-1)!.version;

async function tables(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ t: string }>(
    'SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1',
  );
  return r.rows.map((x) => x.t);
}

describe('migratePg', () => {
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

  it('creates the contract schema on a fresh database, and a second run does nothing', async () => {
    expect(await migratePg(pool)).toEqual({ from: 0, to: LATEST });
    expect(await tables(pool)).toEqual(
      expect.arrayContaining([
        'facts',
        'hippo_meta',
        'labels',
        'fact_terms',
        'fact_doc_lengths',
        'term_doc_counts',
        'bm25_state',
      ]),
    );
    const idx = await pool.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('facts', 'labels')",
    );
    const defs = new Map(idx.rows.map((r) => [r.indexname, r.indexdef]));
    expect(defs.get('facts_embedding_hnsw')).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    expect(defs.get('facts_content_fts')).toMatch(
      /USING gin \(to_tsvector\('english'::regconfig, content\)\)/,
    );
    expect(defs.get('facts_live_high_confidence')).toMatch(
      /WHERE .*deleted_at IS NULL.*superseded_by IS NULL.*confidence >= /,
    );
    expect(defs.get('labels_live_name')).toMatch(
      /UNIQUE INDEX .*lower\(name\).*WHERE \(deleted_at IS NULL\)/,
    );
    for (const name of [
      'facts_live_by_category',
      'facts_live_by_hash',
      'facts_change_seq',
      'labels_live_kind',
      'labels_live_category',
      'labels_change_seq',
    ])
      expect(defs.has(name), name).toBe(true);

    // An update takes a fresh change_seq (the trigger), so a puller sees it.
    const now = Date.now();
    await pool.query(
      `INSERT INTO facts (uid, space, content, content_hash, category, confidence, created_at, updated_at, origin_device)
       VALUES (gen_random_uuid(), 'personal', 'tea', 'h', 'general', 1, $1, $1, 'dev-a')`,
      [now],
    );
    const before = await pool.query<{ change_seq: string; id: string }>('SELECT change_seq, id FROM facts');
    await pool.query("UPDATE facts SET content = 'green tea'");
    const after = await pool.query<{ change_seq: string }>('SELECT change_seq FROM facts');
    expect(BigInt(after.rows[0]!.change_seq)).toBeGreaterThan(BigInt(before.rows[0]!.change_seq));
    expect(before.rows[0]!.id).toBe('1');

    expect(await migratePg(pool)).toEqual({ from: LATEST, to: LATEST });
    expect((await pool.query('SELECT count(*)::int AS n FROM facts')).rows[0].n).toBe(1);
  });

  it('4 (label-ids) numbers the labels already there and every label inserted after', async () => {
    expect(
      await migratePg(
        pool,
        PG_MIGRATIONS.filter((m) => m.version < 4),
      ),
    ).toEqual({ from: 0, to: 3 });
    const insert = (name: string) =>
      pool.query(
        `INSERT INTO labels (uid, space, name, created_at, updated_at, origin_device)
         VALUES (gen_random_uuid(), 'personal', $1, 1, 1, 'dev-a')`,
        [name],
      );
    await insert('older');
    await insert('old');
    expect(await migratePg(pool)).toEqual({ from: 3, to: LATEST });
    await insert('new');
    const r = await pool.query<{ name: string; id: string }>('SELECT name, id FROM labels ORDER BY id');
    expect(r.rows.map((x) => x.name)).toEqual(['older', 'old', 'new']);
    expect(new Set(r.rows.map((x) => x.id)).size).toBe(3);
    // Sync never writes it: an insert naming it is refused.
    await expect(
      pool.query(
        `INSERT INTO labels (id, uid, space, name, created_at, updated_at, origin_device)
         VALUES (99, gen_random_uuid(), 'personal', 'x', 1, 1, 'dev-a')`,
      ),
    ).rejects.toThrow(/cannot insert a non-DEFAULT value into column "id"/);
  });

  it('5 (fact-access): access counts in their own table, off the synced facts rows; pending facts indexed', async () => {
    expect(
      await migratePg(
        pool,
        PG_MIGRATIONS.filter((m) => m.version < 5),
      ),
    ).toEqual({ from: 0, to: 4 });
    // Most facts embedded, as on a server in use; a few pending, an older wording and a tombstone.
    await pool.query(
      `INSERT INTO facts (uid, space, content, content_hash, category, confidence, created_at, updated_at,
                          embedding, embedded_model, origin_device)
       SELECT gen_random_uuid(), 'personal', 'fact ' || i, 'h' || i, 'general', 1, i, i,
              CASE WHEN i % 500 = 0 THEN NULL
                   ELSE ('[' || array_to_string(array_fill((i % 97)::real / 97 + 0.01, ARRAY[384]), ',') || ']')::vector
              END,
              CASE WHEN i % 500 = 0 THEN NULL ELSE 'm' END, 'dev-a'
         FROM generate_series(1, 2000) AS i`,
    );
    await pool.query(
      `INSERT INTO facts (uid, space, content, content_hash, category, confidence, created_at, updated_at,
                          superseded_by, origin_device)
       SELECT gen_random_uuid(), 'personal', 'older', 'old', 'general', 1, 1, 1, uid, 'dev-a'
         FROM facts WHERE content_hash = 'h1'`,
    );
    await pool.query(
      `INSERT INTO facts (uid, space, content, content_hash, category, confidence, created_at, updated_at,
                          deleted_at, origin_device)
       VALUES (gen_random_uuid(), 'personal', '', 'purged', 'general', 1, 1, 1, 1, 'dev-a')`,
    );
    expect(await migratePg(pool)).toEqual({ from: 4, to: LATEST });
    expect(await tables(pool)).toContain('fact_access');
    const idx = await pool.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'facts_embedding_pending'",
    );
    expect(idx.rows[0]!.indexdef).toMatch(
      /ON .*facts USING btree \(id\) WHERE \(\(embedding IS NULL\) AND \(superseded_by IS NULL\) AND \(content_hash <> 'purged'::text\)\)/,
    );

    // embedPending's own queries read the partial index, not the table (planner's free choice:
    // seqscan stays enabled; 4 of 2002 rows match).
    await pool.query('ANALYZE facts');
    const plan = async (sql: string, params: unknown[] = []) =>
      (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    const countPlan = await plan(PENDING_FACTS_COUNT_SQL);
    expect(countPlan).toMatch(/Index (Only )?Scan using facts_embedding_pending/);
    expect(countPlan).not.toMatch(/Seq Scan/);
    const batchPlan = await plan(PENDING_FACTS_BATCH_SQL, [0, 64]);
    expect(batchPlan).toMatch(/Index (Only )?Scan using facts_embedding_pending/);
    expect(batchPlan).not.toMatch(/Seq Scan/);
    const n = await pool.query<{ n: string }>(PENDING_FACTS_COUNT_SQL);
    expect(Number(n.rows[0]!.n)).toBe(4);

    // Counting an access leaves the fact's change_seq alone; the count goes with its fact.
    const fact = await pool.query<{ id: string; change_seq: string }>(
      "SELECT id, change_seq FROM facts WHERE content_hash = 'h7'",
    );
    await pool.query('INSERT INTO fact_access (fact_id, access_count, last_accessed_at) VALUES ($1, 1, 5)', [
      fact.rows[0]!.id,
    ]);
    const again = await pool.query<{ change_seq: string }>('SELECT change_seq FROM facts WHERE id = $1', [
      fact.rows[0]!.id,
    ]);
    expect(again.rows[0]!.change_seq).toBe(fact.rows[0]!.change_seq);
    await pool.query('DELETE FROM facts WHERE id = $1', [fact.rows[0]!.id]);
    expect((await pool.query('SELECT count(*)::int AS n FROM fact_access')).rows[0].n).toBe(0);
  });

  it('rolls a failing migration back whole and keeps the previous version', async () => {
    await migratePg(pool);
    const broken: PgMigration = {
      version: LATEST + 1,
      name: 'broken',
      async up(client) {
        await client.query('CREATE TABLE half_done (x int)');
        await client.query('SELECT no_such_function()');
      },
    };
    const err = await migratePg(pool, [...PG_MIGRATIONS, broken]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HippoError);
    expect((err as HippoError).code).toBe('MIGRATION_FAILED');
    expect((err as HippoError).message).toMatch(
      new RegExp(
        `migration ${LATEST + 1} \\(broken\\) failed and was rolled back; the schema stays at version ${LATEST}`,
      ),
    );
    expect(await tables(pool)).not.toContain('half_done');
    const c = await pool.connect();
    try {
      expect(await pgSchemaVersion(c)).toBe(LATEST);
    } finally {
      c.release();
    }
  });

  it('refuses a schema newer than this Hippo knows, writing nothing', async () => {
    await migratePg(pool);
    await pool.query("UPDATE hippo_meta SET value = '99' WHERE key = 'schema_version'");
    const next: PgMigration = {
      version: 99 - 50,
      name: 'would-write',
      async up(client) {
        await client.query('CREATE TABLE should_not_exist (x int)');
      },
    };
    const err = await migratePg(pool, [...PG_MIGRATIONS, next]).catch((e: unknown) => e);
    expect((err as HippoError).code).toBe('MIGRATION_FAILED');
    expect((err as HippoError).message).toBe(
      'this Postgres holds Hippo schema 99; this Hippo knows up to 49: update Hippo',
    );
    expect(await tables(pool)).not.toContain('should_not_exist');
    const v = await pool.query("SELECT value FROM hippo_meta WHERE key = 'schema_version'");
    expect(v.rows[0].value).toBe('99');
  });

  it('two Hippos migrating at once both end at the newest version without either failing', async () => {
    const other = await openPgPool(server.url);
    try {
      const [a, b] = await Promise.all([migratePg(pool), migratePg(other)]);
      expect(a.to).toBe(LATEST);
      expect(b.to).toBe(LATEST);
    } finally {
      await other.end();
    }
  });

  it('on a server without pgvector, says how to install it and writes nothing', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create();
    const socket = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 4 });
    await socket.start();
    const bare = await openPgPool(`postgres://me:pw@${socket.getServerConn()}/postgres`);
    try {
      const err = await migratePg(bare).catch((e: unknown) => e);
      expect((err as HippoError).code).toBe('DB_ERROR');
      expect((err as HippoError).message).toMatch(
        /^the pgvector extension is not installed on Postgres at 127\.0\.0\.1:\d+/,
      );
      expect(await tables(bare)).toEqual([]);
    } finally {
      await bare.end();
      await socket.stop();
      await db.close();
    }
  });
});
