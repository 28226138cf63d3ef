import type pg from 'pg';
import type { Fact } from '../../shared/contract';
import type { QueryTimingListener, QueryType } from '../memory/memory-context';
import { factRecord } from '../memory/stored-records';
import { PURGED_HASH } from './sync-rows';
import { inPgTransaction } from './pg-connect';
import { PG_WRITE_LOCK } from './pg-migrate';

/** A fact as the Postgres store reads it (bigints arrive as text). */
export interface FactQueryRow {
  id: string;
  uid: string;
  space: string;
  content: string;
  content_hash: string;
  category: string;
  confidence: number;
  label_name: string | null;
  source: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  superseded_at: string | null;
  supersede_reason: 'edited' | 'superseded' | null;
  access_count: string | null;
  last_accessed_at: string | null;
}

/** FACT_SELECT with more columns of alias f (history reads the links, for one). */
export function factSelect(extraColumns = ''): string {
  return `SELECT f.id, f.uid::text AS uid, f.space, f.content, f.content_hash, f.category, f.confidence,
       l.name AS label_name, f.source, f.created_at, f.updated_at, f.deleted_at, f.superseded_at,
       f.supersede_reason, a.access_count, a.last_accessed_at${extraColumns ? `, ${extraColumns}` : ''}
  FROM facts f LEFT JOIN labels l ON l.uid = f.label_uid LEFT JOIN fact_access a ON a.fact_id = f.id`;
}

export const FACT_SELECT = factSelect();

/**
 * A purged fact stays in Postgres as a tombstone (sync-rows.ts) so syncing devices purge their
 * copy; to the store it is gone, as a purged fact is gone from a SQLite file.
 */
/** A live fact of alias f: neither forgotten nor superseded. */
export const PG_LIVE = 'f.deleted_at IS NULL AND f.superseded_by IS NULL';

export const NOT_PURGED = `f.content_hash <> '${PURGED_HASH}'`;

/** Access counts come from fact_access (0005): a fact never recalled has no row there. */
export const toFact = (
  r: FactQueryRow,
  { supersededBy = null }: { supersededBy?: number | null } = {},
): Fact => factRecord(r, supersededBy);

/**
 * One write transaction under the write lock every writer of facts and labels takes (the sync
 * contract: change_seq numbers then commit in order, so a puller never skips one).
 */
export function inPgWrite<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inPgTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PG_WRITE_LOCK]);
    return fn(client);
  });
}

/**
 * Runs a database step (one or more round trips), timing it when metrics listen, as Memory's
 * timed() does for SQLite: wall time from send to answer, so it includes the network and any wait
 * for a pooled connection or the write lock, which is what a caller of this Postgres waits for.
 */
export async function timedPg<T>(
  listeners: ReadonlySet<QueryTimingListener> | undefined,
  type: QueryType,
  step: () => Promise<T>,
): Promise<T> {
  if (!listeners || listeners.size === 0) return step();
  const started = performance.now();
  try {
    return await step();
  } finally {
    const seconds = (performance.now() - started) / 1000;
    for (const listener of listeners) {
      try {
        listener(type, seconds);
      } catch {
        // An observer must never break a query.
      }
    }
  }
}
