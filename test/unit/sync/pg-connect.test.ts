import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HippoError } from '../../../src/shared/errors';
import {
  PG_POOL_DEFAULTS,
  mapPgError,
  openPgPool,
  parsePgUrl,
  redactUrl,
} from '../../../src/main/sync/pg-connect';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

const SECRET = 's3cr3t-pa55';

async function caught(p: Promise<unknown>): Promise<HippoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HippoError);
    return e as HippoError;
  }
  throw new Error('expected a rejection');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

describe('redactUrl', () => {
  it('hides the password in URLs, parameters and unparseable strings', () => {
    expect(redactUrl(`postgres://me:${SECRET}@db.example:5432/hippo`)).toBe(
      'postgres://me:***@db.example:5432/hippo',
    );
    expect(redactUrl(`postgres://me@db/hippo?password=${SECRET}&sslmode=require`)).not.toContain(SECRET);
    expect(redactUrl(`postgres://me:${SECRET}@db:notaport/x`)).not.toContain(SECRET);
    expect(redactUrl('postgres://me@db/hippo')).toBe('postgres://me@db/hippo');
  });
});

describe('parsePgUrl', () => {
  it.each([
    ['', /empty/],
    ['   ', /empty/],
    [`not a url ${SECRET}`, /is not a URL/],
    [`mysql://me:${SECRET}@db/hippo`, /must start with postgres:\/\/ or postgresql:\/\/ \(not mysql:\/\/\)/],
    [`postgres://me:${SECRET}@/hippo`, /is not a URL/],
    ['postgres:///hippo', /names no host/],
    [`postgres://me:${SECRET}@db:70000/hippo`, /not a URL|invalid port/],
  ])('refuses %j with BAD_INPUT naming the problem and no password', (url, message) => {
    let err: unknown;
    try {
      parsePgUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HippoError);
    expect((err as HippoError).code).toBe('BAD_INPUT');
    expect((err as HippoError).message).toMatch(message);
    expect((err as HippoError).message).not.toContain(SECRET);
  });

  it('reads host, port, database and user', () => {
    expect(parsePgUrl(`postgresql://me:${SECRET}@db.example:6543/notes`)).toMatchObject({
      host: 'db.example',
      port: '6543',
      database: 'notes',
      user: 'me',
      password: SECRET,
    });
    expect(parsePgUrl('postgres://me@db/').database).toBe('me');
  });
});

describe('openPgPool errors (real sockets)', () => {
  it('names host and port when nothing listens there', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((r) => probe.close(r));
    const err = await caught(openPgPool(`postgres://me:${SECRET}@127.0.0.1:${port}/hippo`));
    expect(err.code).toBe('DB_ERROR');
    expect(err.message).toBe(
      `cannot reach Postgres at 127.0.0.1:${port}: connection refused (is the server running and listening on that port?)`,
    );
  });

  it('says the host name was not found', async () => {
    const err = await caught(openPgPool(`postgres://me:${SECRET}@no-such-host.invalid:5432/hippo`));
    expect(err.message).toMatch(/cannot reach Postgres at no-such-host\.invalid:5432: host name not found/);
    expect(err.message).not.toContain(SECRET);
  });

  it('gives up after the connection timeout on a server that never answers', async () => {
    // Accepts TCP and says nothing: the case of a wrong port behind a proxy or a hung server.
    const silent = createServer(() => undefined);
    const port = await listen(silent);
    try {
      const err = await caught(
        openPgPool(`postgres://me:${SECRET}@127.0.0.1:${port}/hippo`, { connectionTimeoutMillis: 300 }),
      );
      expect(err.message).toMatch(
        /cannot reach Postgres at 127\.0\.0\.1:\d+: no answer before the connection timeout/,
      );
    } finally {
      silent.close();
    }
  });
});

describe('Postgres errors mapped from real server errors', () => {
  let server: PgTestServer;
  let pool: pg.Pool;
  beforeAll(async () => {
    server = await startPgServer();
    pool = await openPgPool(server.url);
  });
  afterAll(async () => {
    await pool?.end();
    await server?.close();
  });

  it('uses the documented pool defaults', () => {
    expect(pool.options).toMatchObject(PG_POOL_DEFAULTS);
  });

  // PGlite accepts any password and any database name, so these SQLSTATEs are raised by the
  // server itself (RAISE ... USING ERRCODE) and arrive as the same pg DatabaseError a real
  // server sends at login; against HIPPO_TEST_PG_URL they are the same wire errors too.
  async function serverError(sqlstate: string, message: string): Promise<unknown> {
    try {
      await pool.query(`DO $$ BEGIN RAISE EXCEPTION '${message}' USING ERRCODE = '${sqlstate}'; END $$`);
    } catch (e) {
      return e;
    }
    throw new Error('no error raised');
  }

  it('wrong password (28P01) names the user, never the password', async () => {
    const e = await serverError('28P01', 'password authentication failed for user "me"');
    expect((e as { code: string }).code).toBe('28P01');
    const mapped = mapPgError(e, `postgres://me:${SECRET}@db.example:5433/hippo`);
    expect(mapped.code).toBe('DB_ERROR');
    expect(mapped.message).toBe(`Postgres at db.example:5433 rejected the password for user 'me'`);
  });

  it('missing database (3D000) says how to create it', async () => {
    const e = await serverError('3D000', 'database "notes" does not exist');
    const mapped = mapPgError(e, `postgres://me:${SECRET}@db.example/notes`);
    expect(mapped.message).toBe(
      `database 'notes' does not exist on Postgres at db.example:5432: create it (createdb notes) or fix the URL`,
    );
  });

  it('any other error keeps its SQLSTATE and loses the password', async () => {
    const e = await serverError('XX000', `boom near postgres://me:${SECRET}@db/x and ${SECRET}`);
    const mapped = mapPgError(e, `postgres://me:${SECRET}@db/x`);
    expect(mapped.message).toMatch(
      /^Postgres at db:5432: boom near postgres:\/\/me:\*\*\*@db\/x and \*\*\* \(SQLSTATE XX000\)$/,
    );
  });
});

describe('missing pgvector', () => {
  it('says how to install it when the server has no vector extension', async () => {
    // A real Postgres (PGlite) started without the pgvector extension files.
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create();
    const socket = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 4 });
    await socket.start();
    const url = `postgres://me:${SECRET}@${socket.getServerConn()}/postgres`;
    const pool = await openPgPool(url);
    try {
      let e: unknown;
      try {
        await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
      } catch (err) {
        e = err;
      }
      const mapped = mapPgError(e, url);
      expect(mapped.message).toMatch(
        /^the pgvector extension is not installed on Postgres at 127\.0\.0\.1:\d+: install it/,
      );
      expect(mapped.message).not.toContain(SECRET);
    } finally {
      await pool.end();
      await socket.stop();
      await db.close();
    }
  });
});
