/**
 * A trained profile (semantics.md §2, ARCHITECTURE "profile"): the spec it was trained from, the
 * discretizer fitted on the reference flows, the Gaussian HMM and a record of the training. Plain
 * JSON-ready data; `profileModel` gives the typed-array form the engine computes with.
 */
import type { ProfileSpec } from '../../query/profileSpec.js';
import type { Discretizer } from '../discretize/discretizer.js';
import type { CovarianceType, GaussianHmmParams } from '../hmm/types.js';

export const PROFILE_VERSION = 1;

export type ScoreMethod = 'mean' | 'loglik' | 'viterbi';
export const SCORE_METHODS: readonly ScoreMethod[] = ['mean', 'loglik', 'viterbi'];

export interface ProfileHmm {
  nStates: number;
  covarianceType: CovarianceType;
  startprob: number[];
  /** rows: transitions out of each state */
  transmat: number[][];
  /** one row of `window` values per state */
  means: number[][];
  /** spherical: one variance per state; diag: one row per state; full: one matrix per state */
  covars: number[] | number[][] | number[][][];
}

export interface ProfileTraining {
  /** Log-likelihood of the E-step of each EM iteration (hmmlearn's monitor history). */
  logLikelihood: number[];
  /** True when EM stopped because the gain fell below tol, false when it ran all iterations. */
  converged: boolean;
  /** Windows (observations) the model was trained on. */
  windows: number;
  /** Reference flows in the training range. */
  flows: number;
  /** 'kmeans' (seeded initialisation) or 'given' (initial parameters supplied, e.g. --init). */
  init: 'kmeans' | 'given';
  /** The reference hosts' own score with each method: ll_ref of the seed's verdict. */
  referenceScores: Record<ScoreMethod, number>;
}

export interface Profile {
  version: typeof PROFILE_VERSION;
  spec: ProfileSpec;
  discretizer: Discretizer;
  hmm: ProfileHmm;
  training: ProfileTraining;
}

const models = new WeakMap<Profile, GaussianHmmParams>();

/** The HMM as typed arrays (cached per profile object). */
export function profileModel(p: Profile): GaussianHmmParams {
  let m = models.get(p);
  if (m) return m;
  const n = p.hmm.nStates;
  const d = p.spec.window;
  m = {
    nStates: n,
    nFeatures: d,
    covarianceType: p.hmm.covarianceType,
    startprob: Float64Array.from(p.hmm.startprob),
    transmat: Float64Array.from(p.hmm.transmat.flat()),
    means: Float64Array.from(p.hmm.means.flat()),
    covars: Float64Array.from((p.hmm.covars as unknown[]).flat(2) as number[]),
  };
  models.set(p, m);
  return m;
}

/** The JSON-ready form of typed-array parameters. */
export function hmmToPlain(m: GaussianHmmParams): ProfileHmm {
  const n = m.nStates;
  const d = m.nFeatures;
  const rows = (a: Float64Array, w: number): number[][] => Array.from({ length: a.length / w }, (_, i) => Array.from(a.subarray(i * w, (i + 1) * w)));
  let covars: ProfileHmm['covars'];
  if (m.covarianceType === 'spherical') covars = Array.from(m.covars);
  else if (m.covarianceType === 'diag') covars = rows(m.covars, d);
  else covars = Array.from({ length: n }, (_, s) => rows(m.covars.subarray(s * d * d, (s + 1) * d * d), d));
  return {
    nStates: n,
    covarianceType: m.covarianceType,
    startprob: Array.from(m.startprob),
    transmat: rows(m.transmat, n),
    means: rows(m.means, d),
    covars,
  };
}

/** A problem the user can fix (bad spec, reference host without enough flows, bad profile JSON). */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  readonly problems: string[];
  constructor(problems: string[] | string) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('; '));
    this.problems = list;
  }
}
