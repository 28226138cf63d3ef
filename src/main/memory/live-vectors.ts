import type { Statement } from 'better-sqlite3';
import { ChangeFollower } from './fact-changes';
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

/**
 * Keeps an in-memory VectorIndex equal to the live rows of vec_facts, which stays the durable
 * store. Before each search it reads the fact_changes log (written by triggers, on every
 * connection) and re-reads the vector rows of the facts changed since it last looked, so writes
 * by the CLI while the app runs show up, and a rolled-back transaction never does.
 */
export class LiveVectors {
  private index: VectorIndex | null = null;
  private readonly follower: ChangeFollower;
  private readonly rowStmt: Statement<[bigint], VecRow>;
  private readonly allStmt: Statement<[], VecRow>;

  constructor(private readonly db: Db) {
    this.follower = new ChangeFollower(db);
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
    this.follower.catchUp(
      this.index?.size ?? null,
      () => this.load(),
      (ids) => this.refresh(ids),
    );
    return this.index;
  }

  /** Frees the index (the memory is closing). */
  release(): void {
    this.index = null;
  }

  /** Reads every live vector. */
  private load(): void {
    const index = new VectorIndex();
    for (const row of this.allStmt.iterate()) if (row.live === 1) index.upsert(toIndexed(row));
    this.index = index;
  }

  private refresh(ids: number[]): void {
    const index = this.index!;
    for (const id of ids) {
      const row = this.rowStmt.get(BigInt(id));
      if (row && row.live === 1) index.upsert(toIndexed(row));
      else index.remove(id);
    }
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
