/**
 * What the HTTP server needs from the metrics module (src/main/server/metrics.ts implements it
 * with prom-client). Kept apart so the server and the metrics can be built and tested separately.
 */
export interface ServerMetrics {
  /** One finished request: endpoint is the route pattern ('/api/v1/recall', '/health'), never the raw URL. */
  observeRequest(endpoint: string, status: number, seconds: number): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  /** Content-Type of render()'s output. */
  readonly contentType: string;
}
