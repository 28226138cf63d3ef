import { HippoError } from '../../shared/errors';
import type { ModelSpec } from '../../shared/model-catalog';
import type { BatchTimingListener, EmbedderClient, EmbedderStats } from './embedder-client';
import type { EmbedOptions, Embedder, EmbeddingCacheStore } from './types';

/** Calls with at least this many texts are shared out between the workers. */
const SPLIT_AT = 16;

/** What the servers and metrics use of an embedder: a client, or a pool of them. */
export type ManagedEmbedder = Embedder &
  Pick<EmbedderClient, 'stats' | 'onBatchTimed' | 'queueDepth' | 'useModel' | 'dims'>;

/**
 * Several embedder clients, each with its own worker process, behind one Embedder. On a small
 * machine two single-threaded workers embed about a third more short texts per second than one
 * worker using both cores (onnxruntime's threads synchronize on every operator of a small input).
 * Calls go to the first client while it is idle, so a light user runs one worker; under load each
 * call goes to the client with the fewest texts in progress, and a second worker starts then.
 * Every client shares the persistent cache.
 */
export class EmbedderPool implements ManagedEmbedder {
  private readonly active: number[];

  constructor(private readonly clients: readonly EmbedderClient[]) {
    if (clients.length === 0) throw new Error('an embedder pool needs at least one client');
    this.active = clients.map(() => 0);
  }

  get size(): number {
    return this.clients.length;
  }

  get modelId(): string | null {
    return this.clients[0]!.modelId;
  }

  get dims(): number {
    return this.clients[0]!.dims;
  }

  /** Every worker runs the new model from its next call on (see EmbedderClient.useModel). */
  async useModel(spec: ModelSpec): Promise<void> {
    await Promise.all(this.clients.map((c) => c.useModel(spec)));
  }

  get lastError(): { code: string; message: string } | null {
    return this.clients[0]!.lastError;
  }

  ready(): Promise<boolean> {
    return this.clients[0]!.ready();
  }

  async embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]> {
    // A large call (an import's batch) is split so every worker takes a share.
    if (Array.isArray(texts) && texts.length >= SPLIT_AT && this.clients.length > 1) {
      const per = Math.ceil(texts.length / this.clients.length);
      const parts: string[][] = [];
      for (let i = 0; i < texts.length; i += per) parts.push(texts.slice(i, i + per));
      return (await Promise.all(parts.map((part) => this.embedOnOne(part, opts)))).flat();
    }
    return this.embedOnOne(texts, opts);
  }

  private async embedOnOne(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]> {
    const i = this.pick();
    const n = Array.isArray(texts) ? texts.length : 0;
    this.active[i]! += n;
    try {
      return await this.clients[i]!.embed(texts, opts);
    } catch (e) {
      // An extra worker that cannot start must not fail a call the first one can serve.
      if (i > 0 && e instanceof HippoError && (e.code === 'MODEL_FAILED' || e.code === 'MODEL_MISSING')) {
        return this.clients[0]!.embed(texts, opts);
      }
      throw e;
    } finally {
      this.active[i]! -= n;
    }
  }

  /** The first client when it is idle, else the one with the fewest texts in progress. */
  private pick(): number {
    if (this.active[0] === 0) return 0;
    let best = 0;
    for (let i = 1; i < this.clients.length; i++) if (this.active[i]! < this.active[best]!) best = i;
    return best;
  }

  stats(): EmbedderStats {
    const total = this.clients[0]!.stats();
    for (const c of this.clients.slice(1)) {
      const s = c.stats();
      for (const k of Object.keys(total) as Array<keyof EmbedderStats>) total[k] += s[k];
    }
    return total;
  }

  onBatchTimed(listener: BatchTimingListener): () => void {
    const removers = this.clients.map((c) => c.onBatchTimed(listener));
    return () => {
      for (const remove of removers) remove();
    };
  }

  queueDepth(): number {
    return this.clients.reduce((sum, c) => sum + c.queueDepth(), 0);
  }

  attachCache(cache: EmbeddingCacheStore): void {
    for (const c of this.clients) c.attachCache(cache);
  }

  detachCache(cache: EmbeddingCacheStore): void {
    for (const c of this.clients) c.detachCache(cache);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}
