import { describe, expect, it, vi } from 'vitest';
import { VectorIndex, type IndexedVector } from '../../../src/main/memory/vector-index';
import { dot, normalize } from '../../../src/main/memory/vector';
import { mulberry32 } from '../../../scripts/model-gen/prng';

/** Deterministic pseudo-random numbers in [0, 1), from the test-model generator's mulberry32. */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** Clustered unit vectors, like sentence embeddings: a few topics plus noise. */
function makeVectors(n: number, dim: number, seed: number, topicSeed = seed): Float32Array[] {
  const t = rng(topicSeed);
  const topics = Array.from({ length: 20 }, () => Float32Array.from({ length: dim }, () => t() - 0.5));
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const topic = topics[Math.floor(r() * topics.length)]!;
    return normalize(Float32Array.from({ length: dim }, (_, i) => topic[i]! + (r() - 0.5) * 0.9));
  });
}

function entry(id: number, vector: Float32Array, over: Partial<IndexedVector> = {}): IndexedVector {
  return {
    id,
    space: 'default',
    vector,
    category: 'general',
    confidence: 1,
    createdAt: id,
    labelId: 0,
    ...over,
  };
}

/**
 * The index's answer is exact when it holds k hits, closest first, none less similar than the
 * brute-force k-th (up to float32 rounding, which can swap two near-equal neighbours).
 */
function expectExact(index: VectorIndex, entries: IndexedVector[], q: Float32Array, k: number): void {
  const want = entries
    .map((e) => dot(e.vector, q))
    .sort((a, b) => b - a)
    .slice(0, k);
  const got = index.search('default', q, k);
  expect(got).toHaveLength(k);
  got.forEach((h, i) => {
    const truth = dot(entries.find((e) => e.id === h.id)!.vector, q);
    // The second pass scores int16 copies: within about 1e-5 of the float cosine.
    expect(1 - h.rank).toBeCloseTo(truth, 4);
    expect(truth).toBeGreaterThanOrEqual(want[i]! - 5e-5);
  });
}

function exact(entries: IndexedVector[], query: Float32Array, k: number) {
  return entries
    .map((e) => ({ id: e.id, sim: dot(e.vector, query) }))
    .sort((a, b) => b.sim - a.sim || a.id - b.id)
    .slice(0, k)
    .map((h) => h.id);
}

describe.each([
  ['WebAssembly SIMD', true],
  ['plain JavaScript', false],
])('VectorIndex (%s)', (_name, simd) => {
  it('returns exactly what a brute-force scan returns, over 3,000 clustered vectors', () => {
    const vectors = makeVectors(3000, 384, 7);
    const entries = vectors.map((v, i) => entry(i + 1, v));
    const index = new VectorIndex(simd);
    for (const e of entries) index.upsert(e);
    // Queries about the same topics as the stored vectors, as a user's questions are.
    for (const q of makeVectors(30, 384, 99, 7)) expectExact(index, entries, q, 10);
  });

  it('stays exact when every vector shares a large common direction (as embeddings do)', () => {
    const r = rng(5);
    const common = Float32Array.from({ length: 384 }, () => r() - 0.5);
    const skew = (vs: Float32Array[]) =>
      vs.map((v) => normalize(Float32Array.from(v, (x, i) => x * 0.35 + common[i]!)));
    const entries = skew(makeVectors(2000, 384, 8)).map((v, i) => entry(i + 1, v));
    const index = new VectorIndex(simd);
    for (const e of entries) index.upsert(e);
    for (const q of skew(makeVectors(20, 384, 77, 8))) expectExact(index, entries, q, 50);
  });

  it('reports exact cosine distances, closest first', () => {
    const vectors = makeVectors(500, 64, 3);
    const index = new VectorIndex(simd);
    vectors.forEach((v, i) => index.upsert(entry(i + 1, v)));
    const q = vectors[42]!;
    const hits = index.search('default', q, 5);
    expect(hits[0]!.id).toBe(43);
    expect(hits[0]!.rank).toBeCloseTo(0, 4);
    for (const h of hits) expect(h.rank).toBeCloseTo(1 - dot(vectors[h.id - 1]!, q), 4);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.rank).toBeGreaterThanOrEqual(hits[i - 1]!.rank);
  });

  it('applies space and every filter before ranking', () => {
    const vectors = makeVectors(2000, 96, 11);
    const entries = vectors.map((v, i) =>
      entry(i + 1, v, {
        space: i % 3 === 0 ? 'work' : 'default',
        category: i % 2 === 0 ? 'preference' : 'general',
        confidence: (i % 10) / 10,
        createdAt: 1000 + i,
        labelId: i % 5,
      }),
    );
    const index = new VectorIndex(simd);
    for (const e of entries) index.upsert(e);
    const q = makeVectors(1, 96, 5)[0]!;
    const filters = { category: 'preference', labelId: 2, minConfidence: 0.3, since: 1200, until: 1900 };
    const passes = (e: IndexedVector) =>
      e.space === 'default' &&
      e.category === 'preference' &&
      e.labelId === 2 &&
      e.confidence >= 0.3 &&
      e.createdAt >= 1200 &&
      e.createdAt <= 1900;
    const hits = index.search('default', q, 10, filters);
    expect(hits.map((h) => h.id)).toEqual(exact(entries.filter(passes), q, 10));
    expect(index.search('nowhere', q, 10)).toEqual([]);
    expect(index.search('default', q, 10, { category: 'never-seen' })).toEqual([]);
  });

  it('replaces on upsert and forgets on remove, keeping the other vectors findable', () => {
    const vectors = makeVectors(100, 32, 21);
    const index = new VectorIndex(simd);
    vectors.forEach((v, i) => index.upsert(entry(i + 1, v)));
    index.upsert(entry(5, vectors[70]!));
    expect(index.size).toBe(100);
    const held = index.vectorOf(5)!;
    // Held as int16 with a scale: each component within half a step of the float.
    const step = Math.max(...vectors[70]!.map(Math.abs)) / 32767;
    held.forEach((x, j) => expect(Math.abs(x - vectors[70]![j]!)).toBeLessThanOrEqual(step / 2 + 1e-9));
    index.remove(1);
    index.remove(1);
    expect(index.size).toBe(99);
    expect(index.has(1)).toBe(false);
    expect(index.vectorOf(1)).toBeUndefined();
    // The last slot moved into the removed one: it must still be found as itself.
    expect(index.search('default', vectors[99]!, 1)[0]!.id).toBe(100);
    expect(index.search('default', vectors[0]!, 100).map((h) => h.id)).not.toContain(1);
    for (let id = 2; id <= 100; id++) index.remove(id);
    expect(index.size).toBe(0);
    expect(index.search('default', vectors[3]!, 3)).toEqual([]);
  });

  it('rejects a vector of the wrong size', () => {
    const index = new VectorIndex(simd);
    index.upsert(entry(1, new Float32Array([1, 0, 0])));
    expect(() => index.upsert(entry(2, new Float32Array([1, 0])))).toThrow(/2 dimensions in an index of 3/);
    expect(() => index.search('default', new Float32Array(4), 1)).toThrow(/4 dimensions/);
  });
});

describe('VectorIndex with helper threads', () => {
  const ids = (hits: { id: number; rank: number }[]) => hits.map((h) => `${h.id}:${h.rank.toFixed(6)}`);

  it('answers exactly as one thread does, through growth, removals, updates and filters', async () => {
    const vectors = makeVectors(4000, 384, 21);
    // A split from 64 vectors on, so a small index exercises it.
    const split = new VectorIndex({ parallelMin: 64, helpers: 1 });
    const alone = new VectorIndex({ helpers: 0 });
    const both = (e: IndexedVector) => {
      split.upsert(e);
      alone.upsert(e);
    };
    const category = (i: number) => (i % 3 === 0 ? 'work' : 'home');
    vectors.slice(0, 1500).forEach((v, i) => both(entry(i + 1, v, { category: category(i) })));
    const queries = makeVectors(12, 384, 123, 21);
    // The first search starts the helper; the scan is the caller's alone until it is ready.
    expect(ids(split.search('default', queries[0]!, 10))).toEqual(
      ids(alone.search('default', queries[0]!, 10)),
    );
    await vi.waitFor(() => expect(split.helperThreads).toBe(1), { timeout: 10_000 });
    const compare = () => {
      for (const q of queries) {
        expect(ids(split.search('default', q, 50))).toEqual(ids(alone.search('default', q, 50)));
        expect(ids(split.search('default', q, 10, { category: 'work' }))).toEqual(
          ids(alone.search('default', q, 10, { category: 'work' })),
        );
      }
    };
    compare();
    // Growth moves the arrays (and grows the shared memory) while the helper holds it.
    vectors.slice(1500).forEach((v, i) => both(entry(1501 + i, v, { category: category(1500 + i) })));
    for (let id = 1; id <= 4000; id += 7) {
      split.remove(id);
      alone.remove(id);
    }
    for (let id = 2; id <= 4000; id += 11) both(entry(id, vectors[(id * 13) % 4000]!, { category: 'work' }));
    expect(split.helperThreads).toBe(1);
    compare();
    // An odd count splits unevenly: the last rows are still scanned.
    split.remove(2);
    alone.remove(2);
    expect(split.size % 2).toBe(1);
    compare();
    split.close();
    expect(split.helperThreads).toBe(0);
    compare();
    alone.close();
  });

  it('starts no thread below the size that splits', () => {
    const index = new VectorIndex({ parallelMin: 10_000, helpers: 1 });
    makeVectors(200, 64, 3).forEach((v, i) => index.upsert(entry(i + 1, v)));
    index.search('default', makeVectors(1, 64, 4, 3)[0]!, 5);
    expect(index.helperThreads).toBe(0);
    index.close();
  });
});
