import type pg from 'pg';
import { HippoError } from '../../shared/errors';
import { isPgvectorProblem, mapPgError } from './pg-connect';
import { PG_MIGRATIONS, type PgMigration } from './pg-migrations';

/** Every transaction that writes facts or labels takes this lock first (see the sync contract). */
export const PG_WRITE_LOCK = 782101;

export interface PgMigrateReport {
  from: number;
  to: number;
}

/** The schema version a Postgres holds: 0 when Hippo has never run there. */
export async function pgSchemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('hippo_meta')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const row = await client.query<{ value: string }>(
    "SELECT value FROM hippo_meta WHERE key = 'schema_version'",
  );
  return row.rows[0] ? Number(row.rows[0].value) : 0;
}

/**
 * Brings the Postgres schema to the newest version this Hippo knows. Each migration runs in its
 * own transaction, which also bumps hippo_meta.schema_version, so a failure leaves the previous
 * version whole. The write lock serializes two Hippos migrating the same server at once, and
 * the version is re-read under it. A schema newer than this Hippo is refused before any write.
 */
export async function migratePg(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<PgMigrateReport> {
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const client = await pool.connect();
  try {
    const from = await pgSchemaVersion(client);
    refuseNewer(from, latest);
    let version = from;
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= version) continue;
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [PG_WRITE_LOCK]);
        const now = await pgSchemaVersion(client);
        refuseNewer(now, latest);
        if (now >= m.version) {
          // Another Hippo migrated while we waited for the lock.
          await client.query('COMMIT');
          version = now;
          continue;
        }
        await m.up(client);
        await client.query(
          `INSERT INTO hippo_meta (key, value) VALUES ('schema_version', $1)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
          [String(m.version)],
        );
        await client.query('COMMIT');
        version = m.version;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (e instanceof HippoError) throw e;
        // Say how to install pgvector rather than only that a migration failed.
        if (isPgvectorProblem(e)) throw mapPgError(e, pool.options.connectionString ?? '');
        throw new HippoError(
          'MIGRATION_FAILED',
          `Postgres migration ${m.version} (${m.name}) failed and was rolled back; the schema stays at version ${version}: ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
    return { from, to: version };
  } finally {
    client.release();
  }
}

function refuseNewer(found: number, latest: number): void {
  if (found > latest) {
    throw new HippoError(
      'MIGRATION_FAILED',
      `this Postgres holds Hippo schema ${found}; this Hippo knows up to ${latest}: update Hippo`,
    );
  }
}
