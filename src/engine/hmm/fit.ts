/**
 * Training a Gaussian HMM as hmmlearn 0.3.3 `GaussianHMM.fit` does: initialisation (`_init`),
 * then EM iterations — E-step under the current parameters (its log-likelihood is what the
 * convergence monitor records), M-step, then the monitor's stop rule: `n_iter` iterations, or a
 * gain of the log-likelihood over the previous iteration below `tol`.
 */
import { Rng } from '../random.js';
import { runSteps, type Steps } from '../steps.js';
import { accumulateSteps, Workspace } from './estep.js';
import { kmeansSteps } from './kmeans.js';
import { mstep } from './mstep.js';
import { cloneParams, covarsLength, HMMLEARN_PRIORS, type CovarianceType, type GaussianHmmParams, type HmmPriors, type Observations } from './types.js';

export interface InitOptions {
  nStates: number;
  covarianceType: CovarianceType;
  seed: number;
  minCovar?: number;
}

/**
 * Sample covariance (ddof 1) of all observations, d×d; zero for a single observation. With
 * `diagonalOnly` the off-diagonal entries are left 0 (diagonal covariances never read them); the
 * diagonal is computed exactly as in the full matrix.
 */
function sampleCovariance(sequences: readonly Observations[], d: number, diagonalOnly: boolean): Float64Array {
  const mean = new Float64Array(d);
  let count = 0;
  for (const x of sequences) {
    for (let t = 0; t < x.length; t++) {
      const b = x.offset + t * x.stride;
      for (let k = 0; k < d; k++) mean[k]! += x.data[b + k]!;
    }
    count += x.length;
  }
  for (let k = 0; k < d; k++) mean[k]! /= count;
  const cov = new Float64Array(d * d);
  if (count < 2) return cov;
  const diff = new Float64Array(d);
  for (const x of sequences) {
    for (let t = 0; t < x.length; t++) {
      const b = x.offset + t * x.stride;
      for (let k = 0; k < d; k++) diff[k] = x.data[b + k]! - mean[k]!;
      if (diagonalOnly) for (let k = 0; k < d; k++) cov[k * d + k]! += diff[k]! * diff[k]!;
      else for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) cov[k * d + l]! += diff[k]! * diff[l]!;
    }
  }
  for (let i = 0; i < d * d; i++) cov[i]! /= count - 1;
  return cov;
}

/** Concatenates the sequences into one dense matrix (k-means treats samples independently). */
function stack(sequences: readonly Observations[], d: number): Observations {
  const total = sequences.reduce((s, x) => s + x.length, 0);
  const data = new Float64Array(total * d);
  let at = 0;
  for (const x of sequences) {
    for (let t = 0; t < x.length; t++, at++) {
      const b = x.offset + t * x.stride;
      for (let k = 0; k < d; k++) data[at * d + k] = x.data[b + k]!;
    }
  }
  return { data, length: total, dim: d, stride: d, offset: 0 };
}

/**
 * Initial parameters as hmmlearn's `_init`: start and transition probabilities drawn from a
 * symmetric Dirichlet(1/n), means by k-means++ (best of 10), covariances from the sample
 * covariance of all observations plus `minCovar` on the diagonal (spherical: the mean of all
 * entries of that matrix, hmmlearn's choice). Deterministic for the seed.
 */
export function initParams(sequences: readonly Observations[], opts: InitOptions): GaussianHmmParams {
  return runSteps(initParamsSteps(sequences, opts));
}

/** `initParams` as steps (k-means is the long part). */
export function* initParamsSteps(sequences: readonly Observations[], opts: InitOptions): Steps<GaussianHmmParams> {
  const n = opts.nStates;
  const d = sequences[0]?.dim ?? 0;
  const total = sequences.reduce((s, x) => s + x.length, 0);
  if (total === 0 || d === 0) throw new RangeError('cannot initialise an HMM without observations');
  const minCovar = opts.minCovar ?? HMMLEARN_PRIORS.minCovar;
  const rng = new Rng(opts.seed);
  const startprob = new Float64Array(n);
  rng.dirichlet(1 / n, n, startprob);
  const transmat = new Float64Array(n * n);
  for (let i = 0; i < n; i++) rng.dirichlet(1 / n, n, transmat, i * n);
  const means = (yield* kmeansSteps(stack(sequences, d), { k: n, seed: opts.seed })).centers;
  const cv = sampleCovariance(sequences, d, opts.covarianceType === 'diag');
  for (let k = 0; k < d; k++) cv[k * d + k]! += minCovar;
  const covars = new Float64Array(covarsLength(opts.covarianceType, n, d));
  if (opts.covarianceType === 'spherical') {
    let mean = 0;
    for (let i = 0; i < d * d; i++) mean += cv[i]!;
    covars.fill(mean / (d * d));
  } else if (opts.covarianceType === 'diag') {
    for (let s = 0; s < n; s++) for (let k = 0; k < d; k++) covars[s * d + k] = cv[k * d + k]!;
  } else {
    for (let s = 0; s < n; s++) covars.set(cv, s * d * d);
  }
  return { nStates: n, nFeatures: d, covarianceType: opts.covarianceType, startprob, transmat, means, covars };
}

export interface FitOptions {
  nIter: number;
  tol: number;
  priors?: HmmPriors;
  /** Called after each iteration with its (E-step) log-likelihood. */
  onIteration?: (iteration: number, logLikelihood: number) => void;
}

export interface FitResult {
  params: GaussianHmmParams;
  /** The monitor's history: the log-likelihood of the E-step of every iteration run. */
  logLikelihood: number[];
  /** True when training stopped because the gain fell below `tol` (not because of `nIter`). */
  converged: boolean;
}

/** Baum-Welch from `init` (not modified). */
export function fit(init: GaussianHmmParams, sequences: readonly Observations[], opts: FitOptions): FitResult {
  return runSteps(fitSteps(init, sequences, opts));
}

/** `fit` as steps: a pause point per EM iteration and per sequence of its E-step. */
export function* fitSteps(init: GaussianHmmParams, sequences: readonly Observations[], opts: FitOptions): Steps<FitResult> {
  const params = cloneParams(init);
  const priors = opts.priors ?? HMMLEARN_PRIORS;
  const history: number[] = [];
  const ws = new Workspace();
  let converged = false;
  for (let it = 0; it < opts.nIter; it++) {
    const stats = yield* accumulateSteps(params, sequences, ws);
    mstep(params, stats, priors);
    history.push(stats.logProb);
    opts.onIteration?.(it, stats.logProb);
    if (history.length >= 2 && history[history.length - 1]! - history[history.length - 2]! < opts.tol) {
      converged = true;
      break;
    }
  }
  return { params, logLikelihood: history, converged };
}
