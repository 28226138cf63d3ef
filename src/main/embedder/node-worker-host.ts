import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from '../../shared/embedder-protocol';
import { HippoError } from '../../shared/errors';
import type { WorkerHost, WorkerHostFactory } from './types';

export interface NodeWorkerHostOptions {
  /** Built worker script; defaults to <package root>/dist/embedder-worker.mjs. */
  workerPath?: string;
  /** Extra environment for the worker (merged over process.env). */
  env?: Record<string, string | undefined>;
}

const WORKER_FILE = 'dist/embedder-worker.mjs';

/**
 * The built worker. Walks up from this module (src/main/embedder under tsx/vitest, dist/ when
 * bundled into the CLI) to the package.json named "hippo", so it works from any working directory.
 */
export function findWorkerScript(from: string = import.meta.url): string {
  let dir = path.dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && readPackageName(pkg) === 'hippo') {
      const script = path.join(dir, WORKER_FILE);
      if (!fs.existsSync(script)) {
        throw new HippoError(
          'MODEL_FAILED',
          `embedder worker not built: ${script} is missing (run npm run build:node)`,
        );
      }
      return script;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new HippoError(
        'MODEL_FAILED',
        `cannot find the hippo package root above ${from} to locate ${WORKER_FILE}`,
      );
    }
    dir = parent;
  }
}

function readPackageName(file: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** Runs the embedder worker as a child_process.fork; 'advanced' serialization carries Float32Array as is. */
export class NodeWorkerHost implements WorkerHost {
  private readonly child: ChildProcess;
  private readonly exitCallbacks: Array<(code: number | null, signal: string | null) => void> = [];
  private exited: { code: number | null; signal: string | null } | null = null;

  constructor(opts: NodeWorkerHostOptions = {}) {
    const script = opts.workerPath ?? findWorkerScript();
    if (!fs.existsSync(script)) {
      throw new HippoError('MODEL_FAILED', `embedder worker not found at ${script} (run npm run build:node)`);
    }
    this.child = fork(script, [], {
      serialization: 'advanced',
      // stdout is ignored so nothing the worker prints can corrupt CLI output; stderr stays
      // visible because a crash trace there is the only clue to why the model died.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, ...opts.env },
      // The worker is built JS: it needs none of the parent's loaders (tsx, vitest), which would
      // only slow its start.
      execArgv: [],
    });
    // Sending to a process that just died raises 'error'; the 'exit' handler does the reporting.
    this.child.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const cb of this.exitCallbacks) cb(code, signal);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  post(msg: ToWorker): void {
    if (this.exited || !this.child.connected) return;
    this.child.send(msg, (err) => {
      // The channel closed under us: the exit handler reports it; nothing to do here.
      void err;
    });
  }

  onMessage(cb: (msg: FromWorker) => void): void {
    this.child.on('message', (m) => cb(m as FromWorker));
  }

  onExit(cb: (code: number | null, signal: string | null) => void): void {
    if (this.exited) cb(this.exited.code, this.exited.signal);
    else this.exitCallbacks.push(cb);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

export function nodeWorkerHostFactory(opts: NodeWorkerHostOptions = {}): WorkerHostFactory {
  return () => new NodeWorkerHost(opts);
}
