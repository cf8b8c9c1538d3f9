/**
 * Evaluating a trained Gaussian HMM on observation sequences: forward log-likelihood (hmmlearn
 * `score`), Viterbi (`decode`) and the per-observation conditional log-likelihood
 * log p(x_t | x_0…x_{t−1}) that the per-bucket time series averages. Prepare once, evaluate many
 * sequences: the per-state constants and log-transition matrix are computed once.
 */
import { Workspace } from './estep.js';
import { emissionModel, logFrameProb, type EmissionModel } from './emission.js';
import { forward, logSumExp, transitions, viterbi, type Transitions } from './lattice.js';
import { ScaledLattice, scaledForward } from './scaled.js';
import type { GaussianHmmParams, Observations } from './types.js';

export class PreparedHmm {
  readonly params: GaussianHmmParams;
  private readonly em: EmissionModel;
  private readonly tr: Transitions;
  private readonly ws = new Workspace();
  private readonly scaled = new ScaledLattice();

  constructor(params: GaussianHmmParams) {
    this.params = params;
    this.em = emissionModel(params);
    this.tr = transitions(params.startprob, params.transmat);
  }

  private frames(x: Observations): Float64Array {
    this.ws.ensure(x.length, this.params.nStates);
    return logFrameProb(this.em, x, this.ws.frame);
  }

  /** log p(X) by the forward algorithm (scaled, or in log space when that underflows); 0 for an empty sequence. */
  score(x: Observations): number {
    if (x.length === 0) return 0;
    const frame = this.frames(x);
    const fast = scaledForward(this.tr, frame, x.length, this.scaled, this.params.startprob);
    return Number.isNaN(fast) ? forward(this.tr, frame, x.length, this.ws.fwd, this.ws.scratch) : fast;
  }

  /** Viterbi log-probability and state path. */
  decode(x: Observations): { logProb: number; path: Int32Array } {
    if (x.length === 0) return { logProb: 0, path: new Int32Array(0) };
    return viterbi(this.tr, this.frames(x), x.length);
  }

  /**
   * log p(x_t | x_0…x_{t−1}) for every t (t = 0: log p(x_0)); they sum to `score(x)`.
   * Written into `out` (length ≥ x.length) and returned.
   */
  conditional(x: Observations, out = new Float64Array(x.length)): Float64Array {
    const n = this.params.nStates;
    if (x.length === 0) return out;
    const frame = this.frames(x);
    forward(this.tr, frame, x.length, this.ws.fwd, this.ws.scratch);
    let prev = 0;
    for (let t = 0; t < x.length; t++) {
      const cur = logSumExp(this.ws.fwd, t * n, n);
      out[t] = cur - prev;
      prev = cur;
    }
    return out;
  }
}
