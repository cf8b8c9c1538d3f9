/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) so that every
 * randomised step of the engine — k-means++ seeding, Dirichlet draws, synthetic data — gives the
 * same result for the same seed on every platform. Not for cryptography.
 */

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  /** Any finite number works as a seed; equal seeds give equal streams. */
  constructor(seed: number) {
    // Mix both 32-bit halves of the seed so seeds above 2^32 still differ.
    let s = (seed >>> 0) ^ Math.floor(seed / 4294967296);
    let out: number;
    [s, out] = splitmix32(s);
    this.a = out;
    [s, out] = splitmix32(s);
    this.b = out;
    [s, out] = splitmix32(s);
    this.c = out;
    [, out] = splitmix32(s);
    this.d = out;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** Standard normal draw (Marsaglia polar method). */
  nextNormal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextFloat() - 1;
      v = 2 * this.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Gamma(shape, 1) draw (Marsaglia–Tsang; shapes below 1 via the U^(1/shape) boost). */
  nextGamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) {
      const g = this.nextGamma(shape + 1);
      let u = this.nextFloat();
      while (u === 0) u = this.nextFloat();
      return g * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.nextNormal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextFloat();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /**
   * A draw from a symmetric Dirichlet(alpha) of dimension `n` into `out[offset…offset+n)`. Each
   * gamma variate is floored at 1e-300 so no component is exactly 0: the EM update keeps a zero
   * probability at zero forever, which a random draw must not decide.
   */
  dirichlet(alpha: number, n: number, out: Float64Array, offset = 0): void {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const g = Math.max(this.nextGamma(alpha), 1e-300);
      out[offset + i] = g;
      sum += g;
    }
    for (let i = 0; i < n; i++) out[offset + i]! /= sum;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
