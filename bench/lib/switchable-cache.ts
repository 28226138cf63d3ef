import type { EmbeddingCacheStore } from '../../src/main/embedder/types';

/**
 * The engine's disk cache lives in the memory's database, but the embedder client must exist
 * before the memory opens: this stand-in is handed to the client first and pointed at the real
 * store afterwards. Turning it off lets the embedding floor be measured without cache traffic.
 */
export class SwitchableCache implements EmbeddingCacheStore {
  target: EmbeddingCacheStore | null = null;
  enabled = true;

  getMany(keys: string[]): Map<string, Float32Array> {
    return this.enabled && this.target ? this.target.getMany(keys) : new Map();
  }

  putMany(entries: Array<[string, Float32Array]>): void {
    if (this.enabled && this.target) this.target.putMany(entries);
  }
}
