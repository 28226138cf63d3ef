import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { HippoError } from '../../shared/errors';
import { migrate, type MigrateReport } from './migrate';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenDbOptions {
  /** Defaults to every migration in migrations/; tests pass a list to exercise failures. */
  migrations?: readonly Migration[];
  readonly?: boolean;
}

export interface OpenedDb {
  db: Db;
  path: string;
  migration: MigrateReport;
}

/**
 * Opens (creating if needed) a Hippo database: WAL, synchronous=FULL so an acknowledged write
 * survives a power cut, foreign keys on, a busy timeout for a second reader/writer, sqlite-vec
 * loaded, and migrations applied (the file is backed up first).
 */
export function openDb(path: string, options: OpenDbOptions = {}): OpenedDb {
  const inMemory = path === ':memory:';
  if (!inMemory) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw new HippoError('DB_ERROR', `cannot create the folder for ${path}: ${(e as Error).message}`);
    }
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false });
  } catch (e) {
    throw new HippoError('DB_ERROR', `cannot open database ${path}: ${(e as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!inMemory && !options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Vector search reads every stored vector; through the pager that costs ~3x what reading
    // them from a memory map does (10 ms vs 3.7 ms at 10k facts). Address space, not RAM.
    db.pragma('mmap_size = 1073741824');
    db.pragma('cache_size = -32768');
    db.loadExtension(unpackedPath(sqliteVec.getLoadablePath()));
    const migration = options.readonly
      ? { from: db.pragma('user_version', { simple: true }) as number, to: 0, backupPath: null }
      : migrate(db, inMemory ? null : path, options.migrations ?? MIGRATIONS);
    return { db, path, migration };
  } catch (e) {
    db.close();
    if (e instanceof HippoError) throw e;
    throw new HippoError('DB_ERROR', `cannot prepare database ${path}: ${(e as Error).message}`);
  }
}

/**
 * Runs `write` in a transaction committed without waiting for the disk (synchronous=NORMAL: in
 * WAL mode a crash may lose it, never corrupt the file). Only for data that is advisory or can be
 * rebuilt, such as access counts and the embedding cache, so the server thread never waits on an
 * fsync for them. Facts always commit with synchronous=FULL.
 */
export function commitWithoutFsync(db: Db, write: () => void): void {
  db.pragma('synchronous = NORMAL');
  try {
    db.transaction(write)();
  } finally {
    db.pragma('synchronous = FULL');
  }
}

/**
 * A native library inside a packaged app's `app.asar` cannot be loaded from there; electron-builder
 * unpacks it (asarUnpack) beside the archive, into `app.asar.unpacked`.
 */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
