import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ManagedEmbedder } from '../embedder/embedder-pool';
import type { Embedder } from '../embedder/types';
import type { Memory } from '../memory/memory';
import type { PostgresStore } from '../sync/postgres-store';
import type { ServerMetrics } from './server-metrics';

export const REQUEST_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
export const EMBEDDING_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5];
export const DB_QUERY_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/** What the embedding metrics read; EmbedderClient and EmbedderPool have it all. */
type ObservableEmbedder = Pick<ManagedEmbedder, 'stats' | 'queueDepth' | 'onBatchTimed'>;

function observable(embedder: Embedder | null): ObservableEmbedder | null {
  const e = embedder as Partial<ObservableEmbedder> | null;
  return e &&
    typeof e.stats === 'function' &&
    typeof e.queueDepth === 'function' &&
    typeof e.onBatchTimed === 'function'
    ? (e as ObservableEmbedder)
    : null;
}

export interface ServerMetricsOptions {
  /** The SQLite memory, or a Postgres store; both time their database steps (onQueryTimed). */
  memory: Memory | PostgresStore;
  /**
   * The embedder behind the memory, normally an EmbedderClient or a pool of them. Null (text-only mode) or an
   * embedder without stats/queueDepth/onBatchTimed leaves the embedding metrics at zero.
   */
  embedder: ManagedEmbedder | Embedder | null;
  /** Process and Node.js metrics (CPU, memory, event loop, GC); on by default. */
  processMetrics?: boolean;
}

/** ServerMetrics plus what the owner needs: the registry (for tests) and detaching the hooks. */
export interface HippoServerMetrics extends ServerMetrics {
  readonly registry: Registry;
  /** Stops observing the memory and the embedder; render() keeps working with frozen values. */
  close(): void;
}

/**
 * Prometheus metrics of one server: requests (fed by the server's onResponse hook), embedding
 * batches and cache hits (from the embedder client), database step latencies (from the memory's
 * query listener), live fact and label counts (counted at scrape time) and process metrics.
 * Each call has its own registry, so several servers (or tests) in one process never collide.
 */
export function createServerMetrics(opts: ServerMetricsOptions): HippoServerMetrics {
  const { memory } = opts;
  const embedder = observable(opts.embedder);
  const registry = new Registry();
  const registers = [registry];

  const requests = new Counter({
    name: 'hippo_requests_total',
    help: 'HTTP requests answered, by route pattern and status code.',
    labelNames: ['endpoint', 'status'] as const,
    registers,
  });
  const requestLatency = new Histogram({
    name: 'hippo_request_latency_seconds',
    help: 'Time from request to response, by route pattern.',
    labelNames: ['endpoint'] as const,
    buckets: REQUEST_LATENCY_BUCKETS,
    registers,
  });

  const embeddingLatency = new Histogram({
    name: 'hippo_embedding_latency_seconds',
    help: 'Time of each embedder worker request (a batch of texts), sent to vectors back.',
    buckets: EMBEDDING_LATENCY_BUCKETS,
    registers,
  });
  // The client counts its cache hits itself; the counter catches up with them at scrape time.
  let hitsSeen = 0;
  new Counter({
    name: 'hippo_embedding_cache_hits_total',
    help: 'Texts whose vector came from the embedding cache (in-memory LRU or on-disk table).',
    registers,
    collect() {
      if (!embedder) return;
      const { lruHits, diskHits } = embedder.stats();
      const hits = lruHits + diskHits;
      if (hits > hitsSeen) this.inc(hits - hitsSeen);
      hitsSeen = Math.max(hitsSeen, hits);
    },
  });
  new Gauge({
    name: 'hippo_embedding_queue_depth',
    help: 'Texts waiting for the embedder worker (not counting the request in flight).',
    registers,
    collect() {
      this.set(embedder ? embedder.queueDepth() : 0);
    },
  });

  const dbLatency = new Histogram({
    name: 'hippo_db_query_latency_seconds',
    help: 'Time of database steps: knn and fts (recall), encode_knn and encode_write (encode), list.',
    labelNames: ['query_type'] as const,
    buckets: DB_QUERY_LATENCY_BUCKETS,
    registers,
  });

  // Live counts over every space, at scrape time; both are answered from partial indexes.
  const statements = new Map<string, { get(): unknown }>();
  const count = async (sql: string): Promise<number | null> => {
    try {
      if ('pool' in memory) return Number((await memory.pool.query<{ n: string }>(sql)).rows[0]!.n);
      let stmt = statements.get(sql);
      if (!stmt) statements.set(sql, (stmt = memory.db.prepare(sql)));
      return (stmt.get() as { n: number }).n;
    } catch {
      return null; // the database is closed or does not answer: keep the last value
    }
  };
  new Gauge({
    name: 'hippo_facts_total',
    help: 'Live facts (not deleted, not superseded) in every space.',
    registers,
    async collect() {
      const n = await count(
        'SELECT count(*) AS n FROM facts WHERE deleted_at IS NULL AND superseded_by IS NULL',
      );
      if (n !== null) this.set(n);
    },
  });
  new Gauge({
    name: 'hippo_labels_total',
    help: 'Live labels in every space.',
    registers,
    async collect() {
      const n = await count('SELECT count(*) AS n FROM labels WHERE deleted_at IS NULL');
      if (n !== null) this.set(n);
    },
  });

  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const detach = [
    memory.onQueryTimed((type, seconds) => dbLatency.observe({ query_type: type }, seconds)),
    embedder?.onBatchTimed((seconds) => embeddingLatency.observe(seconds)),
  ];

  return {
    registry,
    contentType: registry.contentType,
    observeRequest(endpoint, status, seconds) {
      requests.inc({ endpoint, status: String(status) });
      requestLatency.observe({ endpoint }, seconds);
    },
    render: () => registry.metrics(),
    close() {
      for (const off of detach.splice(0)) off?.();
    },
  };
}
