/**
 * The E-step of Baum-Welch: sufficient statistics of one or more observation sequences under the
 * current parameters (hmmlearn's `_do_estep` + `_accumulate_sufficient_statistics` for
 * `GaussianHMM`).
 */
import { emissionModel, logFrameProb } from './emission.js';
import { addXiSum, backward, forward, posteriors, transitions } from './lattice.js';
import { ScaledLattice, scaledBackwardSweep, scaledForward } from './scaled.js';
import { runSteps, type Steps } from '../steps.js';
import type { GaussianHmmParams, Observations } from './types.js';

export interface SufficientStats {
  /** Σ over sequences of γ_0 */
  start: Float64Array;
  /** Σ ξ (n×n) */
  trans: Float64Array;
  /** Σ_t γ_t (n) */
  post: Float64Array;
  /** Σ_t γ_t x_t (n×d) */
  obs: Float64Array;
  /** diag/spherical: Σ_t γ_t x_t² (n×d); full: Σ_t γ_t x_t x_tᵀ (n×d×d) */
  obs2: Float64Array;
  /** Σ of the sequences' log-likelihoods under the parameters the statistics were taken with */
  logProb: number;
}

/** Reusable buffers sized for the longest sequence seen so far. */
export class Workspace {
  frame = new Float64Array(0);
  fwd = new Float64Array(0);
  bwd = new Float64Array(0);
  scratch = new Float64Array(0);
  /** posteriors γ, T×n */
  post = new Float64Array(0);
  /** one sequence's Σ ξ, n×n */
  xi = new Float64Array(0);
  readonly scaled = new ScaledLattice();

  ensure(T: number, n: number): void {
    if (this.frame.length < T * n) {
      this.frame = new Float64Array(T * n);
      this.fwd = new Float64Array(T * n);
      this.bwd = new Float64Array(T * n);
      this.post = new Float64Array(T * n);
    }
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    if (this.xi.length < n * n) this.xi = new Float64Array(n * n);
  }
}

export function emptyStats(p: GaussianHmmParams): SufficientStats {
  const n = p.nStates;
  const d = p.nFeatures;
  return {
    start: new Float64Array(n),
    trans: new Float64Array(n * n),
    post: new Float64Array(n),
    obs: new Float64Array(n * d),
    obs2: new Float64Array(p.covarianceType === 'full' ? n * d * d : n * d),
    logProb: 0,
  };
}

export function accumulate(p: GaussianHmmParams, sequences: readonly Observations[], ws = new Workspace()): SufficientStats {
  return runSteps(accumulateSteps(p, sequences, ws));
}

/** `accumulate` as steps: a pause point after each sequence. */
export function* accumulateSteps(p: GaussianHmmParams, sequences: readonly Observations[], ws = new Workspace()): Steps<SufficientStats> {
  const stats = emptyStats(p);
  const n = p.nStates;
  const full = p.covarianceType === 'full';
  const em = emissionModel(p);
  const tr = transitions(p.startprob, p.transmat);
  for (const x of sequences) {
    const T = x.length;
    if (T === 0) continue;
    yield;
    ws.ensure(T, n);
    logFrameProb(em, x, ws.frame);
    // Scaled passes when the data allows (fast), log-space passes otherwise (any magnitude).
    let logProb = scaledForward(tr, ws.frame, T, ws.scaled, p.startprob);
    const scaled = !Number.isNaN(logProb) && scaledBackwardSweep(tr, T, ws.scaled, ws.post, ws.xi);
    if (!scaled) {
      logProb = forward(tr, ws.frame, T, ws.fwd, ws.scratch);
      backward(tr, ws.frame, T, ws.bwd, ws.scratch);
      posteriors(ws.fwd, ws.bwd, T, n, ws.post);
    }
    stats.logProb += logProb;
    // hmmlearn skips the transition statistics of a one-sample sequence (no transitions in it).
    if (T > 1) {
      if (scaled) for (let i = 0; i < n * n; i++) stats.trans[i]! += ws.xi[i]!;
      else addXiSum(tr, ws.frame, ws.fwd, ws.bwd, T, logProb, stats.trans);
    }
    for (let s = 0; s < n; s++) stats.start[s]! += ws.post[s]!;
    if (full) addFullStats(x, ws.post, n, stats);
    else addDiagonalStats(x, ws.post, n, stats);
  }
  return stats;
}

/**
 * Σ_t γ_t, Σ_t γ_t x_t and Σ_t γ_t x_t² (per state and feature) from the posteriors `post` (T×n).
 * Each sum runs over t in order, as a frame-by-frame loop forms it; the loops are turned so that
 * four states' sums for one feature are running totals in locals instead of memory.
 */
function addDiagonalStats(x: Observations, post: Float64Array, n: number, stats: SufficientStats): void {
  const { data, stride, offset, length: T, dim: d } = x;
  const { post: total, obs, obs2 } = stats;
  for (let s = 0; s < n; s++) {
    let g = total[s]!;
    for (let t = 0; t < T; t++) g += post[t * n + s]!;
    total[s] = g;
  }
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    for (let k = 0; k < d; k++) {
      const o = s * d + k;
      let a0 = obs[o]!;
      let a1 = obs[o + d]!;
      let a2 = obs[o + 2 * d]!;
      let a3 = obs[o + 3 * d]!;
      let b0 = obs2[o]!;
      let b1 = obs2[o + d]!;
      let b2 = obs2[o + 2 * d]!;
      let b3 = obs2[o + 3 * d]!;
      for (let t = 0, at = offset + k, pt = s; t < T; t++, at += stride, pt += n) {
        const v = data[at]!;
        const vv = v * v;
        const g0 = post[pt]!;
        const g1 = post[pt + 1]!;
        const g2 = post[pt + 2]!;
        const g3 = post[pt + 3]!;
        a0 += g0 * v;
        a1 += g1 * v;
        a2 += g2 * v;
        a3 += g3 * v;
        b0 += g0 * vv;
        b1 += g1 * vv;
        b2 += g2 * vv;
        b3 += g3 * vv;
      }
      obs[o] = a0;
      obs[o + d] = a1;
      obs[o + 2 * d] = a2;
      obs[o + 3 * d] = a3;
      obs2[o] = b0;
      obs2[o + d] = b1;
      obs2[o + 2 * d] = b2;
      obs2[o + 3 * d] = b3;
    }
  }
  for (; s < n; s++) {
    for (let k = 0; k < d; k++) {
      const o = s * d + k;
      let a = obs[o]!;
      let b = obs2[o]!;
      for (let t = 0, at = offset + k, pt = s; t < T; t++, at += stride, pt += n) {
        const v = data[at]!;
        const g = post[pt]!;
        a += g * v;
        b += g * (v * v);
      }
      obs[o] = a;
      obs2[o] = b;
    }
  }
}

/** As `addDiagonalStats`, with Σ_t γ_t x_t x_tᵀ (per state, d×d) for full covariances. */
function addFullStats(x: Observations, post: Float64Array, n: number, stats: SufficientStats): void {
  const { data, stride, offset, length: T, dim: d } = x;
  const { post: total, obs, obs2 } = stats;
  for (let t = 0; t < T; t++) {
    const base = offset + t * stride;
    for (let s = 0; s < n; s++) {
      const g = post[t * n + s]!;
      total[s]! += g;
      if (g === 0) continue;
      const o = s * d;
      const o2 = s * d * d;
      for (let k = 0; k < d; k++) {
        const gv = g * data[base + k]!;
        obs[o + k]! += gv;
        for (let l = 0; l < d; l++) obs2[o2 + k * d + l]! += gv * data[base + l]!;
      }
    }
  }
}
