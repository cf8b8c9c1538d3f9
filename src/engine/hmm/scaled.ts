/**
 * Forward-backward with per-step scaling (Rabiner): the same posteriors and log-likelihood as the
 * log-space passes of lattice.ts up to rounding, with one exponential per state and frame and one
 * logarithm per frame instead of several of each per state. Frame densities are taken relative to
 * their per-frame maximum, so nothing overflows; when a scale factor would underflow or a backward
 * value overflow (transitions that make the data almost impossible), the caller falls back to the
 * log-space passes, which handle any magnitude.
 */
import type { Transitions } from './lattice.js';

const MIN_SCALE = 1e-280;
/** product · MIN_SCALE stays a normal double above this. */
const FLUSH = 1e-20;

/** Buffers of the scaled passes, reused between calls. */
export class ScaledLattice {
  /** exp(frame − per-frame max), T×n */
  b = new Float64Array(0);
  /** normalised forward variables, T×n */
  alpha = new Float64Array(0);
  /** per-frame scale: p(x_t | x_<t) relative to exp(frameMax[t]) */
  scale = new Float64Array(0);
  frameMax = new Float64Array(0);

  ensure(T: number, n: number): void {
    if (this.alpha.length < T * n) {
      this.b = new Float64Array(T * n);
      this.alpha = new Float64Array(T * n);
    }
    if (this.scale.length < T) {
      this.scale = new Float64Array(T);
      this.frameMax = new Float64Array(T);
    }
  }
}

/**
 * Scaled forward pass over `T` frames of log-densities. Returns log p(X), or NaN when the scaled
 * representation cannot hold the data (then use the log-space passes).
 */
export function scaledForward(tr: Transitions, frame: Float64Array, T: number, s: ScaledLattice, startprob: Float64Array): number {
  const n = tr.n;
  s.ensure(T, n);
  const { b, alpha, scale, frameMax } = s;
  const A = tr.linear;
  // log p(X) = Σ log c_t + Σ max_t; the scales are multiplied up and their logarithm taken only
  // when the product nears the bottom of the range a next scale (≥ MIN_SCALE) may not leave
  let maxSum = 0;
  let logScales = 0;
  let product = 1;
  for (let t = 0; t < T; t++) {
    const off = t * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (frame[off + j]! > m) m = frame[off + j]!;
    if (!Number.isFinite(m)) return NaN;
    frameMax[t] = m;
    // exp(0) is 1 exactly: the most likely state needs no exponential
    for (let j = 0; j < n; j++) {
      const f = frame[off + j]!;
      b[off + j] = f === m ? 1 : Math.exp(f - m);
    }
    let c = 0;
    if (t === 0) {
      for (let j = 0; j < n; j++) {
        const v = startprob[j]! * b[j]!;
        alpha[j] = v;
        c += v;
      }
    } else {
      const prev = off - n;
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += alpha[prev + i]! * A[i * n + j]!;
        const v = acc * b[off + j]!;
        alpha[off + j] = v;
        c += v;
      }
    }
    if (!(c > MIN_SCALE) || !Number.isFinite(c)) return NaN;
    const inv = 1 / c;
    for (let j = 0; j < n; j++) alpha[off + j]! *= inv;
    scale[t] = c;
    maxSum += m;
    product *= c;
    if (product < FLUSH) {
      logScales += Math.log(product);
      product = 1;
    }
  }
  return logScales + Math.log(product) + maxSum;
}

/**
 * The backward pass after `scaledForward` succeeded, with what the E-step reads from it taken in
 * the same sweep (each step's r_j = b_{t+1}(j) β̂_{t+1}(j) / c_{t+1} serves all three):
 * - posteriors γ_t (normalised α̂·β̂) into `post` (T×n);
 * - Σ_t ξ_t(i, j) = α̂_t(i) A_ij r_j into `xi` (n×n, overwritten).
 * Only two rows of β̂ are ever held. False when a backward value overflowed (then the caller
 * falls back to the log-space passes; `post` and `xi` are incomplete).
 */
export function scaledBackwardSweep(tr: Transitions, T: number, s: ScaledLattice, post: Float64Array, xi: Float64Array): boolean {
  const n = tr.n;
  const { b, alpha, scale } = s;
  const A = tr.linear;
  const r = new Float64Array(n);
  let next = new Float64Array(n).fill(1);
  let cur = new Float64Array(n);
  xi.fill(0, 0, n * n);
  posterior(alpha, next, (T - 1) * n, n, post);
  for (let t = T - 2; t >= 0; t--) {
    const nxt = (t + 1) * n;
    const inv = 1 / scale[t + 1]!;
    for (let j = 0; j < n; j++) r[j] = b[nxt + j]! * next[j]! * inv;
    const off = t * n;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += A[i * n + j]! * r[j]!;
      if (!Number.isFinite(acc)) return false;
      cur[i] = acc;
      const a = alpha[off + i]!;
      if (a === 0) continue;
      for (let j = 0; j < n; j++) xi[i * n + j]! += a * A[i * n + j]! * r[j]!;
    }
    posterior(alpha, cur, off, n, post);
    [next, cur] = [cur, next];
  }
  return true;
}

/** γ at the frame starting at `off`: normalised α̂·β̂ (uniform when both vanish). */
function posterior(alpha: Float64Array, beta: Float64Array, off: number, n: number, post: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const g = alpha[off + i]! * beta[i]!;
    post[off + i] = g;
    sum += g;
  }
  if (sum > 0) for (let i = 0; i < n; i++) post[off + i]! /= sum;
  else post.fill(1 / n, off, off + n);
}
