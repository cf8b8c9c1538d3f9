/**
 * The E-step of Baum-Welch: sufficient statistics of one or more observation sequences under the
 * current parameters (hmmlearn's `_do_estep` + `_accumulate_sufficient_statistics` for
 * `GaussianHMM`), fused into one pass per sequence so the posteriors are never stored.
 */
import { emissionModel, logFrameProb } from './emission.js';
import { addXiSum, backward, forward, posteriorAt, transitions } from './lattice.js';
import { ScaledLattice, scaledBackward, scaledForward, scaledPosteriorAt, scaledXiSum } from './scaled.js';
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
  readonly scaled = new ScaledLattice();

  ensure(T: number, n: number): void {
    if (this.frame.length < T * n) {
      this.frame = new Float64Array(T * n);
      this.fwd = new Float64Array(T * n);
      this.bwd = new Float64Array(T * n);
    }
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
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
  const d = p.nFeatures;
  const full = p.covarianceType === 'full';
  const em = emissionModel(p);
  const tr = transitions(p.startprob, p.transmat);
  const gamma = new Float64Array(n);
  for (const x of sequences) {
    const T = x.length;
    if (T === 0) continue;
    yield;
    ws.ensure(T, n);
    logFrameProb(em, x, ws.frame);
    // Scaled passes when the data allows (fast), log-space passes otherwise (any magnitude).
    let logProb = scaledForward(tr, ws.frame, T, ws.scaled, p.startprob);
    const scaled = !Number.isNaN(logProb) && scaledBackward(tr, T, ws.scaled);
    if (!scaled) {
      logProb = forward(tr, ws.frame, T, ws.fwd, ws.scratch);
      backward(tr, ws.frame, T, ws.bwd, ws.scratch);
    }
    stats.logProb += logProb;
    // hmmlearn skips the transition statistics of a one-sample sequence (no transitions in it).
    if (T > 1) {
      if (scaled) scaledXiSum(tr, T, ws.scaled, stats.trans);
      else addXiSum(tr, ws.frame, ws.fwd, ws.bwd, T, logProb, stats.trans);
    }
    const { data, stride, offset } = x;
    for (let t = 0; t < T; t++) {
      if (scaled) scaledPosteriorAt(ws.scaled, t, n, gamma);
      else posteriorAt(ws.fwd, ws.bwd, t, n, gamma);
      if (t === 0) for (let s = 0; s < n; s++) stats.start[s]! += gamma[s]!;
      const base = offset + t * stride;
      for (let s = 0; s < n; s++) {
        const g = gamma[s]!;
        stats.post[s]! += g;
        if (g === 0) continue;
        const o = s * d;
        if (!full) {
          for (let k = 0; k < d; k++) {
            const v = data[base + k]!;
            stats.obs[o + k]! += g * v;
            stats.obs2[o + k]! += g * (v * v);
          }
        } else {
          const o2 = s * d * d;
          for (let k = 0; k < d; k++) {
            const gv = g * data[base + k]!;
            stats.obs[o + k]! += gv;
            for (let l = 0; l < d; l++) stats.obs2[o2 + k * d + l]! += gv * data[base + l]!;
          }
        }
      }
    }
  }
  return stats;
}
