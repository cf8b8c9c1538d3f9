/**
 * The M-step of Baum-Welch with hmmlearn 0.3.3's MAP formulas (`BaseHMM._do_mstep` and
 * `GaussianHMM._do_mstep`), evaluated in the same order so rounding stays close to hmmlearn's.
 *
 * Where hmmlearn's result is not a usable model we define it instead (see docs in each branch):
 * a state that received no posterior mass at all keeps its mean (hmmlearn: 0/0 = NaN) and a
 * transition row with no expected count keeps its previous row (hmmlearn: a row of zeros).
 */
import type { SufficientStats } from './estep.js';
import type { GaussianHmmParams, HmmPriors } from './types.js';

export function mstep(p: GaussianHmmParams, stats: SufficientStats, priors: HmmPriors): void {
  const n = p.nStates;
  const d = p.nFeatures;

  // startprob: a zero probability stays zero (hmmlearn's np.where guard for forbidden states).
  const sp = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = p.startprob[i] === 0 ? 0 : Math.max(priors.startprobPrior - 1 + stats.start[i]!, 0);
    sp[i] = v;
    sum += v;
  }
  if (sum > 0) for (let i = 0; i < n; i++) p.startprob[i] = sp[i]! / sum;

  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let rs = 0;
    for (let j = 0; j < n; j++) {
      const v = p.transmat[i * n + j] === 0 ? 0 : Math.max(priors.transmatPrior - 1 + stats.trans[i * n + j]!, 0);
      row[j] = v;
      rs += v;
    }
    // No expected transition out of state i (it was never visited, or the sequence had one
    // sample): hmmlearn leaves a zero row, which makes every later transition from i impossible;
    // keeping the previous row changes nothing for the data and keeps the matrix stochastic.
    if (rs > 0) for (let j = 0; j < n; j++) p.transmat[i * n + j] = row[j]! / rs;
  }

  const mw = priors.meansWeight;
  const mp = priors.meansPrior;
  for (let s = 0; s < n; s++) {
    const denom = stats.post[s]!;
    // No posterior mass and no prior weight: hmmlearn divides 0 by 0; the mean stays where it was.
    if (mw + denom === 0) continue;
    for (let k = 0; k < d; k++) p.means[s * d + k] = (mw * mp + stats.obs[s * d + k]!) / (mw + denom);
  }

  const cp = priors.covarsPrior;
  const cw = priors.covarsWeight;
  if (p.covarianceType === 'diag' || p.covarianceType === 'spherical') {
    const cd = Math.max(cw - 1, 0);
    for (let s = 0; s < n; s++) {
      const denom = stats.post[s]!;
      const div = Math.max(cd + denom, 1e-5);
      let acc = 0;
      for (let k = 0; k < d; k++) {
        const i = s * d + k;
        const mu = p.means[i]!;
        const md = mu - mp;
        const cn = mw * (md * md) + stats.obs2[i]! - 2 * mu * stats.obs[i]! + mu * mu * denom;
        const c = (cp + cn) / div;
        if (p.covarianceType === 'diag') p.covars[i] = c;
        else acc += c;
      }
      if (p.covarianceType === 'spherical') p.covars[s] = acc / d;
    }
    return;
  }

  // full: hmmlearn adds the scalar covars_prior to every entry (off-diagonals included).
  const cvw = Math.max(cw - d, 0);
  for (let s = 0; s < n; s++) {
    const post = stats.post[s]!;
    // hmmlearn divides by cvweight + post with no floor (∞ for an unvisited state); we use the
    // 1e-5 floor of its diagonal branch so the matrix stays finite.
    const div = Math.max(cvw + post, 1e-5);
    const o = s * d;
    const o2 = s * d * d;
    for (let k = 0; k < d; k++) {
      const muk = p.means[o + k]!;
      const mdk = muk - mp;
      for (let l = 0; l < d; l++) {
        const mul = p.means[o + l]!;
        const mdl = mul - mp;
        const obsmean = stats.obs[o + k]! * mul;
        const obsmeanT = stats.obs[o + l]! * muk;
        const cn = mw * (mdk * mdl) + stats.obs2[o2 + k * d + l]! - obsmean - obsmeanT + muk * mul * post;
        p.covars[o2 + k * d + l] = (cp + cn) / div;
      }
    }
  }
}
