import Database from 'better-sqlite3';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from '../../../src/shared/embedder-protocol';
import { NodeWorkerHost } from '../../../src/main/embedder/node-worker-host';
import type { EmbeddingCacheStore, WorkerHost } from '../../../src/main/embedder/types';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LEXICAL_DIR = path.join(root, 'test/.models/lexical');
export const TWIN_DIR = path.join(root, 'test/.models/twin');

export interface FaultPlan {
  /** Called for every embed request posted (1-based count over all hosts); return what to do with it. */
  onEmbed?: (n: number) => 'pass' | 'kill' | 'drop';
}

/**
 * Real forked workers, with a hook to inject faults: 'kill' SIGKILLs the worker as the request is
 * sent (a crash mid-request); 'drop' never delivers it (a hung worker).
 */
export function faultyHosts(plan: FaultPlan = {}) {
  const hosts: NodeWorkerHost[] = [];
  let embeds = 0;
  const factory = (): WorkerHost => {
    const host = new NodeWorkerHost();
    hosts.push(host);
    return {
      post(msg: ToWorker) {
        if (msg.type !== 'embed') return host.post(msg);
        const action = plan.onEmbed?.(++embeds) ?? 'pass';
        if (action === 'drop') return;
        // SIGKILL first, then send: the request is in flight to a process that is dying. Sending
        // first races the worker, which on a busy machine can answer before the signal lands.
        if (action === 'kill') process.kill(host.pid!, 'SIGKILL');
        host.post(msg);
      },
      onMessage: (cb: (msg: FromWorker) => void) => host.onMessage(cb),
      onExit: (cb) => host.onExit(cb),
      kill: () => host.kill(),
    };
  };
  return { factory, hosts, embeds: () => embeds };
}

/** The embedding cache table as the engine keeps it: SQLite, vectors as float32 blobs. */
export function sqliteCacheStore(): EmbeddingCacheStore & { count(): number; close(): void } {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE embedding_cache (key TEXT PRIMARY KEY, vector BLOB NOT NULL)');
  const put = db.prepare('INSERT OR REPLACE INTO embedding_cache (key, vector) VALUES (?, ?)');
  const get = db.prepare<[string], { vector: Buffer }>('SELECT vector FROM embedding_cache WHERE key = ?');
  return {
    getMany(keys) {
      const out = new Map<string, Float32Array>();
      for (const key of keys) {
        const row = get.get(key);
        if (row)
          out.set(
            key,
            new Float32Array(
              row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength),
            ),
          );
      }
      return out;
    },
    putMany: db.transaction((entries: Array<[string, Float32Array]>) => {
      for (const [key, v] of entries) put.run(key, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    }),
    count: () => (db.prepare('SELECT count(*) AS n FROM embedding_cache').get() as { n: number }).n,
    close: () => db.close(),
  };
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}
