import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A Postgres reachable over the wire protocol for one test file. */
export interface PgTestServer {
  /** Connection string for `pg` (and for `hippo --pg`). */
  url: string;
  /** 'pglite' when served in-process, 'external' when HIPPO_TEST_PG_URL was used. */
  kind: 'pglite' | 'external';
  close(): Promise<void>;
}

/**
 * Starts PGlite (Postgres 18 compiled to WASM) with pgvector, served over TCP on a free loopback
 * port by pglite-socket, so tests speak the real protocol through `pg`.
 *
 * With HIPPO_TEST_PG_URL set, the same tests run against that real server instead: each call
 * creates a fresh database `hippo_test_<random>` there (dropped by close()), so runs never see
 * each other's rows. The role in the URL needs CREATEDB; without it a fresh schema
 * `hippo_test_<random>` is used through the URL's search_path instead (pgvector must then be
 * installed in `public` already, since an extension lives in one schema per database).
 */
export async function startPgServer(): Promise<PgTestServer> {
  const external = process.env.HIPPO_TEST_PG_URL;
  if (external) return freshOnExternal(external);

  // Imported here so a run against a real server never loads the WASM build.
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create({ extensions: { vector } });
  // More than one connection, or a pool's second client is cut off.
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 40 });
  await server.start();
  return {
    url: `postgres://postgres:postgres@${server.getServerConn()}/postgres`,
    kind: 'pglite',
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

async function freshOnExternal(base: string): Promise<PgTestServer> {
  const name = `hippo_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42501') {
      await admin.end();
      throw e;
    }
    await admin.query(`CREATE SCHEMA ${name}`);
    await admin.end();
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${name},public`);
    return {
      url: url.toString(),
      kind: 'external',
      async close() {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP SCHEMA ${name} CASCADE`);
        await c.end();
      },
    };
  }
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'external',
    async close() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
