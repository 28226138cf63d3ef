import os from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Helper threads that run part of the vector index's first pass (one WebAssembly kernel call over
 * a range of rows) while the calling thread runs another part, over the same shared WebAssembly
 * memory. The handoff is synchronous (Atomics.wait/notify on a small shared control block), so a
 * search stays one synchronous call and needs no event loop turn; a helper costs a few tens of
 * microseconds to wake, which is why only large indexes split their scans.
 *
 * Helpers start in the background; until one reports ready, the caller scans everything itself. A
 * helper that does not answer within HELPER_TIMEOUT_MS is stopped and its part scanned by the
 * caller, and the pool stops using helpers from then on. Threads are unref'd: they never keep a
 * process alive.
 */

/** The kernel call a helper makes: dots_i8(query, base, n, dim, out) (see dot-products.wat). */
export interface ScanPart {
  base: number;
  n: number;
  out: number;
}

const SEQ = 0;
const DONE = 1;
const READY = 2;
const STOP = 3;
const QUERY = 4;
const BASE = 5;
const N = 6;
const DIM = 7;
const OUT = 8;
const CONTROL_INTS = 9;

export const HELPER_TIMEOUT_MS = 2000;

/** Runs in each helper thread (CommonJS, evaluated from this string: no separate file to bundle). */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const c = new Int32Array(control);
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.store(c, ${READY}, 1);
Atomics.notify(c, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(c, ${SEQ}, seen);
  const seq = Atomics.load(c, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  if (Atomics.load(c, ${STOP}) === 1) break;
  kernel.dots_i8(c[${QUERY}], c[${BASE}], c[${N}], c[${DIM}], c[${OUT}]);
  Atomics.store(c, ${DONE}, seq);
  Atomics.notify(c, ${DONE});
}
`;

class Helper {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
  private readonly worker: Worker;
  private seq = 0;
  failed = false;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { module, memory, control: this.control.buffer },
    });
    this.worker.unref();
    this.worker.on('error', () => (this.failed = true));
    this.worker.on('exit', () => (this.failed = true));
  }

  get ready(): boolean {
    return !this.failed && Atomics.load(this.control, READY) === 1;
  }

  start(query: number, dim: number, part: ScanPart): void {
    const c = this.control;
    c[QUERY] = query;
    c[BASE] = part.base;
    c[N] = part.n;
    c[DIM] = dim;
    c[OUT] = part.out;
    this.seq = (this.seq + 1) | 0 || 1;
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
  }

  /** Waits for the part started last; false when the helper did not answer in time. */
  finish(deadline: number): boolean {
    const c = this.control;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === this.seq) return true;
      const left = deadline - performance.now();
      if (left <= 0 || this.failed) return false;
      Atomics.wait(c, DONE, done, left);
    }
  }

  stop(): void {
    Atomics.store(this.control, STOP, 1);
    this.seq = (this.seq + 1) | 0 || 1;
    Atomics.store(this.control, SEQ, this.seq);
    Atomics.notify(this.control, SEQ);
    void this.worker.terminate();
  }
}

export class ParallelScan {
  private helpers: Helper[];
  private closed = false;

  private constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number) {
    this.helpers = Array.from({ length: count }, () => new Helper(module, memory));
  }

  /**
   * Starts `helpers` threads on the kernel module and its shared memory (by default one fewer
   * than the machine's cores, at most three); null when there is no second core to use.
   */
  static start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    helpers = Math.min(3, os.availableParallelism() - 1),
  ): ParallelScan | null {
    if (helpers < 1) return null;
    return new ParallelScan(module, memory, helpers);
  }

  /** Helpers ready to take a part now. */
  get readyCount(): number {
    if (this.closed) return 0;
    let n = 0;
    for (const h of this.helpers) if (h.ready) n++;
    return n;
  }

  /**
   * Runs the kernel over `parts` (dots of the int8 query at `query` with `dim` bytes per row): the
   * first part on this thread, the others on ready helpers (parts beyond them are scanned here
   * too). Returns when every part is written; a part whose helper failed is scanned here. A helper
   * that hung past the timeout is terminated; until it is gone it could still write its part's
   * first-pass scores once more, which at worst changes which candidates one later search rescores.
   */
  run(
    kernel: (query: number, base: number, n: number, dim: number, out: number) => void,
    query: number,
    dim: number,
    parts: readonly ScanPart[],
  ): void {
    const ready = this.helpers.filter((h) => h.ready);
    const handed: [Helper, ScanPart][] = [];
    for (let i = 1; i < parts.length; i++) {
      const helper = ready[i - 1];
      const part = parts[i]!;
      if (!helper) kernel(query, part.base, part.n, dim, part.out);
      else {
        helper.start(query, dim, part);
        handed.push([helper, part]);
      }
    }
    const own = parts[0]!;
    kernel(query, own.base, own.n, dim, own.out);
    const deadline = performance.now() + HELPER_TIMEOUT_MS;
    for (const [helper, part] of handed) {
      if (helper.finish(deadline)) continue;
      // A helper that failed or hangs is never used again; its part is scanned here.
      helper.failed = true;
      helper.stop();
      kernel(query, part.base, part.n, dim, part.out);
    }
    if (handed.some(([h]) => h.failed)) this.close();
  }

  /** Stops the helper threads; scans go on in the caller alone. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.helpers) h.stop();
    this.helpers = [];
  }
}
