import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { HippoError } from '../../shared/errors';
import type { Memory } from '../memory/memory';
import { mapPgError, redactUrl } from './pg-connect';
import { migratePg } from './pg-migrate';
import { LocalSide, PG_EMBEDDING_DIMS } from './sync-local';
import { pullBatch, remoteChangesAfter } from './sync-pull';
import { pushBatch } from './sync-push';

export interface SyncProgress {
  phase: 'push' | 'pull';
  pushed: number;
  /** Local changes waiting when the sync began. */
  pushTotal: number;
  pulled: number;
  /** Remote changes after the cursor when the pull began (more may arrive meanwhile). */
  pullTotal: number;
}

export interface SyncOptions {
  /** Rows per transaction on each side; default 500. */
  batchSize?: number;
  onProgress?: (p: SyncProgress) => void;
  /** Stops between batches; what was committed stays committed and the next sync goes on. */
  signal?: AbortSignal;
  /** The URL the pool was opened with, for the status (redacted before it is stored). */
  url?: string;
}

export interface SyncSummary {
  /** The remote's URL with the password redacted. */
  remote: string;
  /** Local rows (and tombstones) sent. */
  pushed: number;
  /** Remote rows that changed something here. */
  pulled: number;
  /** Rows changed on both sides, resolved by last-writer-wins (the loser kept as history). */
  conflicts: number;
  /** Local changes still waiting (made while the sync ran). */
  pending_local: number;
  ms: number;
  /** Present when this device's vectors were not sent (its model is wider than Postgres's columns). */
  note?: string;
}

/** What the app's settings pane and /health show of the last sync. */
export interface SyncStatus {
  last_sync_at: number | null;
  last_result: 'ok' | 'failed' | null;
  last_error: string | null;
  pushed: number;
  pulled: number;
  pending_local: number;
  /** Redacted URL of the remote synced last. */
  remote: string | null;
}

export const DEFAULT_SYNC_BATCH = 500;

/**
 * Two-way sync of this memory's SQLite file with a Postgres (migrated first by migratePg): pushes
 * the local changes (facts, labels, soft deletes, restores, purges as tombstones, vectors with
 * their model), then pulls the remote ones. Each batch is one transaction on each side and the
 * push mark and pull cursor move only with committed batches, so a sync killed anywhere leaves
 * both sides consistent and the next one finishes; running it again changes nothing.
 * Safe to run while the app uses the same file. Throws HippoError (messages carry no password).
 */
export async function syncWithPostgres(
  memory: Memory,
  pool: pg.Pool,
  opts: SyncOptions = {},
): Promise<SyncSummary> {
  const batchSize = opts.batchSize ?? DEFAULT_SYNC_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new HippoError('BAD_INPUT', `batchSize: must be a positive integer, got ${batchSize}`);
  const url = redactUrl(opts.url ?? pool.options.connectionString ?? 'postgres://?');
  const local = new LocalSide(memory.db);
  const started = Date.now();
  let remote: string;
  try {
    // Idempotent and under the write lock; refuses a schema newer than this Hippo before writing.
    await migratePg(pool);
    remote = await remoteId(pool);
  } catch (e) {
    throw recordSyncFailure(memory, asHippoError(e, opts.url ?? pool.options.connectionString ?? ''));
  }
  local.beginRemote(remote, url);
  const device = local.deviceId();
  const progress: SyncProgress = { phase: 'push', pushed: 0, pushTotal: 0, pulled: 0, pullTotal: 0 };
  let conflicts = 0;
  const stopped = () => opts.signal?.aborted === true;
  const push = async () => {
    progress.phase = 'push';
    let mark = local.state(remote)!.pushed_seq;
    progress.pushTotal = progress.pushed + local.pendingCount(mark);
    opts.onProgress?.({ ...progress });
    while (!stopped()) {
      const batch = local.dirtyBatch(mark, batchSize);
      const size = batch.labels.length + batch.facts.length + batch.versions.length + batch.tombstones.length;
      if (size === 0) break;
      const client = await pool.connect();
      try {
        const result = await pushBatch(client, local, batch, device);
        local.markPushed(remote, result.outcomes, batch.upTo);
        conflicts += result.conflicts;
      } finally {
        client.release();
      }
      mark = batch.upTo;
      progress.pushed += size;
      progress.pushTotal = Math.max(progress.pushTotal, progress.pushed);
      opts.onProgress?.({ ...progress });
    }
  };
  const pull = async (): Promise<number> => {
    progress.phase = 'pull';
    let cursor = local.state(remote)!.pulled_seq;
    const before = progress.pulled;
    let read = 0;
    const total = stopped() ? 0 : await remoteChangesAfter(pool, cursor);
    progress.pullTotal = progress.pulled + total;
    opts.onProgress?.({ ...progress });
    while (!stopped()) {
      const r = await pullBatch(pool, local, remote, cursor, batchSize);
      if (r.read === 0) break;
      cursor = r.cursor;
      read += r.read;
      progress.pulled += r.applied;
      progress.pullTotal = Math.max(progress.pullTotal, before + read);
      opts.onProgress?.({ ...progress });
    }
    return progress.pulled - before;
  };
  try {
    await push();
    // Pulling can itself make local changes (two devices' copies of one fact joined, a label
    // merged away): more rounds send them, and whatever the app wrote meanwhile, so both sides
    // end equal. A few rounds at most: another device may keep writing.
    for (let round = 0; round < 3; round++) {
      if ((await pull()) === 0 || stopped() || local.pendingCount(local.state(remote)!.pushed_seq) === 0)
        break;
      await push();
    }
    if (stopped()) throw new HippoError('INTERNAL', 'sync stopped before the end; run it again to finish');
  } catch (e) {
    const err = asHippoError(e, opts.url ?? pool.options.connectionString ?? '');
    local.finish(remote, Date.now(), 'failed', err.message, progress.pushed, progress.pulled);
    throw err;
  }
  const pending = local.pendingCount(local.state(remote)!.pushed_seq);
  local.finish(remote, Date.now(), 'ok', null, progress.pushed, progress.pulled);
  return {
    remote: url,
    pushed: progress.pushed,
    pulled: progress.pulled,
    conflicts,
    pending_local: pending,
    ms: Date.now() - started,
    ...(local.vectorsTravel()
      ? {}
      : {
          note:
            `this device's model makes ${local.localDims()}-dimension vectors and Postgres holds ${PG_EMBEDDING_DIMS}: ` +
            'facts and labels were synced without vectors, and each device embeds them with its own model',
        }),
  };
}

/**
 * Records a sync that failed before it reached the server (unreachable, wrong password, schema
 * too new) against the server synced last, if any, so the status shows it; returns the error.
 */
export function recordSyncFailure(memory: Memory, err: HippoError): HippoError {
  const local = new LocalSide(memory.db);
  const last = local.currentState();
  if (last) local.finish(last.remote, Date.now(), 'failed', err.message, 0, 0);
  return err;
}

/** SQLite's own errors name the local file's problem; anything else came from Postgres or the network. */
function asHippoError(e: unknown, url: string): HippoError {
  if (e instanceof HippoError) return e;
  const err = e as { name?: string; message?: string; code?: unknown };
  if (err?.name === 'SqliteError')
    return new HippoError('DB_ERROR', `local database: ${err.message ?? String(e)}`, { cause: e });
  if (typeof err?.code === 'string') return mapPgError(e, url);
  return new HippoError('INTERNAL', `sync failed: ${err?.message ?? String(e)}`, { cause: e });
}

/** The identity of this Postgres, so a device notices when its URL points at another one. */
async function remoteId(pool: pg.Pool): Promise<string> {
  await pool.query(
    "INSERT INTO hippo_meta (key, value) VALUES ('remote_id', $1) ON CONFLICT (key) DO NOTHING",
    [randomUUID()],
  );
  const r = await pool.query<{ value: string }>("SELECT value FROM hippo_meta WHERE key = 'remote_id'");
  return r.rows[0]!.value;
}

/** The last sync as this device recorded it; all nulls and zeros before the first one. */
export function syncStatus(memory: Memory): SyncStatus {
  const local = new LocalSide(memory.db);
  const s = local.currentState();
  return {
    last_sync_at: s?.last_sync_at ?? null,
    last_result: s?.last_result ?? null,
    last_error: s?.last_error ?? null,
    pushed: s?.pushed ?? 0,
    pulled: s?.pulled ?? 0,
    pending_local: local.pendingCount(s?.pushed_seq ?? 0),
    remote: s?.url ?? null,
  };
}
