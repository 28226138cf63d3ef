import pg from 'pg';
import { HippoError } from '../../shared/errors';

/**
 * Pool sizing and limits, from the seed's production settings:
 * - min 2: recall runs its vector and word queries side by side, so two warm connections
 *   answer the first recall without a handshake; pg-pool keeps that many when idle.
 * - max 10: well under a default server's max_connections (100) even with a few devices and
 *   the app running at once, and more than the engine's concurrency (encode is one writer).
 * - idleTimeoutMillis 30 s: extra clients opened by a burst go away soon after it.
 * - maxLifetimeSeconds 30 min: connections are recycled, so a failover, a pgbouncer restart or
 *   server-side memory growth per backend never pins a stale connection forever.
 * - connectionTimeoutMillis 10 s: a host that drops packets fails with a clear error instead of
 *   hanging the CLI (the OS TCP timeout is minutes).
 */
export const PG_POOL_DEFAULTS = {
  min: 2,
  max: 10,
  idleTimeoutMillis: 30_000,
  maxLifetimeSeconds: 30 * 60,
  connectionTimeoutMillis: 10_000,
} as const;

export type PgPoolOptions = Partial<Record<keyof typeof PG_POOL_DEFAULTS, number>> & {
  applicationName?: string;
};

/** The URL with any password replaced by `***`, fit for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    const pw = u.searchParams.get('password');
    if (pw !== null) u.searchParams.set('password', '***');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    // Not parseable: blank out anything between "user:" and "@", and any password= parameter.
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^&\s]*/gi, '$1***');
  }
}

/** What a URL names, for messages: host:port/database, never the password. */
interface PgTarget {
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
}

/**
 * Checks a Postgres URL before any connection, so a typo is a BAD_INPUT that names what is
 * wrong rather than a network error.
 */
export function parsePgUrl(url: string): PgTarget {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new HippoError(
      'BAD_INPUT',
      'Postgres URL is empty: give --pg postgres://user:password@host:5432/database',
    );
  }
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new HippoError(
      'BAD_INPUT',
      // Not echoed: an unparseable string may be a password pasted in the wrong place.
      'Postgres URL is not a URL: expected postgres://user:password@host:5432/database',
    );
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new HippoError(
      'BAD_INPUT',
      `Postgres URL ${redactUrl(url)} must start with postgres:// or postgresql:// (not ${u.protocol}//)`,
    );
  }
  const socketHost = u.searchParams.get('host');
  if (!u.hostname && !socketHost) {
    throw new HippoError('BAD_INPUT', `Postgres URL ${redactUrl(url)} names no host`);
  }
  if (u.port && (!/^\d+$/.test(u.port) || Number(u.port) < 1 || Number(u.port) > 65535)) {
    throw new HippoError('BAD_INPUT', `Postgres URL ${redactUrl(url)} has an invalid port ${u.port}`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (database.includes('/')) {
    throw new HippoError(
      'BAD_INPUT',
      `Postgres URL ${redactUrl(url)} has a database name with '/': ${database}`,
    );
  }
  const user = decodeURIComponent(u.username) || process.env.PGUSER || '';
  return {
    host: u.hostname || socketHost || '',
    port: u.port || '5432',
    database: database || user,
    user,
    password: decodeURIComponent(u.password) || u.searchParams.get('password') || '',
  };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

/**
 * Any error from `pg` or the network as a HippoError whose message says what is wrong and what
 * to do, naming host, port and database but never the password.
 */
export function mapPgError(e: unknown, url: string): HippoError {
  if (e instanceof HippoError) return e;
  let target: PgTarget | null;
  try {
    target = parsePgUrl(url);
  } catch {
    target = null;
  }
  const where = target ? `${target.host}:${target.port}` : redactUrl(url);
  const err = e as { code?: string; message?: string; errno?: number };
  const code = err?.code;
  const raw = scrub(String(err?.message ?? e), target?.password ?? '');
  const wrap = (msg: string) => new HippoError('DB_ERROR', msg, { cause: e });

  if (
    (code && UNREACHABLE.has(code)) ||
    /timeout expired|connection timeout|Connection terminated/i.test(raw)
  ) {
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused (is the server running and listening on that port?)'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host name not found (check the host in the URL)'
          : /timeout/i.test(raw) || code === 'ETIMEDOUT'
            ? 'no answer before the connection timeout (check the host, port and firewall)'
            : raw;
    return wrap(`cannot reach Postgres at ${where}: ${why}`);
  }
  switch (code) {
    case '28P01':
      return wrap(`Postgres at ${where} rejected the password for user '${target?.user ?? '?'}'`);
    case '28000':
      return wrap(
        `Postgres at ${where} refused user '${target?.user ?? '?'}' (no pg_hba.conf entry or role): ${raw}`,
      );
    case '3D000':
      return wrap(
        `database '${target?.database ?? '?'}' does not exist on Postgres at ${where}: create it (createdb ${target?.database ?? ''}) or fix the URL`,
      );
  }
  if (isMissingPgvector(err)) {
    return wrap(
      `the pgvector extension is not installed on Postgres at ${where}: install it on the server ` +
        `(e.g. apt install postgresql-NN-pgvector, or see https://github.com/pgvector/pgvector#installation), ` +
        `then run again (Hippo runs CREATE EXTENSION vector itself)`,
    );
  }
  if (code === '42501' && /extension/i.test(raw)) {
    return wrap(
      `Postgres at ${where} does not let user '${target?.user ?? '?'}' create the pgvector extension: ` +
        `have a superuser run CREATE EXTENSION vector; in database '${target?.database ?? '?'}'`,
    );
  }
  return wrap(
    `Postgres at ${where}: ${raw}${code && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ''}`,
  );
}

/** The pgvector extension is missing, or this user may not create it. */
export function isPgvectorProblem(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return isMissingPgvector(err) || (err?.code === '42501' && /extension/i.test(err.message ?? ''));
}

function isMissingPgvector(err: { code?: string; message?: string }): boolean {
  const m = err?.message ?? '';
  return (
    (err.code === '0A000' || err.code === '58P01' || err.code === '42704') &&
    /extension "vector"|vector\.control|type "vector" does not exist/.test(m)
  );
}

function scrub(text: string, password: string): string {
  let out = text.replace(/(postgres(?:ql)?:\/\/[^\s'"]+)/g, (m) => redactUrl(m));
  if (password.length >= 3) out = out.split(password).join('***');
  return out;
}

/**
 * Opens a pool and proves the server answers (and the credentials and database are right)
 * before returning it; any failure closes the pool and throws a HippoError.
 */
export async function openPgPool(url: string, opts: PgPoolOptions = {}): Promise<pg.Pool> {
  parsePgUrl(url);
  const { applicationName, ...limits } = opts;
  const pool = new pg.Pool({
    connectionString: url.trim(),
    ...PG_POOL_DEFAULTS,
    ...limits,
    application_name: applicationName ?? 'hippo',
  });
  // An idle client's socket error is emitted on the pool; unhandled, it would crash the process.
  // The next query gets a fresh client and its own error.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw mapPgError(e, url);
  }
  return pool;
}

/**
 * Runs fn in one transaction on a pooled client: COMMIT when it resolves, ROLLBACK when it throws
 * (a failed rollback is dropped, so the first error is the one reported), and the client always
 * goes back to the pool.
 */
export async function inPgTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  opts: { readOnly?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(opts.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
