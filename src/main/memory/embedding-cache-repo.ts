import type { EmbeddingCacheStore } from '../embedder/types';
import { commitWithoutFsync, type Db } from './open-db';
import { vectorFromBlob, vectorToBlob } from './vector';

/** Buffered entries written in one transaction once this many wait... */
const FLUSH_AT = 256;
/** ...or after this long. */
const FLUSH_AFTER_MS = 1000;

/**
 * The embedder client's persistent cache: sha256(model id, normalized text) → vector. Writes are
 * buffered and committed together, at most once a second, without waiting for the disk (a busy
 * API server embeds a hundred batches a second). An entry lost in a crash is only embedded again.
 */
export class EmbeddingCacheRepo implements EmbeddingCacheStore {
  private readonly pending = new Map<string, Float32Array>();
  private timer: NodeJS.Timeout | null = null;
  private readonly getOne;
  private readonly putOne;
  private readonly countAll;

  constructor(private readonly db: Db) {
    this.getOne = db.prepare<[string], { vector: Buffer }>(
      'SELECT vector FROM embedding_cache WHERE key = ?',
    );
    this.putOne = db.prepare<[string, Buffer, number]>(
      'INSERT OR REPLACE INTO embedding_cache(key, vector, created_at) VALUES (?, ?, ?)',
    );
    this.countAll = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM embedding_cache');
  }

  getMany(keys: string[]): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const k of keys) {
      const waiting = this.pending.get(k);
      if (waiting) {
        out.set(k, waiting);
        continue;
      }
      const row = this.getOne.get(k);
      if (row) out.set(k, vectorFromBlob(row.vector));
    }
    return out;
  }

  putMany(entries: Array<[string, Float32Array]>): void {
    for (const [k, v] of entries) this.pending.set(k, v);
    if (this.pending.size >= FLUSH_AT) this.flush();
    else if (!this.timer && this.pending.size > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        try {
          this.flush();
        } catch {
          // A cache write that fails (disk full, database closed) costs only a later re-embed.
        }
      }, FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Writes every buffered entry now (Memory.close calls this before closing the database). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0 || !this.db.open) return;
    const entries = [...this.pending];
    this.pending.clear();
    const now = Date.now();
    commitWithoutFsync(this.db, () => {
      for (const [k, v] of entries) this.putOne.run(k, vectorToBlob(v), now);
    });
  }

  count(): number {
    this.flush();
    return this.countAll.get()!.n;
  }

  /** Keeps the newest `keep` entries; the cache is a convenience, never a store of record. */
  prune(keep: number): number {
    this.flush();
    return this.db
      .prepare(
        'DELETE FROM embedding_cache WHERE key IN (SELECT key FROM embedding_cache ORDER BY created_at DESC LIMIT -1 OFFSET ?)',
      )
      .run(keep).changes;
  }
}
