import type { Statement } from 'better-sqlite3';
import { FactChanges } from './fact-changes';
import type { Db } from './open-db';
import { vectorFromBlob } from './vector';
import { VectorIndex } from './vector-index';

interface VecRow {
  fact_id: number;
  space: string;
  embedding: Buffer;
  live: number;
  category: string;
  confidence: number;
  created_at: number;
  label_id: number;
}

/** Above this share of the index, re-reading changed rows one by one costs more than a reload. */
const RELOAD_SHARE = 0.25;

/**
 * Keeps an in-memory VectorIndex equal to the live rows of vec_facts, which stays the durable
 * store. Before each search it reads the fact_changes log (written by triggers, on every
 * connection) and re-reads the vector rows of the facts changed since it last looked, so writes
 * by the CLI while the app runs show up, and a rolled-back transaction never does.
 */
export class LiveVectors {
  private index: VectorIndex | null = null;
  private seen = 0;
  private readonly changes: FactChanges;
  private readonly rowStmt: Statement<[bigint], VecRow>;
  private readonly allStmt: Statement<[], VecRow>;

  constructor(private readonly db: Db) {
    this.changes = new FactChanges(db);
    const columns = 'fact_id, space, embedding, live, category, confidence, created_at, label_id';
    this.rowStmt = db.prepare<[bigint], VecRow>(`SELECT ${columns} FROM vec_facts WHERE fact_id = ?`);
    this.allStmt = db.prepare<[], VecRow>(`SELECT ${columns} FROM vec_facts`);
  }

  /**
   * The index, equal to what is committed; null inside a transaction, where uncommitted rows
   * count and the caller must ask SQLite itself.
   */
  current(): VectorIndex | null {
    if (this.db.inTransaction) return null;
    const head = this.changes.head();
    if (!this.index) this.load(head);
    else if (head !== this.seen) {
      const ids = this.changes.changedBetween(this.seen, head);
      if (!ids || ids.length > this.index.size * RELOAD_SHARE + 64) this.load(head);
      else this.refresh(ids, head);
    }
    return this.index;
  }

  /** Frees the index (the memory is closing). */
  release(): void {
    this.index = null;
  }

  /** Reads every vector; `head` was read first, so a change made meanwhile is re-read later. */
  private load(head: number): void {
    const index = new VectorIndex();
    for (const row of this.allStmt.iterate()) if (row.live === 1) index.upsert(toIndexed(row));
    this.index = index;
    this.seen = head;
  }

  private refresh(ids: number[], head: number): void {
    const index = this.index!;
    for (const id of ids) {
      const row = this.rowStmt.get(BigInt(id));
      if (row && row.live === 1) index.upsert(toIndexed(row));
      else index.remove(id);
    }
    this.seen = head;
  }
}

function toIndexed(row: VecRow) {
  return {
    id: Number(row.fact_id),
    space: row.space,
    vector: vectorFromBlob(row.embedding),
    category: row.category,
    confidence: row.confidence,
    createdAt: Number(row.created_at),
    labelId: Number(row.label_id ?? 0),
  };
}
