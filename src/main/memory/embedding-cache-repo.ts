import type { EmbeddingCacheStore } from '../embedder/types';
import type { Db } from './open-db';
import { vectorFromBlob, vectorToBlob } from './vector';

/** The embedder client's persistent cache: sha256(model id, normalized text) → vector. */
export class EmbeddingCacheRepo implements EmbeddingCacheStore {
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
      const row = this.getOne.get(k);
      if (row) out.set(k, vectorFromBlob(row.vector));
    }
    return out;
  }

  putMany(entries: Array<[string, Float32Array]>): void {
    if (entries.length === 0) return;
    const now = Date.now();
    this.db.transaction(() => {
      for (const [k, v] of entries) this.putOne.run(k, vectorToBlob(v), now);
    })();
  }

  count(): number {
    return this.countAll.get()!.n;
  }

  /** Keeps the newest `keep` entries; the cache is a convenience, never a store of record. */
  prune(keep: number): number {
    return this.db
      .prepare(
        'DELETE FROM embedding_cache WHERE key IN (SELECT key FROM embedding_cache ORDER BY created_at DESC LIMIT -1 OFFSET ?)',
      )
      .run(keep).changes;
  }
}
