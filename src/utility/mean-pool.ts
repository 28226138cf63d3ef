import { HippoError } from '../shared/errors';

export interface HiddenShape {
  batch: number;
  seq: number;
  dims: number;
}

/**
 * sentence-transformers pooling: the mean of last_hidden_state over the positions whose attention
 * mask is 1 ([CLS] and [SEP] included, padding excluded). Returns unnormalized vectors.
 */
export function meanPool(
  hidden: Float32Array,
  attentionMask: ArrayLike<number | bigint>,
  { batch, seq, dims }: HiddenShape,
): Float32Array[] {
  checkShape(hidden, attentionMask, { batch, seq, dims });
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const sum = new Float32Array(dims);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (Number(attentionMask[b * seq + t]) === 0) continue;
      count++;
      const base = (b * seq + t) * dims;
      for (let d = 0; d < dims; d++) sum[d]! += hidden[base + d]!;
    }
    // Same clamp as sentence-transformers (min 1e-9) so an all-padding row stays finite.
    const denom = Math.max(count, 1e-9);
    for (let d = 0; d < dims; d++) sum[d]! /= denom;
    out.push(sum);
  }
  return out;
}

/**
 * CLS pooling (BGE and other retrieval models): the hidden state of the first position, the [CLS]
 * token every window starts with. Returns unnormalized vectors.
 */
export function clsPool(
  hidden: Float32Array,
  attentionMask: ArrayLike<number | bigint>,
  { batch, seq, dims }: HiddenShape,
): Float32Array[] {
  checkShape(hidden, attentionMask, { batch, seq, dims });
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) out.push(hidden.slice(b * seq * dims, b * seq * dims + dims));
  return out;
}

/** Scales v to unit length in place (a zero vector stays zero) and returns it. */
export function l2Normalize(v: Float32Array): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  // torch.nn.functional.normalize clamps the norm at 1e-12 the same way.
  const norm = Math.max(Math.sqrt(sq), 1e-12);
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/**
 * One vector for a text embedded in several windows: the average of the (normalized) window
 * vectors weighted by how many content tokens each window holds, re-normalized. Each window vector
 * is a proper sentence embedding on its own, so the average stays in the model's space, and the
 * weights keep a short window from counting as much as a full one.
 */
export function combineWindows(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const first = vectors[0];
  if (!first || vectors.length !== weights.length) {
    throw new HippoError(
      'INTERNAL',
      `cannot combine ${vectors.length} window vectors with ${weights.length} weights`,
    );
  }
  if (vectors.length === 1) return l2Normalize(Float32Array.from(first));
  const out = new Float32Array(first.length);
  vectors.forEach((v, i) => {
    const w = weights[i]!;
    for (let d = 0; d < out.length; d++) out[d]! += w * v[d]!;
  });
  return l2Normalize(out);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb || 1);
}

/** The model's output must hold batch × seq × dims values for a batch × seq mask. */
function checkShape(
  hidden: Float32Array,
  attentionMask: ArrayLike<number | bigint>,
  { batch, seq, dims }: HiddenShape,
): void {
  if (hidden.length !== batch * seq * dims || attentionMask.length !== batch * seq) {
    throw new HippoError(
      'MODEL_FAILED',
      `model output has ${hidden.length} values, expected ${batch}×${seq}×${dims} for a mask of ${attentionMask.length}`,
    );
  }
}
