import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type pg from 'pg';
import { HippoError, toErrorPayload } from '../../shared/errors';
import type { SyncStatus } from '../../shared/ipc-contract';
import type { SyncPort } from '../app-service/app-service';
import type { Memory } from '../memory/memory';
import { openPgPool, parsePgUrl, redactUrl } from '../sync/pg-connect';
import { migratePg } from '../sync/pg-migrate';
import { syncStatus, syncWithPostgres, type SyncProgress } from '../sync/sync-engine';

export interface SyncRunnerOptions {
  memory: Memory;
  /** Where the server address is kept (0600, in a 0700 folder, like the API token). */
  remoteFile: string;
  /** HIPPO_PG_URL, used when no address was set in the app. */
  envUrl?: string;
  /** Told about failures, which the status also shows. */
  onError?: (message: string, error: unknown) => void;
  /** Opens the pool; tests may pass smaller limits. */
  openPool?: (url: string) => Promise<pg.Pool>;
}

/**
 * Sync for the desktop app: keeps the server's address, runs one sync at a time in the background
 * (the same syncWithPostgres `hippo sync` runs) and reports its progress for the settings pane.
 */
export class SyncRunner implements SyncPort {
  private running: Promise<void> | null = null;
  private progress: SyncProgress | null = null;
  private abort: AbortController | null = null;
  /** A failure before the engine could record one (server unreachable, schema newer). */
  private startError: string | null = null;

  constructor(private readonly opts: SyncRunnerOptions) {}

  status(): SyncStatus {
    const url = this.url();
    const recorded = syncStatus(this.opts.memory);
    const p = this.progress;
    return {
      ...recorded,
      configured: url !== null,
      remote: url === null ? recorded.remote : redactUrl(url),
      running: this.running !== null,
      progress:
        this.running && p
          ? p.phase === 'push'
            ? { phase: 'push', done: p.pushed, total: p.pushTotal }
            : { phase: 'pull', done: p.pulled, total: p.pullTotal }
          : null,
      ...(this.startError && !this.running
        ? { last_result: 'failed' as const, last_error: this.startError }
        : {}),
      manageable: true,
    };
  }

  async configure(url: string | null): Promise<SyncStatus> {
    if (this.running)
      throw new HippoError('BAD_INPUT', 'a sync is running; change the server when it has finished');
    if (url === null) {
      rmSync(this.opts.remoteFile, { force: true });
      this.startError = null;
      return this.status();
    }
    parsePgUrl(url);
    // Kept only once the server answers and holds (or takes) Hippo's schema with pgvector.
    const pool = await this.open(url);
    try {
      await migratePg(pool);
    } finally {
      await pool.end().catch(() => undefined);
    }
    writeSecret(this.opts.remoteFile, url.trim());
    this.startError = null;
    return this.status();
  }

  run(): SyncStatus {
    const url = this.url();
    if (url === null) throw new HippoError('BAD_INPUT', 'no server to sync with: set its address first');
    this.running ??= this.sync(url).finally(() => {
      this.running = null;
      this.progress = null;
      this.abort = null;
    });
    return this.status();
  }

  /** Resolves when no sync runs (the app waits for it before closing the database). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Stops a running sync between batches; what was committed stays, the next sync finishes. */
  async close(): Promise<void> {
    this.abort?.abort();
    await this.settled();
  }

  private async sync(url: string): Promise<void> {
    this.startError = null;
    this.abort = new AbortController();
    let pool: pg.Pool | null = null;
    try {
      pool = await this.open(url);
      // syncWithPostgres migrates the server itself.
      await syncWithPostgres(this.opts.memory, pool, {
        url,
        signal: this.abort.signal,
        onProgress: (p) => (this.progress = p),
      });
      // Facts pulled from a device that had no model arrive without vectors: embed them here.
      this.opts.memory.noteExternalWrites();
    } catch (e) {
      const message = toErrorPayload(e).message;
      // The engine records its own failures; one before it started is kept here for the status.
      if (syncStatus(this.opts.memory).last_error !== message) this.startError = message;
      this.opts.onError?.(message, e);
    } finally {
      await pool?.end().catch(() => undefined);
    }
  }

  private open(url: string): Promise<pg.Pool> {
    return (
      this.opts.openPool ?? ((u) => openPgPool(u, { min: 0, max: 3, applicationName: 'hippo app sync' }))
    )(url);
  }

  private url(): string | null {
    try {
      const kept = readFileSync(this.opts.remoteFile, 'utf8').trim();
      if (kept) return kept;
    } catch {
      // No address set in the app.
    }
    return this.opts.envUrl?.trim() || null;
  }
}

/** Written beside and renamed, 0600 in a 0700 folder: other users never read the password. */
function writeSecret(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${text}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
