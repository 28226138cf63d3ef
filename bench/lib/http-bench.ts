import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ManagedEmbedder } from '../../src/main/embedder/embedder-pool';
import type { Memory } from '../../src/main/memory/memory';
import { createServerMetrics } from '../../src/main/server/metrics';
import { startServer } from '../../src/main/server/start-server';
import type { UniqueTexts } from './bench-data';
import type { HttpPhaseRaw } from './bench-result';
import type { FromLoadWorker, LoadPhaseResult, LoadTarget, ToLoadWorker } from './http-load-protocol';

/** HTTP queries are the first words of unused sentences: about the length of a typed question. */
export const HTTP_QUERY_WORDS = 12;
/** Upper bound of the request rate the query pool is sized for; beyond it queries repeat (and say so). */
export const HTTP_POOL_RATE = 800;
/** Event-loop delay sampling interval. */
export const EVENT_LOOP_RESOLUTION_MS = 5;

/** The first `n` words of a text. */
export function firstWords(text: string, n: number): string {
  return text.split(/\s+/).filter(Boolean).slice(0, n).join(' ');
}

/**
 * Up to `max` distinct queries, deterministic for a given data file: the first HTTP_QUERY_WORDS
 * words of each sentence in order, skipping any text the bench has used before (so every request
 * pays for its embedding). Fewer when the sentences run out.
 */
export function httpQueries(sentences: Iterable<string>, unique: UniqueTexts, max: number): string[] {
  const out: string[] = [];
  for (const s of sentences) {
    if (out.length >= max) break;
    const q = firstWords(s, HTTP_QUERY_WORDS);
    if (unique.claim(q)) out.push(q);
  }
  return out;
}

/** Loader that lets the child run TypeScript, resolved from this file so the child's cwd does not matter. */
const tsxLoader = (): string => pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const workerFile = (): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'http-load-worker.ts');

export interface LoadWorker {
  run(connections: number, seconds: number): Promise<LoadPhaseResult>;
  close(): Promise<void>;
}

/** Forks the autocannon child and hands it the target; resolves once it is ready. */
export async function startLoadWorker(target: LoadTarget): Promise<LoadWorker> {
  const child: ChildProcess = fork(workerFile(), [], {
    execArgv: ['--import', tsxLoader()],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: LoadPhaseResult) => void; reject: (e: Error) => void }>();
  let ready: { resolve: () => void; reject: (e: Error) => void } | null = null;
  const failAll = (e: Error): void => {
    ready?.reject(e);
    ready = null;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  child.on('message', (raw: unknown) => {
    const msg = raw as FromLoadWorker;
    if (msg.type === 'ready') {
      ready?.resolve();
      ready = null;
    } else if (msg.type === 'result') {
      pending.get(msg.id)?.resolve(msg.result);
      pending.delete(msg.id);
    } else if (msg.type === 'error') {
      const e = new Error(`load generator: ${msg.message}`);
      if (msg.id === null) failAll(e);
      else {
        pending.get(msg.id)?.reject(e);
        pending.delete(msg.id);
      }
    }
  });
  child.on('error', (e) => failAll(e));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      failAll(new Error(`load generator exited (${signal ?? `code ${code}`})`));
      resolve();
    }),
  );
  const send = (msg: ToLoadWorker): void => {
    child.send(msg);
  };
  await new Promise<void>((resolve, reject) => {
    ready = { resolve, reject };
    send({ type: 'init', target });
  });
  return {
    run: (connections, seconds) =>
      new Promise<LoadPhaseResult>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        send({ type: 'run', id, connections, seconds });
      }),
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) send({ type: 'exit' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export interface HttpBenchInput {
  memory: Memory;
  embedder: ManagedEmbedder;
  queries: string[];
  limit: number;
  /** Connections of each measured phase, in order. */
  connections: readonly number[];
  seconds: number;
  /** Unmeasured load (8 connections, or fewer if no phase has that many) before the phases. */
  warmupSeconds: number;
  /** Folder for the API token file. */
  tokenDir: string;
  log?: (line: string) => void;
}

const nsToMs = (ns: number): number => ns / 1e6;

/**
 * Serves `memory` over the real loopback HTTP server in this process and loads it from a forked
 * autocannon child, one phase per connection count. During each phase this process samples its own
 * event-loop delay (embedding runs in the embedder's worker process, so it should not show), its
 * CPU time and the embedder's batches and cache hits.
 */
export async function runHttpBench(input: HttpBenchInput): Promise<HttpPhaseRaw[]> {
  const log = input.log ?? (() => undefined);
  const metrics = createServerMetrics({ memory: input.memory, embedder: input.embedder });
  const server = await startServer({
    memory: input.memory,
    embedder: input.embedder,
    metrics,
    port: 0,
    tokenFile: path.join(input.tokenDir, 'api-token'),
  });
  let worker: LoadWorker | null = null;
  try {
    worker = await startLoadWorker({
      url: server.url,
      host: new URL(server.url).host,
      token: server.token,
      limit: input.limit,
      queries: input.queries,
    });
    if (input.warmupSeconds > 0) {
      const c = Math.min(8, Math.max(...input.connections));
      const w = await worker.run(c, input.warmupSeconds);
      if (w.ok === 0) throw new Error(`HTTP warm-up: no successful response (${describeStatuses(w)})`);
    }
    const phases: HttpPhaseRaw[] = [];
    for (const connections of input.connections) {
      const stats0 = input.embedder.stats();
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      const loop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
      const dbSteps = new Map<string, { n: number; ms: number }>();
      const stopDbTiming = input.memory.onQueryTimed((type, seconds) => {
        const s = dbSteps.get(type) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += seconds * 1000;
        dbSteps.set(type, s);
      });
      loop.enable();
      let load: LoadPhaseResult;
      try {
        load = await worker.run(connections, input.seconds);
      } finally {
        loop.disable();
        stopDbTiming();
      }
      const wallMs = performance.now() - wall0;
      const cpu = process.cpuUsage(cpu0);
      const stats1 = input.embedder.stats();
      if (!load.latency) {
        throw new Error(
          `HTTP phase at ${connections} connections: no successful response (${describeStatuses(load)})`,
        );
      }
      const phase: HttpPhaseRaw = {
        connections,
        seconds: load.seconds,
        requests: load.ok,
        reqPerSec: load.ok / load.seconds,
        latency: load.latency,
        non2xx: load.non2xx,
        errors: load.errors,
        timeouts: load.timeouts,
        eventLoopDelay: {
          resolutionMs: EVENT_LOOP_RESOLUTION_MS,
          mean: nsToMs(loop.mean),
          p50: nsToMs(loop.percentile(50)),
          p99: nsToMs(loop.percentile(99)),
          max: nsToMs(loop.max),
        },
        serverCpu: (cpu.user + cpu.system) / 1000 / wallMs,
        db: {
          steps: Object.fromEntries([...dbSteps].map(([type, s]) => [type, { n: s.n, meanMs: s.ms / s.n }])),
          busy: [...dbSteps.values()].reduce((sum, s) => sum + s.ms, 0) / wallMs,
        },
        embedding: {
          batches: stats1.workerBatches - stats0.workerBatches,
          texts: stats1.workerTexts - stats0.workerTexts,
          cacheHits: stats1.lruHits + stats1.diskHits - (stats0.lruHits + stats0.diskHits),
        },
        queriesReused: load.queriesReused,
      };
      log(
        `HTTP ${connections} conn: ${phase.reqPerSec.toFixed(0)} req/s, P50 ${load.latency.p50.toFixed(1)} ms, ` +
          `P95 ${load.latency.p95.toFixed(1)} ms, event loop P99 ${phase.eventLoopDelay.p99.toFixed(1)} ms, ` +
          `SQLite ${(phase.db.busy * 100).toFixed(0)}% of the server's time` +
          (load.non2xx > 0 ? `, ${load.non2xx} non-2xx (${describeStatuses(load)})` : ''),
      );
      phases.push(phase);
    }
    return phases;
  } finally {
    await worker?.close().catch(() => undefined);
    await server.close().catch(() => undefined);
    metrics.close();
  }
}

function describeStatuses(r: LoadPhaseResult): string {
  const codes = Object.entries(r.statusCodes).map(([code, n]) => `${n} x ${code}`);
  return [...codes, `${r.errors} errors`, `${r.timeouts} timeouts`].join(', ');
}
