import { FactColumns, type ColumnFilters, type FactColumnValues, type ResolvedFilters } from './fact-columns';
import { ParallelScan, type ScanPart } from './parallel-scan';
import { dotProductsWasm } from './wasm/dot-products.wasm';

/**
 * An in-memory copy of vectors with the filter columns recall uses. Search is two-pass: every
 * vector's dot product with the query over int8 copies (sixteen lanes at a time in WebAssembly
 * SIMD, a quarter of the memory traffic of floats), then the few hundred best that pass the
 * filters are scored again over int16 copies (half the memory of floats), so the similarities
 * reported are the cosines to about 1e-5 (all vectors are L2-normalized). The int8 error (about 0.002 in cosine) is far smaller than the gap
 * between the k-th and the RESCORE_PER_RESULT·k-th neighbour, so the exact top k survive the
 * first pass; the bench checks recall@10 against sqlite-vec's exact scan on every run. From
 * PARALLEL_MIN vectors on, the first pass is split between this thread and helper threads over the
 * same shared WebAssembly memory (parallel-scan.ts): at 100k facts it is bound by memory
 * bandwidth and one core's widening, and a second core halves it.
 *
 * Pure data structure: it knows nothing of SQLite (LiveVectors keeps it equal to vec_facts).
 */

export interface IndexedVector extends FactColumnValues {
  id: number;
  vector: Float32Array;
}

/** Filters applied during the scan. */
export type VectorFilters = ColumnFilters;

/** Where a search's time went, for profiling (scripts/perf/recall-profile.ts). */
export interface SearchTiming {
  /** The first pass: the kernel's scan, then choosing the candidates (selectMs of it). */
  firstPassMs: number;
  selectMs?: number;
  rescoreMs: number;
}

export interface VectorHit {
  id: number;
  /** Cosine distance (1 - cosine similarity), as sqlite-vec reports it. */
  rank: number;
}

interface DotKernel {
  memory: WebAssembly.Memory;
  dots_i8(query: number, base: number, n: number, dim: number, out: number): void;
}

/** The kernel's memory may grow to 4 GiB (11 million vectors of 384 dimensions). */
const MAX_PAGES = 65536;

/** Indexes of at least this many vectors split their first pass across cores. */
export const PARALLEL_MIN = 16384;

export interface VectorIndexOptions {
  /** Use the WebAssembly SIMD kernel (default true); false scores every vector in plain JS. */
  simd?: boolean;
  /** Vectors from which the first pass is split across helper threads (default PARALLEL_MIN). */
  parallelMin?: number;
  /** Helper threads for that (default: cores - 1, at most 3; 0 turns them off). */
  helpers?: number;
}

/** Candidates scored exactly per result asked for, and at least this many. */
const RESCORE_PER_RESULT = 4;
const RESCORE_MIN = 100;

let kernelModule: WebAssembly.Module | null | undefined;

/** The compiled SIMD kernel, or null where WebAssembly SIMD is missing (the JS loop is used). */
function newKernel(): DotKernel | null {
  if (kernelModule === undefined) {
    const bytes = Buffer.from(dotProductsWasm, 'base64');
    kernelModule = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  if (!kernelModule) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  } catch {
    return null;
  }
  const exports = new WebAssembly.Instance(kernelModule, { env: { memory } }).exports as {
    dots_i8: DotKernel['dots_i8'];
  };
  return { memory, dots_i8: exports.dots_i8 };
}

const PAGE = 65536;
const align16 = (n: number): number => Math.ceil(n / 16) * 16;

export class VectorIndex {
  private dim = 0;
  private count = 0;
  private capacity = 0;
  private ids = new Float64Array(0);
  private readonly columns = new FactColumns();
  private readonly slotOf = new Map<number, number>();
  /**
   * The vectors as int16 with a scale per vector, for the exact second pass: half the memory of
   * float32 copies (77 MB at 100k facts of 384 dimensions), and the rounding (at most 1/65534 of
   * the largest component) moves a cosine by about 1e-6, below float32's own error in a
   * 384-term sum.
   */
  private fine = new Int16Array(0);
  private fineScales = new Float32Array(0);
  /** Exact scores of the current search (slots scored in the second pass). */
  private scores = new Float64Array(0);
  /** WebAssembly memory: the int8 query at 0, int8 vectors from codesAt, i32 dot products after. */
  private kernel: DotKernel | null = null;
  private codesAt = 0;
  // Views of the (shared) WebAssembly memory.
  private codes: Int8Array<ArrayBufferLike> = new Int8Array(0);
  private queryCode: Int8Array<ArrayBufferLike> = new Int8Array(0);
  private approx: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** Per vector: the float value of one int8 step. */
  private codeScales = new Float32Array(0);
  /** Helper threads of the first pass: undefined until the index first needs them. */
  private scan: ParallelScan | null | undefined;
  private readonly useSimd: boolean;
  private readonly parallelMin: number;
  private readonly helpers: number | undefined;

  constructor(opts: VectorIndexOptions | boolean = {}) {
    const o = typeof opts === 'boolean' ? { simd: opts } : opts;
    this.useSimd = o.simd ?? true;
    this.parallelMin = o.parallelMin ?? PARALLEL_MIN;
    this.helpers = o.helpers;
  }

  /** Helper threads ready to take part of the first pass (none before the index first needs them). */
  get helperThreads(): number {
    return this.scan ? this.scan.readyCount : 0;
  }

  /** Stops the helper threads (if any); the index still answers, on the calling thread alone. */
  close(): void {
    this.scan?.close();
    this.scan = null;
  }

  /** The width of the vectors held; 0 until the first one. */
  get dimensions(): number {
    return this.dim;
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** A copy of the stored vector. */
  vectorOf(id: number): Float32Array | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return undefined;
    const scale = this.fineScales[slot]!;
    const out = new Float32Array(this.dim);
    const at = slot * this.dim;
    for (let j = 0; j < this.dim; j++) out[j] = this.fine[at + j]! * scale;
    return out;
  }

  /** Adds the vector, or replaces the one stored under the same id. */
  upsert(v: IndexedVector): void {
    if (this.dim === 0) this.setDimensions(v.vector.length);
    this.upsertFrom(v.id, v.vector, 0, v.vector.length, v);
  }

  /**
   * upsert() of the `dim` floats at `from` in `source` (a whole sqlite-vec chunk of vectors, say),
   * copied straight into the index's own storage: no array per vector.
   */
  upsertFrom(id: number, source: Float32Array, from: number, dim: number, columns: FactColumnValues): void {
    if (this.dim === 0) this.setDimensions(dim);
    if (dim !== this.dim) throw new Error(`vector of ${dim} dimensions in an index of ${this.dim}`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      if (this.count === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
      slot = this.count++;
      this.slotOf.set(id, slot);
    }
    this.ids[slot] = id;
    const at = slot * dim;
    const max = maxAbs(source, from, dim);
    this.fineScales[slot] = quantize(source, from, dim, max, 32767, this.fine, at);
    if (this.kernel) this.codeScales[slot] = quantize(source, from, dim, max, 127, this.codes, at);
    this.columns.set(slot, columns);
  }

  /**
   * Makes room for `total` vectors of `dim` dimensions at once (a load knows its size), so
   * loading never doubles and copies the arrays, nor leaves up to half of them unused.
   */
  reserve(total: number, dim: number): void {
    if (this.dim === 0) this.setDimensions(dim);
    if (total > this.capacity) this.grow(total);
  }

  remove(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    const last = --this.count;
    if (slot !== last) this.moveSlot(last, slot);
  }

  /** The k nearest vectors of the space that pass the filters, closest first; ties by id. */
  search(
    space: string,
    query: Float32Array,
    k: number,
    filters: VectorFilters = {},
    timing?: SearchTiming,
  ): VectorHit[] {
    if (k <= 0 || this.count === 0) return [];
    if (query.length !== this.dim) {
      throw new Error(`query of ${query.length} dimensions in an index of ${this.dim}`);
    }
    const resolved = this.columns.resolve(space, filters);
    if (!resolved) return [];
    if (!this.kernel) {
      this.scoreExactly(query);
      return this.best(k, resolved, this.scores);
    }
    // First pass: approximate scores of every vector; keep the best few hundred that pass.
    const started = timing ? performance.now() : 0;
    // The query's scale is the same for every vector: it does not change their order.
    quantize(query, 0, this.dim, maxAbs(query, 0, this.dim), 127, this.queryCode, 0);
    this.firstPass(this.kernel);
    const selecting = timing ? performance.now() : 0;
    const depth = Math.max(RESCORE_MIN, k * RESCORE_PER_RESULT);
    const candidates = this.closestApprox(depth, resolved);
    const rescoring = timing ? performance.now() : 0;
    // Second pass: those scored over int16 copies (cosines to about 1e-5).
    for (const slot of candidates) this.scores[slot] = this.exactDot(slot, query);
    candidates.sort((a, b) => this.scores[b]! - this.scores[a]! || this.ids[a]! - this.ids[b]!);
    const hits = candidates
      .slice(0, k)
      .map((slot) => ({ id: this.ids[slot]!, rank: 1 - this.scores[slot]! }));
    if (timing) {
      timing.firstPassMs = rescoring - started;
      timing.selectMs = rescoring - selecting;
      timing.rescoreMs = performance.now() - rescoring;
    }
    return hits;
  }

  /** approx[slot] = the int8 dot product of the query code with every vector's code. */
  private firstPass(kernel: DotKernel): void {
    const { dim, count, codesAt } = this;
    const out = codesAt + this.capacity * dim;
    if (this.scan === undefined && count >= this.parallelMin && kernelModule) {
      this.scan = this.helpers === 0 ? null : ParallelScan.start(kernelModule, kernel.memory, this.helpers);
    }
    const helpers = count >= this.parallelMin && this.scan ? this.scan.readyCount : 0;
    if (helpers === 0) {
      kernel.dots_i8(0, codesAt, count, dim, out);
      return;
    }
    // Even row counts per part: the kernel takes rows two at a time.
    const rows = Math.ceil(count / (helpers + 1) / 2) * 2;
    const parts: ScanPart[] = [];
    for (let from = 0; from < count; from += rows) {
      parts.push({ base: codesAt + from * dim, n: Math.min(rows, count - from), out: out + from * 4 });
    }
    this.scan!.run((q, base, n, d, o) => kernel.dots_i8(q, base, n, d, o), 0, dim, parts);
  }

  /**
   * The `depth` passing slots with the highest approximate scores (unordered; ties at the edge go
   * to the earlier slots), in one pass through a bounded min-heap: past the first few thousand
   * slots almost every one loses to the heap's worst and costs a single comparison.
   */
  private closestApprox(depth: number, r: ResolvedFilters): number[] {
    const { approx, codeScales, columns } = this;
    const { spaces } = columns;
    const heapScores = new Float64Array(depth);
    const heapSlots = new Int32Array(depth);
    let size = 0;
    let worst = Number.NEGATIVE_INFINITY;
    for (let slot = 0; slot < this.count; slot++) {
      if (spaces[slot] !== r.spaceSym) continue;
      const score = approx[slot]! * codeScales[slot]!;
      // Equal to the worst kept loses: the earlier slot stays.
      if (size === depth && score <= worst) continue;
      if (r.filtered && !columns.passesFilters(slot, r)) continue;
      if (size < depth) {
        // Sift up: parents hold lower scores (or equal ones of later slots).
        let i = size++;
        while (i > 0) {
          const p = (i - 1) >> 1;
          const ps = heapScores[p]!;
          if (ps < score || (ps === score && heapSlots[p]! > slot)) break;
          heapScores[i] = ps;
          heapSlots[i] = heapSlots[p]!;
          i = p;
        }
        heapScores[i] = score;
        heapSlots[i] = slot;
        if (size === depth) worst = heapScores[0]!;
        continue;
      }
      // Replace the root and sift down.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const rr = l + 1;
        let m = l;
        if (
          rr < size &&
          (heapScores[rr]! < heapScores[l]! ||
            (heapScores[rr] === heapScores[l] && heapSlots[rr]! > heapSlots[l]!))
        )
          m = rr;
        const ms = heapScores[m]!;
        if (ms > score || (ms === score && heapSlots[m]! < slot)) break;
        heapScores[i] = ms;
        heapSlots[i] = heapSlots[m]!;
        i = m;
      }
      heapScores[i] = score;
      heapSlots[i] = slot;
      worst = heapScores[0]!;
    }
    return Array.from(heapSlots.subarray(0, size));
  }

  private exactDot(slot: number, query: Float32Array): number {
    const { dim, fine: vectors } = this;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const o = slot * dim;
    let j = 0;
    for (; j + 3 < dim; j += 4) {
      s0 += vectors[o + j]! * query[j]!;
      s1 += vectors[o + j + 1]! * query[j + 1]!;
      s2 += vectors[o + j + 2]! * query[j + 2]!;
      s3 += vectors[o + j + 3]! * query[j + 3]!;
    }
    for (; j < dim; j++) s0 += vectors[o + j]! * query[j]!;
    return (s0 + s1 + s2 + s3) * this.fineScales[slot]!;
  }

  /** scores[slot] = dot(query, vector[slot]) for every slot (no SIMD kernel). */
  private scoreExactly(query: Float32Array): void {
    for (let slot = 0; slot < this.count; slot++) this.scores[slot] = this.exactDot(slot, query);
  }

  private best(k: number, r: ResolvedFilters, scores: Float64Array): VectorHit[] {
    return this.bestSlots(k, r, scores)
      .sort((a, b) => scores[b]! - scores[a]! || this.ids[a]! - this.ids[b]!)
      .map((slot) => ({ id: this.ids[slot]!, rank: 1 - scores[slot]! }));
  }

  /** The k best-scored slots passing the filters (unordered), through a bounded min-heap. */
  private bestSlots(k: number, r: ResolvedFilters, scores: Float64Array): number[] {
    const { ids } = this;
    const heapSlots = new Int32Array(k);
    let size = 0;
    // Worse-first ordering: lower score, or equal score and higher id.
    const worse = (a: number, b: number): boolean =>
      scores[a]! < scores[b]! || (scores[a] === scores[b] && ids[a]! > ids[b]!);
    const siftDown = (from: number): void => {
      let i = from;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && worse(heapSlots[l]!, heapSlots[m]!)) m = l;
        if (r < size && worse(heapSlots[r]!, heapSlots[m]!)) m = r;
        if (m === i) return;
        const t = heapSlots[i]!;
        heapSlots[i] = heapSlots[m]!;
        heapSlots[m] = t;
        i = m;
      }
    };
    for (let slot = 0; slot < this.count; slot++) {
      if (!this.columns.passes(slot, r)) continue;
      if (size < k) {
        let i = size++;
        heapSlots[i] = slot;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!worse(heapSlots[i]!, heapSlots[p]!)) break;
          const t = heapSlots[i]!;
          heapSlots[i] = heapSlots[p]!;
          heapSlots[p] = t;
          i = p;
        }
      } else if (worse(heapSlots[0]!, slot)) {
        heapSlots[0] = slot;
        siftDown(0);
      }
    }
    return Array.from(heapSlots.subarray(0, size));
  }

  private setDimensions(dim: number): void {
    this.dim = dim;
    // The kernel reads 16 int8 values per step.
    this.kernel = this.useSimd && dim % 16 === 0 ? newKernel() : null;
    this.codesAt = align16(dim);
  }

  private moveSlot(from: number, to: number): void {
    const id = this.ids[from]!;
    this.ids[to] = id;
    this.fine.copyWithin(to * this.dim, from * this.dim, (from + 1) * this.dim);
    this.fineScales[to] = this.fineScales[from]!;
    if (this.kernel) {
      this.codes.copyWithin(to * this.dim, from * this.dim, (from + 1) * this.dim);
      this.codeScales[to] = this.codeScales[from]!;
    }
    this.columns.move(from, to);
    this.slotOf.set(id, to);
  }

  private grow(capacity: number): void {
    const ids = new Float64Array(capacity);
    ids.set(this.ids);
    this.ids = ids;
    this.columns.grow(capacity);
    const fine = new Int16Array(capacity * this.dim);
    fine.set(this.fine);
    this.fine = fine;
    const fineScales = new Float32Array(capacity);
    fineScales.set(this.fineScales);
    this.fineScales = fineScales;
    this.scores = new Float64Array(capacity);
    if (this.kernel) {
      // Codes keep their place; the dot products after them move out (nothing to keep there).
      const memory = this.kernel.memory;
      const bytes = capacity * this.dim;
      const need = this.codesAt + bytes + capacity * 4;
      if (need > MAX_PAGES * PAGE)
        throw new Error(`${capacity} vectors of ${this.dim} dimensions exceed the index's 4 GiB`);
      if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
      this.queryCode = new Int8Array(memory.buffer, 0, this.dim);
      this.codes = new Int8Array(memory.buffer, this.codesAt, bytes);
      this.approx = new Int32Array(memory.buffer, this.codesAt + bytes, capacity);
      const scales = new Float32Array(capacity);
      scales.set(this.codeScales);
      this.codeScales = scales;
    }
    this.capacity = capacity;
  }
}

function maxAbs(v: Float32Array, from: number, dim: number): number {
  let max = 0;
  const end = from + dim;
  for (let i = from; i < end; i++) {
    const a = v[i]!;
    if (a > max) max = a;
    else if (-a > max) max = -a;
  }
  return max;
}

/**
 * Writes the `dim` floats of v at `from` (largest magnitude `max`) as integers of -levels..levels
 * (symmetric, per vector) into `into` at `to`; returns the float value of one step.
 */
function quantize(
  v: Float32Array,
  from: number,
  dim: number,
  max: number,
  levels: number,
  into: Int8Array | Int16Array,
  to: number,
): number {
  if (max === 0) {
    into.fill(0, to, to + dim);
    return 0;
  }
  const scale = max / levels;
  for (let i = 0; i < dim; i++) into[to + i] = Math.round(v[from + i]! / scale);
  return scale;
}
