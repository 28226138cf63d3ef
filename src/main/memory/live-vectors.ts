import type { Statement } from 'better-sqlite3';
import { ChangeFollower } from './fact-changes';
import type { FactColumnValues } from './fact-columns';
import type { Db } from './open-db';
import { VecChunkReader, type VecChunk } from './vec-chunk-reader';
import { vectorFromBlob } from './vector';
import { VectorIndex, type IndexedVector } from './vector-index';

/** A row of vec_facts, as the index reads it. */
export interface VecRow {
  fact_id: number;
  space: string;
  embedding: Buffer;
  live: number;
  category: string;
  confidence: number;
  created_at: number;
  label_id: number;
}

type MetaRow = [
  id: number,
  space: string,
  category: string,
  confidence: number,
  createdAt: number,
  labelId: number,
];

/** A background load gives the thread back after this long, so requests keep flowing meanwhile. */
const LOAD_SLICE_MS = 8;

interface BackgroundLoad {
  index: VectorIndex;
  /** The change log's head when the load began: what changed after it is re-read once it ends. */
  head: number;
  lastChunk: number;
  cancelled: boolean;
  done: Promise<void>;
}

/**
 * Keeps an in-memory VectorIndex equal to the live rows of vec_facts, which stays the durable
 * store. Before each search it reads the fact_changes log (written by triggers, on every
 * connection) and re-reads the vector rows of the facts changed since it last looked, so writes
 * by the CLI while the app runs show up, and a rolled-back transaction never does.
 *
 * The index can be loaded in the background (startLoading): meanwhile current() answers null and
 * searches go to sqlite-vec, so no request waits for the load.
 */
export class LiveVectors {
  private index: VectorIndex | null = null;
  private loading: BackgroundLoad | null = null;
  private readonly follower: ChangeFollower;
  private readonly rowStmt: Statement<[bigint], VecRow>;
  private readonly allStmt: Statement<[], VecRow>;
  private readonly metaStmt: Statement<[string], MetaRow>;
  private chunks: VecChunkReader | null | undefined;

  constructor(private readonly db: Db) {
    this.follower = new ChangeFollower(db);
    const columns = 'fact_id, space, embedding, live, category, confidence, created_at, label_id';
    this.rowStmt = db.prepare<[bigint], VecRow>(`SELECT ${columns} FROM vec_facts WHERE fact_id = ?`);
    this.allStmt = db.prepare<[], VecRow>(`SELECT ${columns} FROM vec_facts`);
    // The filter columns of a chunk's facts, live ones only (vec_facts's own copy of them is set
    // from these rows on every write).
    this.metaStmt = db
      .prepare<[string], MetaRow>(
        `SELECT id, space, category, confidence, created_at, coalesce(label_id, 0) FROM facts
         WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL AND superseded_by IS NULL`,
      )
      .raw();
  }

  /**
   * The index, equal to what is committed; null inside a transaction, where uncommitted rows
   * count, and while a background load runs: the caller must then ask SQLite itself.
   */
  current(): VectorIndex | null {
    if (this.db.inTransaction || this.loading) return null;
    this.follower.catchUp(
      this.index?.size ?? null,
      () => this.load(),
      (ids) => this.refresh(ids),
    );
    return this.index;
  }

  /** True once the index is built (searches are then served from memory). */
  get loaded(): boolean {
    return this.index !== null && this.loading === null;
  }

  /**
   * Builds the index in slices of a few milliseconds between other work; resolves when it is
   * built (or the load was cancelled). Writes meanwhile are caught up from the change log when it
   * ends. Without sqlite-vec's chunk tables in the known layout it loads at the first search.
   */
  startLoading(sliceMs = LOAD_SLICE_MS): Promise<void> {
    if (this.loading) return this.loading.done;
    if (this.index || this.db.inTransaction) return Promise.resolve();
    const reader = this.chunkReader();
    if (!reader) return Promise.resolve();
    const index = new VectorIndex();
    const head = this.follower.head();
    const size = reader.count();
    let finish!: () => void;
    const load: BackgroundLoad = {
      index,
      head,
      lastChunk: 0,
      cancelled: false,
      done: new Promise<void>((resolve) => (finish = resolve)),
    };
    this.loading = load;
    const step = (): void => {
      if (load.cancelled) {
        index.close();
        return finish();
      }
      try {
        const until = performance.now() + sliceMs;
        let more = true;
        // Each slice reads the chunks after the last one read (at least one): sqlite-vec only
        // appends, and everything changed after `head` is re-read at the end.
        do {
          const next = reader.chunkIds(load.lastChunk)[0];
          if (next === undefined) more = false;
          else {
            if (!this.addChunk(index, reader.read(next), size)) throw new Error('unknown vec0 chunk layout');
            load.lastChunk = next;
          }
        } while (more && performance.now() < until);
        if (more) {
          setImmediate(step);
          return;
        }
        this.use(index);
        this.follower.adopt(head);
      } catch {
        // The next search loads the index the ordinary way.
        index.close();
        this.chunks = null;
      }
      this.loading = null;
      finish();
    };
    setImmediate(step);
    return load.done;
  }

  /**
   * Forgets the index and the chunk reader: vec_facts was made anew (another model's vectors, maybe
   * of another width). The next search builds the index again from what is there.
   */
  reset(): void {
    this.release();
    this.chunks = undefined;
  }

  /** Frees the index (the memory is closing). */
  release(): void {
    if (this.loading) this.loading.cancelled = true;
    this.loading = null;
    this.use(null);
  }

  /** Makes `index` the current one, stopping the helper threads of the one it replaces. */
  private use(index: VectorIndex | null): void {
    if (this.index && this.index !== index) this.index.close();
    this.index = index;
  }

  private chunkReader(): VecChunkReader | null {
    if (this.chunks === undefined) this.chunks = VecChunkReader.open(this.db);
    return this.chunks;
  }

  /** Reads every live vector, from the chunk tables when their layout is known. */
  private load(): void {
    const reader = this.chunkReader();
    if (reader) {
      const index = new VectorIndex();
      let complete = true;
      const total = reader.count();
      for (const chunkId of reader.chunkIds()) {
        if (!this.addChunk(index, reader.read(chunkId), total)) {
          complete = false;
          break;
        }
      }
      if (complete) {
        this.use(index);
        return;
      }
      index.close();
      this.chunks = null;
    }
    const index = new VectorIndex();
    for (const row of this.allStmt.iterate()) if (row.live === 1) index.upsert(toIndexed(row));
    this.use(index);
  }

  /**
   * Adds a chunk's live vectors (room for `total` is made at the first); false when the chunk is
   * not in the layout expected.
   */
  private addChunk(index: VectorIndex, chunk: VecChunk | null, total: number): boolean {
    if (!chunk) return false;
    if (index.size === 0) index.reserve(total, chunk.dim);
    const ids: number[] = [];
    const slotOf = new Map<number, number>();
    for (let slot = 0; slot < chunk.size; slot++) {
      if (!chunk.valid(slot)) continue;
      ids.push(chunk.ids[slot]!);
      slotOf.set(chunk.ids[slot]!, slot);
    }
    if (ids.length === 0) return true;
    const meta: FactColumnValues = { space: '', category: '', confidence: 0, createdAt: 0, labelId: 0 };
    for (const [id, space, category, confidence, createdAt, labelId] of this.metaStmt.iterate(
      JSON.stringify(ids),
    )) {
      meta.space = space;
      meta.category = category;
      meta.confidence = confidence;
      meta.createdAt = Number(createdAt);
      meta.labelId = Number(labelId);
      const slot = slotOf.get(id)!;
      index.upsertFrom(id, chunk.vectors, slot * chunk.dim, chunk.dim, meta);
    }
    return true;
  }

  private refresh(ids: number[]): void {
    const index = this.index!;
    for (const id of ids) {
      const row = this.rowStmt.get(BigInt(id));
      if (row && row.live === 1) {
        // Another connection switched the model and the table's width with it: start over.
        if (index.size > 0 && row.embedding.byteLength !== index.dimensions * 4) {
          this.chunks = undefined;
          this.load();
          return;
        }
        index.upsert(toIndexed(row));
      } else index.remove(id);
    }
  }
}

/** A vec_facts row as the index holds it. */
export function toIndexed(row: VecRow): IndexedVector {
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
