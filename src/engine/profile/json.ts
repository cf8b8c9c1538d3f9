/**
 * Profile export/import. `profileFromJSON` checks everything a hand-edited or foreign file could
 * get wrong and lists each problem in words (field path + what to do), so the import route and
 * the CLI can show them as they are.
 */
import { validateProfileSpec, withProfileDefaults, PROFILE_FEATURES, type ProfileSpec } from '../../query/profileSpec.js';
import type { FeatureDiscretizer } from '../discretize/discretizer.js';
import { CovarianceError, emissionModel } from '../hmm/emission.js';
import { PROFILE_VERSION, ProfileError, SCORE_METHODS, profileModel, type Profile, type ProfileHmm, type ProfileTraining, type ScoreMethod } from './types.js';

export function profileToJSON(p: Profile): unknown {
  return JSON.parse(JSON.stringify(p)) as unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function numbers(v: unknown, len: number, path: string, problems: string[]): number[] | null {
  if (!Array.isArray(v) || v.length !== len) {
    problems.push(`${path} must be a list of ${len} numbers`);
    return null;
  }
  if (!v.every(isNum)) {
    problems.push(`${path} contains something that is not a finite number`);
    return null;
  }
  return v;
}

function matrix(v: unknown, rows: number, cols: number, path: string, problems: string[]): number[][] | null {
  if (!Array.isArray(v) || v.length !== rows) {
    problems.push(`${path} must be a list of ${rows} rows of ${cols} numbers`);
    return null;
  }
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const r = numbers(v[i], cols, `${path}[${i}]`, problems);
    if (!r) return null;
    out.push(r);
  }
  return out;
}

/** Every port (0–65535) and the missing value: the most values a categorical feature can take. */
const MAX_VOCABULARY = 65_537;
/** Longer than any protocol, state, port or address a flow file holds. */
const MAX_VALUE_LENGTH = 64;
/** As the spec's iterations allow. */
const MAX_ITERATIONS = 1000;

/** Adds a problem unless `values` are probabilities summing to 1 (within 1e-6, as saved profiles round). */
export function checkDistribution(values: ArrayLike<number>, path: string, problems: string[]): void {
  const list = Array.from(values);
  const sum = list.reduce((a, b) => a + b, 0);
  if (list.some((x) => x < 0) || Math.abs(sum - 1) > 1e-6) problems.push(`${path} must be probabilities summing to 1 (sum is ${sum})`);
}

function readDiscretizer(v: unknown, spec: ProfileSpec, problems: string[]): FeatureDiscretizer[] {
  const feats = isObj(v) ? v.features : undefined;
  if (!Array.isArray(feats) || feats.length !== spec.features.length) {
    problems.push(`discretizer.features must list the ${spec.features.length} features of spec.features`);
    return [];
  }
  const out: FeatureDiscretizer[] = [];
  feats.forEach((f: unknown, i) => {
    const path = `discretizer.features[${i}]`;
    const want = spec.features[i]!;
    if (!isObj(f) || f.name !== want.name) {
      problems.push(`${path} must describe feature "${want.name}" (the order of spec.features)`);
      return;
    }
    if (PROFILE_FEATURES[want.name] === 'categorical') {
      const vocab = f.vocabulary;
      if (f.kind !== 'categorical' || !Array.isArray(vocab) || !vocab.every((s) => typeof s === 'string')) {
        problems.push(`${path} must be {"kind": "categorical", "vocabulary": [strings]}`);
        return;
      }
      // a protocol, state or port name: at most every port and the missing value, each short
      if (vocab.length > MAX_VOCABULARY || vocab.some((s) => (s as string).length > MAX_VALUE_LENGTH)) {
        problems.push(`${path}.vocabulary must hold at most ${MAX_VOCABULARY} values of at most ${MAX_VALUE_LENGTH} characters each`);
        return;
      }
      out.push({ name: want.name, kind: 'categorical', vocabulary: vocab as string[], size: vocab.length + 1 });
    } else {
      const bins = want.bins ?? 5;
      const edges = numbers(f.edges, bins - 1, `${path}.edges`, problems);
      if (f.kind !== 'numeric' || !edges) {
        if (f.kind !== 'numeric') problems.push(`${path} must be {"kind": "numeric", "bins": ${bins}, "edges": [${bins - 1} numbers]}`);
        return;
      }
      if (edges.some((e, k) => k > 0 && e < edges[k - 1]!)) problems.push(`${path}.edges must be in ascending order`);
      out.push({ name: want.name, kind: 'numeric', bins, edges, size: bins });
    }
  });
  return out;
}

function readHmm(v: unknown, spec: ProfileSpec, problems: string[]): ProfileHmm | null {
  if (!isObj(v)) {
    problems.push('hmm must be an object with nStates, covarianceType, startprob, transmat, means, covars');
    return null;
  }
  const n = spec.states;
  const d = spec.window;
  if (v.nStates !== n) problems.push(`hmm.nStates must equal spec.states (${n})`);
  if (v.covarianceType !== spec.covarianceType) problems.push(`hmm.covarianceType must equal spec.covarianceType (${spec.covarianceType})`);
  const startprob = numbers(v.startprob, n, 'hmm.startprob', problems);
  if (startprob) checkDistribution(startprob, 'hmm.startprob', problems);
  const transmat = matrix(v.transmat, n, n, 'hmm.transmat', problems);
  transmat?.forEach((r, i) => checkDistribution(r, `hmm.transmat[${i}]`, problems));
  const means = matrix(v.means, n, d, 'hmm.means', problems);
  let covars: ProfileHmm['covars'] | null = null;
  if (spec.covarianceType === 'spherical') covars = numbers(v.covars, n, 'hmm.covars', problems);
  else if (spec.covarianceType === 'diag') covars = matrix(v.covars, n, d, 'hmm.covars', problems);
  else if (Array.isArray(v.covars) && v.covars.length === n) {
    const mats = v.covars.map((m, s) => matrix(m, d, d, `hmm.covars[${s}]`, problems));
    covars = mats.every((m) => m !== null) ? (mats as number[][][]) : null;
  } else problems.push(`hmm.covars must be ${n} matrices of ${d}×${d}`);
  if (covars && spec.covarianceType !== 'full' && (covars as number[] | number[][]).flat().some((c) => c <= 0)) problems.push('hmm.covars must be positive variances');
  if (!startprob || !transmat || !means || !covars) return null;
  return { nStates: n, covarianceType: spec.covarianceType, startprob, transmat, means, covars };
}

function readTraining(v: unknown, problems: string[]): ProfileTraining | null {
  if (!isObj(v)) {
    problems.push('training must be an object with logLikelihood, converged, windows and referenceScores');
    return null;
  }
  const ll = v.logLikelihood;
  if (!Array.isArray(ll) || !ll.every((x) => typeof x === 'number')) problems.push('training.logLikelihood must be a list of numbers');
  else if (ll.length > MAX_ITERATIONS) problems.push(`training.logLikelihood must hold at most ${MAX_ITERATIONS} values (one per EM iteration)`);
  if (typeof v.converged !== 'boolean') problems.push('training.converged must be true or false');
  if (!Number.isInteger(v.windows) || (v.windows as number) < 1) problems.push('training.windows must be a positive whole number');
  const rs = v.referenceScores;
  const ref = {} as Record<ScoreMethod, number>;
  for (const m of SCORE_METHODS) {
    const x = isObj(rs) ? rs[m] : undefined;
    if (!isNum(x)) problems.push(`training.referenceScores.${m} must be a number (the reference host's own ${m} score)`);
    else ref[m] = x;
  }
  if (problems.length) return null;
  return {
    logLikelihood: ll as number[],
    converged: v.converged as boolean,
    windows: v.windows as number,
    flows: Number.isInteger(v.flows) ? (v.flows as number) : 0,
    init: v.init === 'given' ? 'given' : 'kmeans',
    referenceScores: ref,
  };
}

/** Parses and validates a profile (object or JSON text). Throws ProfileError listing every problem. */
export function profileFromJSON(raw: unknown): Profile {
  let v = raw;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch (err) {
      throw new ProfileError(`the profile is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (!isObj(v)) throw new ProfileError('a profile must be a JSON object with version, spec, discretizer, hmm and training');
  if (v.version !== PROFILE_VERSION) {
    throw new ProfileError(`unsupported profile version ${JSON.stringify(v.version)}: this Flowlens reads version ${PROFILE_VERSION}; retrain the profile`);
  }
  const specErrors = validateProfileSpec(v.spec, 'spec');
  if (specErrors.length) throw new ProfileError(specErrors.map((e) => `${e.field}: ${e.message}`));
  const spec = withProfileDefaults(v.spec as Partial<ProfileSpec>);
  const problems: string[] = [];
  const features = readDiscretizer(v.discretizer, spec, problems);
  const hmm = readHmm(v.hmm, spec, problems);
  const training = problems.length ? null : readTraining(v.training, problems);
  if (problems.length || !hmm || !training) throw new ProfileError(problems);
  const profile: Profile = { version: PROFILE_VERSION, spec, discretizer: { features }, hmm, training };
  try {
    emissionModel(profileModel(profile));
  } catch (err) {
    if (err instanceof CovarianceError) throw new ProfileError(`hmm.covars: ${err.message}`);
    throw err;
  }
  return profile;
}
