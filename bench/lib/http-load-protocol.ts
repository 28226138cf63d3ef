import type { LatencySummary } from './stats';

/**
 * Messages between the bench (which runs the HTTP server) and the load-generator child
 * (http-load-worker.ts, which runs autocannon). The load generator lives in its own process so
 * its request building and response parsing never share an event loop with the server it measures.
 */

/** What every request needs: where to send it and the queries to rotate through. */
export interface LoadTarget {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Value of the Host header the server accepts (127.0.0.1:PORT). */
  host: string;
  token: string;
  /** Recall bodies' `limit`. */
  limit: number;
  /** One query per request, in order, shared by every phase so no query is sent twice until all were sent. */
  queries: string[];
}

export type ToLoadWorker =
  | { type: 'init'; target: LoadTarget }
  | { type: 'run'; id: number; connections: number; seconds: number }
  | { type: 'exit' };

/** One load phase as the load generator saw it. */
export interface LoadPhaseResult {
  connections: number;
  /** Wall time of the autocannon run. */
  seconds: number;
  /** 2xx responses (the only ones timed into `latency`). */
  ok: number;
  /** Responses with any other status; their codes and counts are in `statusCodes`. */
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Connection errors and timeouts reported by autocannon. */
  errors: number;
  timeouts: number;
  /** Latency of the 2xx responses (ms, request written to response read); null when there were none. */
  latency: LatencySummary | null;
  /** Queries handed out in this phase (a few more than requests sent: autocannon pre-builds one per connection). */
  queriesUsed: number;
  /** Queries handed out again because the pool ran out (each a likely embedding-cache hit). */
  queriesReused: number;
}

export type FromLoadWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: LoadPhaseResult }
  | { type: 'error'; id: number | null; message: string };

/** The JSON body of one recall request. */
export function recallBody(query: string, limit: number): string {
  return JSON.stringify({ query, limit });
}

/** Hands out the queries in order; after the last one it starts over and counts the reuse. */
export class QueryCursor {
  private next = 0;
  handedOut = 0;
  reused = 0;

  constructor(private readonly queries: readonly string[]) {
    if (queries.length === 0) throw new Error('the HTTP bench needs at least one query');
  }

  take(): string {
    if (this.next === this.queries.length) this.next = 0;
    if (this.handedOut >= this.queries.length) this.reused++;
    this.handedOut++;
    return this.queries[this.next++]!;
  }
}
