/**
 * Seeded pseudo-random numbers for the generated test models.
 *
 * Only integer operations and exact float arithmetic are used (no Math.log/sin/cos, whose last bits
 * may differ between engines), so the same seed yields byte-identical weights on every platform.
 */

/** mulberry32: a tiny 32-bit generator, plenty for weights that only need to look random. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Derives independent seeds for named tensors so adding a tensor does not shift the others' weights. */
export function seedFor(baseSeed: number, name: string): number {
  // FNV-1a over the name, mixed with the base seed.
  let hash = 0x811c9dc5 ^ (baseSeed >>> 0);
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const SQRT3 = 1.7320508075688772;

export class SeededRandom {
  private readonly nextUint32: () => number;

  constructor(seed: number) {
    this.nextUint32 = mulberry32(seed);
  }

  /** Uniform in [0, 1), exact: a 32-bit integer divided by 2^32. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * Approximately standard normal: Irwin-Hall sum of four uniforms, centred and scaled to unit
   * variance. Bounded tails (|x| <= 2√3) are a feature here: no outlier weight can blow up.
   */
  normal(): number {
    const sum = this.uniform() + this.uniform() + this.uniform() + this.uniform();
    return (sum - 2) * SQRT3;
  }

  /** Fills `out` with normal(0, std) values, rounded to float32 by the array itself. */
  fillNormal(out: Float32Array, std: number, mean = 0): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }
}

/** A new float32 tensor of `size` normal(mean, std) values from its own named seed. */
export function normalTensor(
  baseSeed: number,
  name: string,
  size: number,
  std: number,
  mean = 0,
): Float32Array {
  return new SeededRandom(seedFor(baseSeed, name)).fillNormal(new Float32Array(size), std, mean);
}
