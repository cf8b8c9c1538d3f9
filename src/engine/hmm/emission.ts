/**
 * Per-state Gaussian log-densities of every observation (hmmlearn's `_compute_log_likelihood`),
 * with the per-state constants (log-determinant, inverse variances, Cholesky factors) computed
 * once per parameter set instead of once per sample.
 */
import type { GaussianHmmParams, Observations } from './types.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** numpy's `finfo(float).tiny`: hmmlearn floors diagonal variances here so log(0) never happens. */
const TINY = 2.2250738585072014e-308;

/** Thrown when a full covariance matrix is not positive definite even after hmmlearn's 1e-7 jitter. */
export class CovarianceError extends Error {
  override readonly name = 'CovarianceError';
}

/** Precomputed per-state terms of the log-density. */
export interface EmissionModel {
  nStates: number;
  dim: number;
  /** −½(d·log 2π + log det Σ_s) per state */
  constant: Float64Array;
  /** diag/spherical: 1/σ² per state and feature (n·d); full: lower Cholesky factors (n·d·d) */
  scale: Float64Array;
  full: boolean;
  means: Float64Array;
}

export function emissionModel(p: GaussianHmmParams): EmissionModel {
  const n = p.nStates;
  const d = p.nFeatures;
  const constant = new Float64Array(n);
  if (p.covarianceType === 'full') {
    const chol = new Float64Array(n * d * d);
    for (let s = 0; s < n; s++) {
      const off = s * d * d;
      if (!cholesky(p.covars, off, d, 0, chol) && !cholesky(p.covars, off, d, 1e-7, chol)) {
        throw new CovarianceError(`the covariance matrix of state ${s} is not symmetric positive definite`);
      }
      let logDet = 0;
      for (let k = 0; k < d; k++) logDet += Math.log(chol[off + k * d + k]!);
      constant[s] = -0.5 * (d * LOG_2PI + 2 * logDet);
    }
    return { nStates: n, dim: d, constant, scale: chol, full: true, means: p.means };
  }
  const inv = new Float64Array(n * d);
  for (let s = 0; s < n; s++) {
    let logDet = 0;
    for (let k = 0; k < d; k++) {
      const v = Math.max(p.covarianceType === 'spherical' ? p.covars[s]! : p.covars[s * d + k]!, TINY);
      logDet += Math.log(v);
      inv[s * d + k] = 1 / v;
    }
    constant[s] = -0.5 * (d * LOG_2PI + logDet);
  }
  return { nStates: n, dim: d, constant, scale: inv, full: false, means: p.means };
}

/**
 * Lower Cholesky factor of `a[off…]` (+ jitter·I) into `out[off…]`; false when not positive
 * definite. Only the lower triangle of `a` is read, as LAPACK's potrf with lower=True does.
 */
function cholesky(a: Float64Array, off: number, d: number, jitter: number, out: Float64Array): boolean {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[off + i * d + j]! + (i === j ? jitter : 0);
      for (let k = 0; k < j; k++) sum -= out[off + i * d + k]! * out[off + j * d + k]!;
      if (i === j) {
        // A pivot at rounding level is a zero whose sign the order of operations decided: LAPACK's
        // potrf (hmmlearn) meets a rank-deficient covariance (a state over constant windows) as
        // not positive definite and retries with jitter, so a tiny positive pivot must fail here too.
        // (the first attempt only: with its jitter the retry fails, as potrf, only on a pivot ≤ 0)
        if (!(jitter === 0 ? sum > 8 * d * Number.EPSILON * a[off + i * d + i]! : sum > 0)) return false;
        out[off + i * d + i] = Math.sqrt(sum);
      } else {
        out[off + i * d + j] = sum / out[off + j * d + j]!;
      }
    }
    for (let j = i + 1; j < d; j++) out[off + i * d + j] = 0;
  }
  return true;
}

/** log p(x_t | state s) into `out[t·n + s]` for every observation. */
export function logFrameProb(em: EmissionModel, x: Observations, out: Float64Array): Float64Array {
  const n = em.nStates;
  const d = em.dim;
  if (x.dim !== d) throw new RangeError(`observations have ${x.dim} values each, the model expects ${d}`);
  const { data, stride, offset } = x;
  const { constant, scale, means } = em;
  if (!em.full) {
    diagonalLogProb(em, x, out);
    return out;
  }
  const z = new Float64Array(d);
  for (let t = 0; t < x.length; t++) {
    const base = offset + t * stride;
    for (let s = 0; s < n; s++) {
      const off = s * d * d;
      let q = 0;
      for (let i = 0; i < d; i++) {
        let v = data[base + i]! - means[s * d + i]!;
        for (let k = 0; k < i; k++) v -= scale[off + i * d + k]! * z[k]!;
        v /= scale[off + i * d + i]!;
        z[i] = v;
        q += v * v;
      }
      out[t * n + s] = constant[s]! - 0.5 * q;
    }
  }
  return out;
}

/**
 * The diagonal/spherical case, four states per pass over an observation's values: independent
 * sums, each in feature order, so every value is the one of a state-by-state loop.
 */
function diagonalLogProb(em: EmissionModel, x: Observations, out: Float64Array): void {
  const n = em.nStates;
  const d = em.dim;
  const { data, stride, offset } = x;
  const { constant, scale, means } = em;
  for (let t = 0; t < x.length; t++) {
    const base = offset + t * stride;
    const row = t * n;
    let s = 0;
    for (; s + 4 <= n; s += 4) {
      const m0 = s * d;
      const m1 = m0 + d;
      const m2 = m1 + d;
      const m3 = m2 + d;
      let q0 = 0;
      let q1 = 0;
      let q2 = 0;
      let q3 = 0;
      for (let k = 0; k < d; k++) {
        const v = data[base + k]!;
        const e0 = v - means[m0 + k]!;
        const e1 = v - means[m1 + k]!;
        const e2 = v - means[m2 + k]!;
        const e3 = v - means[m3 + k]!;
        q0 += e0 * e0 * scale[m0 + k]!;
        q1 += e1 * e1 * scale[m1 + k]!;
        q2 += e2 * e2 * scale[m2 + k]!;
        q3 += e3 * e3 * scale[m3 + k]!;
      }
      out[row + s] = constant[s]! - 0.5 * q0;
      out[row + s + 1] = constant[s + 1]! - 0.5 * q1;
      out[row + s + 2] = constant[s + 2]! - 0.5 * q2;
      out[row + s + 3] = constant[s + 3]! - 0.5 * q3;
    }
    for (; s < n; s++) {
      let q = 0;
      const ms = s * d;
      for (let k = 0; k < d; k++) {
        const diff = data[base + k]! - means[ms + k]!;
        q += diff * diff * scale[ms + k]!;
      }
      out[row + s] = constant[s]! - 0.5 * q;
    }
  }
}
