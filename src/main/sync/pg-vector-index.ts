import type pg from 'pg';
import { HippoError } from '../../shared/errors';
import { PG_WRITE_LOCK } from './pg-migrate';
import { inPgTransaction } from './pg-connect';

export type VectorIndexKind = 'hnsw' | 'ivfflat';

export interface VectorIndexInfo {
  kind: VectorIndexKind;
  /** ivfflat only: the lists it was built with. */
  lists?: number;
}

const NAMES: Record<VectorIndexKind, string> = {
  hnsw: 'facts_embedding_hnsw',
  ivfflat: 'facts_embedding_ivfflat',
};

/** The seed's table: rows / 1000 lists up to a million rows, sqrt(rows) above; at least 1. */
export function ivfflatLists(rows: number): number {
  return Math.max(1, Math.round(rows <= 1_000_000 ? rows / 1000 : Math.sqrt(rows)));
}

/** The seed's probes for a list count: sqrt(lists), at least 1. */
export function ivfflatProbes(lists: number): number {
  return Math.max(1, Math.round(Math.sqrt(lists)));
}

/** Which cosine index facts.embedding has now (HNSW after migration 0001). */
export async function currentVectorIndex(client: pg.Pool | pg.ClientBase): Promise<VectorIndexInfo> {
  const r = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes
      WHERE tablename = 'facts' AND indexname = ANY($1::text[]) AND schemaname = current_schema()`,
    [Object.values(NAMES)],
  );
  const ivf = r.rows.find((x) => x.indexname === NAMES.ivfflat);
  if (ivf) {
    const lists = /lists\s*=\s*'?(\d+)/i.exec(ivf.indexdef)?.[1];
    return { kind: 'ivfflat', lists: lists ? Number(lists) : 1 };
  }
  return { kind: 'hnsw' };
}

/**
 * Replaces the facts' cosine index with HNSW or ivfflat, in one transaction under the write lock
 * (writers wait; a failure keeps the old index). ivfflat clusters the vectors present now, so its
 * lists come from today's row count: rebuild it after the table has grown a lot.
 */
export async function rebuildVectorIndex(pool: pg.Pool, kind: VectorIndexKind): Promise<VectorIndexInfo> {
  if (kind !== 'hnsw' && kind !== 'ivfflat')
    throw new HippoError('BAD_INPUT', `index kind must be hnsw or ivfflat, got "${String(kind)}"`);
  return inPgTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PG_WRITE_LOCK]);
    await client.query(`DROP INDEX IF EXISTS ${NAMES.hnsw}`);
    await client.query(`DROP INDEX IF EXISTS ${NAMES.ivfflat}`);
    let info: VectorIndexInfo = { kind };
    if (kind === 'hnsw') {
      await client.query(`CREATE INDEX ${NAMES.hnsw} ON facts USING hnsw (embedding vector_cosine_ops)`);
    } else {
      const rows = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM facts WHERE embedding IS NOT NULL',
      );
      const lists = ivfflatLists(Number(rows.rows[0]!.n));
      await client.query(
        `CREATE INDEX ${NAMES.ivfflat} ON facts USING ivfflat (embedding vector_cosine_ops) WITH (lists = ${lists})`,
      );
      info = { kind, lists };
    }
    return info;
  });
}
