/** Random and degenerate Gaussian-HMM problems for the hmmlearn parity test (seeded, reproducible). */
import { Rng } from '../../src/engine/random.js';
import type { CovarianceType, GaussianHmmParams } from '../../src/engine/hmm/index.js';

export interface ParityCase {
  id: string;
  n_states: number;
  d: number;
  T: number;
  covariance_type: CovarianceType;
  X: number[];
  startprob: number[];
  transmat: number[];
  means: number[];
  covars: number[];
  n_iter: number;
  tol?: number;
  prefix_scores?: boolean;
  monitor?: { n_iter: number; tol: number };
  /** What a degenerate case exercises (for messages and case-specific checks). */
  degenerate?: 'zero-variance' | 'dead-state' | 'one-window' | 'constant' | 'discrete' | 'rare-transition';
}

export function toParams(c: ParityCase): GaussianHmmParams {
  return {
    nStates: c.n_states,
    nFeatures: c.d,
    covarianceType: c.covariance_type,
    startprob: Float64Array.from(c.startprob),
    transmat: Float64Array.from(c.transmat),
    means: Float64Array.from(c.means),
    covars: Float64Array.from(c.covars),
  };
}

function dirichlet(rng: Rng, n: number, alpha: number): number[] {
  const out = new Float64Array(n);
  rng.dirichlet(alpha, n, out);
  return [...out];
}

/** Observations sampled from a random sticky HMM, plus a perturbed random starting point for EM. */
export function randomCase(rng: Rng, id: string, n: number, d: number, T: number, kind: CovarianceType, nIter = 6): ParityCase {
  const trueMeans = Array.from({ length: n * d }, () => (rng.nextFloat() - 0.5) * 10);
  const trueSd = Array.from({ length: n * d }, () => 0.3 + rng.nextFloat() * 1.5);
  const X: number[] = [];
  let s = rng.nextInt(n);
  for (let t = 0; t < T; t++) {
    if (rng.nextFloat() < 0.15) s = rng.nextInt(n);
    for (let k = 0; k < d; k++) X.push(trueMeans[s * d + k]! + trueSd[s * d + k]! * rng.nextNormal());
  }
  const means = trueMeans.map((m) => m + rng.nextNormal());
  let covars: number[];
  if (kind === 'spherical') covars = Array.from({ length: n }, () => 0.5 + rng.nextFloat() * 3);
  else if (kind === 'diag') covars = Array.from({ length: n * d }, () => 0.5 + rng.nextFloat() * 3);
  else {
    covars = [];
    for (let st = 0; st < n; st++) {
      const a = Array.from({ length: d * d }, () => rng.nextNormal() * 0.5);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let v = i === j ? 1 : 0;
          for (let k = 0; k < d; k++) v += a[i * d + k]! * a[j * d + k]!;
          covars.push(v);
        }
      }
    }
  }
  return {
    id,
    n_states: n,
    d,
    T,
    covariance_type: kind,
    X,
    startprob: dirichlet(rng, n, 1),
    transmat: Array.from({ length: n }, () => dirichlet(rng, n, 1)).flat(),
    means,
    covars,
    n_iter: nIter,
  };
}

/** Many shapes: 2–6 states, 1–12 dimensions, 20–5000 observations, every covariance type. */
export function randomCases(seed: number): ParityCase[] {
  const rng = new Rng(seed);
  const cases: ParityCase[] = [];
  const kinds: CovarianceType[] = ['diag', 'diag', 'spherical', 'full'];
  const lengths = [20, 37, 80, 150, 300, 640, 1200, 2500, 5000];
  let i = 0;
  for (const T of lengths) {
    for (const kind of kinds) {
      const n = 2 + rng.nextInt(5);
      const d = kind === 'full' ? 1 + rng.nextInt(6) : 1 + rng.nextInt(12);
      // A full covariance needs more than d samples per state to be positive definite (hmmlearn
      // raises otherwise), so full-covariance problems start at 400 observations (fewer let a state collapse onto d points, where any two implementations differ by rounding noise in a near-zero eigenvalue).
      if (kind === 'full' && T < 400) {
        cases.push(randomCase(rng, `random-${i++}-${kind}-n${n}-d${d}-T400`, n, d, 400, kind));
        continue;
      }
      // Keep the whole batch quick: long sequences get fewer iterations.
      cases.push(randomCase(rng, `random-${i++}-${kind}-n${n}-d${d}-T${T}`, n, d, T, kind, T >= 2500 ? 4 : 6));
    }
  }
  const big = randomCase(rng, 'random-max-n6-d12-T5000', 6, 12, 5000, 'diag', 5);
  cases.push(big);
  return cases;
}

export function degenerateCases(seed: number): ParityCase[] {
  const rng = new Rng(seed);
  const zeroVar = randomCase(rng, 'zero-variance-dimension', 3, 4, 200, 'diag');
  for (let t = 0; t < zeroVar.T; t++) zeroVar.X[t * 4 + 2] = 2;
  zeroVar.degenerate = 'zero-variance';

  const dead = randomCase(rng, 'state-without-posterior', 4, 3, 150, 'diag', 1);
  for (let k = 0; k < 3; k++) dead.means[3 * 3 + k] = 1e6;
  dead.degenerate = 'dead-state';

  const one = randomCase(rng, 'one-window', 3, 5, 1, 'diag', 1);
  one.degenerate = 'one-window';

  const constant = randomCase(rng, 'constant-data', 2, 3, 60, 'diag');
  constant.X = constant.X.map(() => 1);
  constant.degenerate = 'constant';

  // Sliding windows of small integer codes, as profiles produce: many duplicate observations.
  const discrete = randomCase(rng, 'discrete-codes', 4, 10, 400, 'diag');
  const codes = Array.from({ length: 409 }, () => (rng.nextFloat() < 0.7 ? 1 + rng.nextInt(2) : rng.nextInt(10)));
  discrete.X = [];
  for (let t = 0; t < 400; t++) for (let k = 0; k < 10; k++) discrete.X.push(codes[t + k]!);
  discrete.means = discrete.means.map((m) => Math.abs(m) % 5);
  discrete.degenerate = 'discrete';
  discrete.prefix_scores = false;

  const spherical1 = randomCase(rng, 'spherical-one-dimension', 2, 1, 50, 'spherical');

  // A switch the model gives probability 1e-300: the scaled passes underflow there, so this
  // exercises the log-space fallback (iteration 1) and then the scaled passes (later iterations).
  const rare = randomCase(rng, 'rare-transition', 2, 1, 60, 'diag', 3);
  rare.X = Array.from({ length: 60 }, (_, t) => (t < 30 ? 0 : 50) + rng.nextNormal());
  rare.means = [0, 50];
  rare.covars = [1, 1];
  rare.startprob = [0.5, 0.5];
  rare.transmat = [1, 1e-300, 1e-300, 1];
  rare.degenerate = 'rare-transition';
  const withPrefix = randomCase(rng, 'prefix-scores', 3, 2, 40, 'diag', 1);
  withPrefix.prefix_scores = true;
  const monitored = randomCase(rng, 'monitor-stop-rule', 3, 4, 500, 'diag', 1);
  monitored.monitor = { n_iter: 50, tol: 0.5 };
  return [zeroVar, dead, one, constant, discrete, spherical1, rare, withPrefix, monitored];
}
