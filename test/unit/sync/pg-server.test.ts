import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

describe('startPgServer', () => {
  let server: PgTestServer;
  beforeAll(async () => {
    server = await startPgServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves Postgres with pgvector to a pool of several connections', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 3 });
    try {
      await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
      // Three clients held at once: the socket server must accept more than one.
      const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      const rows = await Promise.all(
        clients.map((c, i) =>
          c.query<{ d: number }>(`SELECT '[1,0]'::vector <=> '[0,${i + 1}]'::vector AS d`),
        ),
      );
      for (const c of clients) c.release();
      expect(rows.map((r) => Number(r.rows[0]!.d))).toEqual([1, 1, 1]);
    } finally {
      await pool.end();
    }
  });
});
