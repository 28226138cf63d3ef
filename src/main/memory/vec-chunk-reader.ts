import type { Statement } from 'better-sqlite3';
import type { Db } from './open-db';

/** One of sqlite-vec's chunks: up to `size` vectors stored side by side in one blob. */
export interface VecChunk {
  /** Fact id per slot (meaningful where the slot is valid). */
  ids: Float64Array;
  valid: (slot: number) => boolean;
  /** size × dim floats. */
  vectors: Float32Array;
  size: number;
  dim: number;
}

/**
 * Reads vec_facts's vectors straight from sqlite-vec's shadow tables, a chunk of 1024 per row,
 * instead of through the vec0 table, which hands out one row (and one Buffer) per vector at about
 * 0.1 ms each: ten seconds for 100k facts, against well under one this way. The layout read here
 * (vec_facts_chunks: validity bitmap and int64 rowids; vec_facts_vector_chunks00: float32 vectors)
 * is sqlite-vec 0.1's; open() checks it and returns null when it does not hold, and the caller
 * reads the vec0 table instead.
 */
export class VecChunkReader {
  private constructor(
    private readonly chunkIdsStmt: Statement<[number], number>,
    private readonly chunkStmt: Statement<[number], ChunkRow>,
    private readonly countStmt: Statement<[], number>,
  ) {}

  static open(db: Db): VecChunkReader | null {
    const tables = new Set(
      db
        .prepare<[], string>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'vec\\_facts\\_%' ESCAPE '\\'",
        )
        .pluck()
        .all(),
    );
    if (!['vec_facts_chunks', 'vec_facts_rowids', 'vec_facts_vector_chunks00'].every((t) => tables.has(t))) {
      return null;
    }
    try {
      return new VecChunkReader(
        db
          .prepare<[number], number>(
            'SELECT chunk_id FROM vec_facts_chunks WHERE chunk_id > ? ORDER BY chunk_id',
          )
          .pluck(),
        db.prepare<[number], ChunkRow>(
          `SELECT c.size AS size, c.validity AS validity, c.rowids AS rowids, v.vectors AS vectors
           FROM vec_facts_chunks c JOIN vec_facts_vector_chunks00 v ON v.rowid = c.chunk_id
           WHERE c.chunk_id = ?`,
        ),
        db.prepare<[], number>('SELECT count(*) FROM vec_facts_rowids').pluck(),
      );
    } catch {
      return null;
    }
  }

  /** Vectors stored (an upper bound of the live ones). */
  count(): number {
    return this.countStmt.get()!;
  }

  /** Chunk ids after `after`, in order. */
  chunkIds(after = 0): number[] {
    return this.chunkIdsStmt.all(after);
  }

  /** The chunk, or null when it is gone or not in the layout this reader knows. */
  read(chunkId: number): VecChunk | null {
    const row = this.chunkStmt.get(chunkId);
    if (!row) return null;
    const { size, validity, rowids, vectors } = row;
    if (
      !Number.isInteger(size) ||
      size <= 0 ||
      validity.byteLength * 8 < size ||
      rowids.byteLength !== size * 8 ||
      vectors.byteLength % (size * 4) !== 0
    ) {
      return null;
    }
    const ids = new Float64Array(size);
    const idView = new DataView(rowids.buffer, rowids.byteOffset, rowids.byteLength);
    for (let i = 0; i < size; i++) ids[i] = Number(idView.getBigInt64(i * 8, true));
    // A Float32Array needs a 4-byte aligned offset; a large blob gets its own allocation, so this
    // copy is the rare case.
    const floats =
      vectors.byteOffset % 4 === 0
        ? new Float32Array(vectors.buffer, vectors.byteOffset, vectors.byteLength / 4)
        : new Float32Array(Uint8Array.from(vectors).buffer);
    return {
      ids,
      valid: (slot) => (validity[slot >> 3]! & (1 << (slot & 7))) !== 0,
      vectors: floats,
      size,
      dim: vectors.byteLength / (size * 4),
    };
  }
}

interface ChunkRow {
  size: number;
  validity: Buffer;
  rowids: Buffer;
  vectors: Buffer;
}
