/** Cosine similarity of two L2-normalized vectors is their dot product. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n);
  if (n === 0) return v;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

/** Weighted sum of vectors, re-normalized. */
export function blend(parts: Array<[Float32Array, number]>): Float32Array {
  const out = new Float32Array(parts[0]![0].length);
  for (const [v, w] of parts) for (let i = 0; i < v.length; i++) out[i]! += v[i]! * w;
  return normalize(out);
}

/** The bytes sqlite-vec stores for a float vector (a view, no copy). */
export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function vectorFromBlob(blob: Buffer): Float32Array {
  // Copy: the Buffer may be a view into a pooled allocation with a misaligned offset.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

/** sqlite-vec's cosine distance is 1 - cosine similarity. */
export function similarityFromDistance(distance: number): number {
  return 1 - distance;
}
