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

/** Above this share of an index (plus a few), re-reading changed facts one by one costs more than a rebuild. */
const REBUILD_SHARE = 0.25;
const REBUILD_MIN = 64;

/**
 * Keeps one in-memory index in step with the fact_changes log: the index is rebuilt when it does
 * not exist yet, when too many facts changed, or when pruning took entries it had not read; else
 * only the changed facts are re-read. The log's head is read before either, so a change committed
 * meanwhile is picked up by the next call.
 */
export class ChangeFollower {
  private readonly changes: FactChanges;
  private seen = 0;

  constructor(db: Db) {
    this.changes = new FactChanges(db);
  }

  /** The log's head now: an index built from what is committed now is current up to it. */
  head(): number {
    return this.changes.head();
  }

  /** An index built elsewhere (in the background) is current up to `head`; later changes are re-read. */
  adopt(head: number): void {
    this.seen = head;
  }

  /** `size` is the index's entry count, or null when there is no index yet. */
  catchUp(size: number | null, rebuild: () => void, reread: (ids: number[]) => void): void {
    const head = this.changes.head();
    if (size === null) rebuild();
    else if (head !== this.seen) {
      const ids = this.changes.changedBetween(this.seen, head);
      if (!ids || ids.length > size * REBUILD_SHARE + REBUILD_MIN) rebuild();
      else reread(ids);
    }
    this.seen = head;
  }
}
