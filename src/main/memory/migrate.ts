import { copyFileSync, existsSync, statSync } from 'node:fs';
import { HippoError } from '../../shared/errors';
import type { Db } from './open-db';
import type { Migration } from './migrations';

export interface MigrateReport {
  from: number;
  to: number;
  /** Copy of the file taken before migrating, or null when nothing needed migrating. */
  backupPath: string | null;
}

/**
 * Brings the schema to the newest version. Each migration runs in its own transaction and
 * bumps user_version inside it, so a failure rolls that step back whole; an existing file is
 * copied aside first so even a bug in a committed step can be undone by hand.
 */
export function migrate(db: Db, path: string | null, migrations: readonly Migration[]): MigrateReport {
  const from = db.pragma('user_version', { simple: true }) as number;
  const pending = migrations.filter((m) => m.version > from).sort((a, b) => a.version - b.version);
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  if (from > latest) {
    throw new HippoError(
      'MIGRATION_FAILED',
      `database schema version ${from} is newer than this Hippo understands (${latest}); update Hippo`,
    );
  }
  if (pending.length === 0) return { from, to: from, backupPath: null };

  let backupPath: string | null = null;
  if (path && from > 0 && existsSync(path) && statSync(path).size > 0) {
    // Fold the WAL into the main file so the copy is complete on its own.
    db.pragma('wal_checkpoint(TRUNCATE)');
    backupPath = `${path}.v${from}.${Date.now()}.bak`;
    copyFileSync(path, backupPath);
  }

  let version = from;
  for (const m of pending) {
    try {
      db.transaction(() => {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      })();
      version = m.version;
    } catch (e) {
      throw new HippoError(
        'MIGRATION_FAILED',
        `migration ${m.version} (${m.name}) failed and was rolled back; the database stays at version ${version}: ${(e as Error).message}`,
      );
    }
  }
  return { from, to: version, backupPath };
}
