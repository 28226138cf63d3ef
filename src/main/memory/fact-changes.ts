import type { Statement } from 'better-sqlite3';
import type { Db } from './open-db';

/** Log entries kept; a reader further behind than this rebuilds its indexes instead. */
export const FACT_CHANGES_KEPT = 50_000;

/**
 * Reads the fact_changes log (migration 0002): which facts changed after a given point, on this
 * connection or any other. Only committed entries are visible outside a transaction.
 */
export class FactChanges {
  private readonly headStmt: Statement<[], number>;
  private readonly oldestStmt: Statement<[], number | null>;
  private readonly idsStmt: Statement<[number, number], number>;

  constructor(db: Db) {
    this.headStmt = db.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM fact_changes').pluck();
    this.oldestStmt = db.prepare<[], number | null>('SELECT min(seq) FROM fact_changes').pluck();
    this.idsStmt = db
      .prepare<[number, number], number>(
        'SELECT DISTINCT fact_id FROM fact_changes WHERE seq > ? AND seq <= ?',
      )
      .pluck();
  }

  /** The newest entry's sequence number (0 for an empty log). */
  head(): number {
    return this.headStmt.get()!;
  }

  /** Facts changed after `since` up to `head`, or null when pruning took entries in between. */
  changedBetween(since: number, head: number): number[] | null {
    const oldest = this.oldestStmt.get();
    if (oldest === null || oldest === undefined || oldest > since + 1) return null;
    return this.idsStmt.all(since, head);
  }
}
