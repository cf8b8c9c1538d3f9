/**
 * Parameters and observations of a Gaussian HMM, as flat typed arrays (row-major).
 *
 * Covariance layouts per type: `spherical` — one variance per state (`n`); `diag` — one per state
 * and feature (`n·d`); `full` — one `d×d` matrix per state (`n·d·d`).
 */
import type { CovarianceType } from '../../query/profileSpec.js';

export type { CovarianceType };

export interface GaussianHmmParams {
  nStates: number;
  nFeatures: number;
  covarianceType: CovarianceType;
  /** n */
  startprob: Float64Array;
  /** n×n, row i = transitions out of state i */
  transmat: Float64Array;
  /** n×d */
  means: Float64Array;
  /** see the file comment for the layout */
  covars: Float64Array;
}

/**
 * `length` observations of `dim` values; observation t, value k is `data[offset + t·stride + k]`.
 * Sliding windows over one code sequence use `stride = 1`, so no window is ever copied.
 */
export interface Observations {
  data: Float64Array;
  length: number;
  dim: number;
  stride: number;
  offset: number;
}

export function denseObservations(data: Float64Array, length: number, dim: number): Observations {
  if (data.length < length * dim) throw new RangeError(`observations: ${data.length} values cannot hold ${length}×${dim}`);
  return { data, length, dim, stride: dim, offset: 0 };
}

/** Windows of `w` consecutive values of `codes`: `codes.length − w + 1` observations (0 when too short). */
export function slidingWindows(codes: Float64Array, w: number): Observations {
  return { data: codes, length: Math.max(0, codes.length - w + 1), dim: w, stride: 1, offset: 0 };
}

export function covarsLength(type: CovarianceType, n: number, d: number): number {
  return type === 'spherical' ? n : type === 'diag' ? n * d : n * d * d;
}

export function cloneParams(p: GaussianHmmParams): GaussianHmmParams {
  return {
    ...p,
    startprob: p.startprob.slice(),
    transmat: p.transmat.slice(),
    means: p.means.slice(),
    covars: p.covars.slice(),
  };
}

/** The settings of hmmlearn 0.3.3 `GaussianHMM` that the EM update uses (its defaults). */
export interface HmmPriors {
  minCovar: number;
  startprobPrior: number;
  transmatPrior: number;
  meansPrior: number;
  meansWeight: number;
  covarsPrior: number;
  covarsWeight: number;
}

export const HMMLEARN_PRIORS: HmmPriors = {
  minCovar: 1e-3,
  startprobPrior: 1,
  transmatPrior: 1,
  meansPrior: 0,
  meansWeight: 0,
  covarsPrior: 1e-2,
  covarsWeight: 1,
};
