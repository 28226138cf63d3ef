/**
 * The load generator of the HTTP bench, run as a child process (see http-bench.ts): autocannon
 * drives `POST /api/v1/recall` with a different query per request and reports each phase back
 * over IPC. Started by fork() with the tsx loader; does nothing unless it has an IPC channel.
 */
import autocannon from 'autocannon';
import {
  QueryCursor,
  recallBody,
  type FromLoadWorker,
  type LoadPhaseResult,
  type LoadTarget,
  type ToLoadWorker,
} from './http-load-protocol';
import { summarize } from './stats';

function send(msg: FromLoadWorker): void {
  process.send?.(msg);
}

function runPhase(
  target: LoadTarget,
  cursor: QueryCursor,
  connections: number,
  seconds: number,
): Promise<LoadPhaseResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  const handedOut = cursor.handedOut;
  const reused = cursor.reused;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.url}/api/v1/recall`,
        connections,
        duration: seconds,
        // One request in flight per connection: latency then means what a client waits.
        pipelining: 1,
        timeout: 30,
        headers: {
          host: target.host,
          authorization: `Bearer ${target.token}`,
          'content-type': 'application/json',
        },
        requests: [
          {
            method: 'POST',
            // Called for every request of every connection: each gets the next query of the pool.
            setupRequest: (req) => ({ ...req, body: recallBody(cursor.take(), target.limit) }),
          },
        ],
      },
      (err: unknown, result: autocannon.Result) => {
        if (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        resolve({
          connections,
          seconds: result.duration,
          ok: latencies.length,
          non2xx,
          statusCodes,
          errors: result.errors,
          timeouts: result.timeouts,
          latency: latencies.length > 0 ? summarize(latencies) : null,
          queriesUsed: cursor.handedOut - handedOut,
          queriesReused: cursor.reused - reused,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
      else non2xx++;
    });
  });
}

function main(): void {
  let target: LoadTarget | null = null;
  let cursor: QueryCursor | null = null;
  process.on('message', (raw: unknown) => {
    const msg = raw as ToLoadWorker;
    if (msg.type === 'init') {
      target = msg.target;
      cursor = new QueryCursor(msg.target.queries);
      send({ type: 'ready' });
    } else if (msg.type === 'run') {
      if (!target || !cursor) {
        send({ type: 'error', id: msg.id, message: 'run before init' });
        return;
      }
      runPhase(target, cursor, msg.connections, msg.seconds).then(
        (result) => send({ type: 'result', id: msg.id, result }),
        (e: unknown) =>
          send({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) }),
      );
    } else if (msg.type === 'exit') {
      process.disconnect?.();
    }
  });
  // The parent going away ends the child too (no orphaned load generator).
  process.on('disconnect', () => process.exit(0));
}

if (process.send) main();
