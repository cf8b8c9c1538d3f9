/**
 * Training a profile from a spec and flows: reference hosts' flows in the training range →
 * discretizer fitted on them → sliding windows of w codes per host (one sequence per host) →
 * Gaussian HMM by Baum-Welch (hmmlearn 0.3.3 semantics). Deterministic for spec + data.
 */
import { parseTimeText, validateProfileSpec, withProfileDefaults, type ProfileSpec } from '../../query/profileSpec.js';
import { encodeFlows, fitDiscretizer, MissingFeatureError, type Discretizer } from '../discretize/discretizer.js';
import type { FlowTable } from '../flowTable.js';
import { fitSteps, initParamsSteps } from '../hmm/fit.js';
import { PreparedHmm } from '../hmm/model.js';
import { covarsLength, slidingWindows, type GaussianHmmParams, type Observations } from '../hmm/types.js';
import { runSteps, type Steps } from '../steps.js';
import { groupBySource, hostRows, type HostFlows, type TimeRange } from './hostFlows.js';
import { hmmToPlain, PROFILE_VERSION, ProfileError, type Profile, type ScoreMethod } from './types.js';
import { checkDistribution } from './json.js';

/** Initial HMM parameters, flat row-major (covariance layout as `GaussianHmmParams`). */
export interface InitialParams {
  startprob: ArrayLike<number>;
  transmat: ArrayLike<number>;
  means: ArrayLike<number>;
  covars: ArrayLike<number>;
}

export interface TrainOptions {
  /** Called after every EM iteration (1-based) with its log-likelihood. */
  onProgress?: (iteration: number, iterations: number, logLikelihood: number) => void;
  /** Initial parameters (skips the seeded initialisation), e.g. for parity checks. */
  init?: InitialParams;
  /** Told what the training left out that the caller asked for (a reference host too short for a window). */
  onNote?: (text: string) => void;
}

/** The spec's training range in epoch seconds (absent ends are open). */
export function specRange(spec: ProfileSpec): TimeRange {
  const range: TimeRange = {};
  if (spec.from !== undefined && spec.from !== '') range.from = parseTimeText(spec.from);
  if (spec.to !== undefined && spec.to !== '') range.to = parseTimeText(spec.to);
  return range;
}

/** Slot of each address in `g`, or -1 when it has no flows as source. */
export function hostSlot(table: FlowTable, g: HostFlows, address: string): number {
  const code = table.dicts.ip.lookup(address.trim().toLowerCase());
  return code === undefined || code >= g.slotByCode.length ? -1 : g.slotByCode[code]!;
}

/** A host's window sequence under a discretizer: its flow codes and the windows over them. */
export function hostWindows(table: FlowTable, d: Discretizer, rows: Int32Array, w: number): Observations {
  return slidingWindows(encodeFlows(d, table, rows), w);
}

function checkInit(init: InitialParams, spec: ProfileSpec): GaussianHmmParams {
  const n = spec.states;
  const d = spec.window;
  const want: [string, ArrayLike<number>, number][] = [
    ['startprob', init.startprob, n],
    ['transmat', init.transmat, n * n],
    ['means', init.means, n * d],
    ['covars', init.covars, covarsLength(spec.covarianceType, n, d)],
  ];
  const problems: string[] = [];
  for (const [name, values, len] of want) {
    if (values.length !== len) problems.push(`initial ${name} has ${values.length} values, expected ${len} for ${n} states, window ${d} and ${spec.covarianceType} covariance`);
    else if (!Array.from(values).every(Number.isFinite)) problems.push(`initial ${name} contains a value that is not a finite number`);
  }
  if (problems.length === 0) {
    // what hmmlearn's _check refuses, refused before training rather than in the profile it writes
    checkDistribution(init.startprob, 'initial startprob', problems);
    for (let i = 0; i < n; i++) checkDistribution(Array.from(init.transmat).slice(i * n, i * n + n), `initial transmat[${i}]`, problems);
    if (spec.covarianceType !== 'full' && Array.from(init.covars).some((c) => !(c > 0))) problems.push('initial covars must be positive variances');
  }
  if (problems.length) throw new ProfileError(problems);
  return {
    nStates: n,
    nFeatures: d,
    covarianceType: spec.covarianceType,
    startprob: Float64Array.from(init.startprob),
    transmat: Float64Array.from(init.transmat),
    means: Float64Array.from(init.means),
    covars: Float64Array.from(init.covars),
  };
}

/** The rows of all reference hosts in time order (ties by row); each host's rows already are. */
function inTimeOrder(table: FlowTable, refRows: readonly Int32Array[]): Int32Array {
  const all = new Int32Array(refRows.reduce((s, r) => s + r.length, 0));
  let at = 0;
  for (const r of refRows) {
    all.set(r, at);
    at += r.length;
  }
  if (refRows.length > 1) all.sort((a, b) => table.ts[a]! - table.ts[b]! || a - b);
  return all;
}

export function trainProfile(table: FlowTable, specIn: Partial<ProfileSpec>, opts: TrainOptions = {}): Profile {
  return runSteps(trainProfileSteps(table, specIn, opts));
}

/** `trainProfile` as steps: pause points inside k-means, per EM iteration and per reference sequence. */
export function* trainProfileSteps(table: FlowTable, specIn: Partial<ProfileSpec>, opts: TrainOptions = {}): Steps<Profile> {
  const spec = withProfileDefaults(specIn);
  const errors = validateProfileSpec(spec);
  if (errors.length) throw new ProfileError(errors.map((e) => `${e.field}: ${e.message}`));
  const g = groupBySource(table, specRange(spec));
  yield;
  const w = spec.window;

  const refRows: Int32Array[] = [];
  const refHosts: string[] = [];
  const problems: string[] = [];
  for (const host of new Set(spec.hosts.map((h) => h.trim().toLowerCase()))) {
    const h = hostSlot(table, g, host);
    if (h < 0) problems.push(`reference host ${host} has no flows as source in the training range`);
    else {
      refRows.push(hostRows(g, h));
      refHosts.push(host);
    }
  }
  if (problems.length) throw new ProfileError(problems);
  const all = inTimeOrder(table, refRows);

  let discretizer: Discretizer;
  try {
    discretizer = fitDiscretizer(table, all, spec.features);
  } catch (err) {
    if (err instanceof MissingFeatureError) throw new ProfileError(err.message);
    throw err;
  }
  yield;
  const sequences = refRows.map((rows) => hostWindows(table, discretizer, rows, w)).filter((x) => x.length > 0);
  const windows = sequences.reduce((s, x) => s + x.length, 0);
  // each host is its own sequence: a window never spans two hosts, so each needs w flows itself
  if (windows === 0) {
    const counts = refHosts.map((host, k) => `${host} has ${plural(refRows[k]!.length, 'flow')}`).join(', ');
    throw new ProfileError(`in the training range ${counts}, fewer than the window of ${w} flows${refHosts.length > 1 ? ' each (a window never spans two hosts)' : ''}: widen the time range or lower the window`);
  }
  const leftOut = refHosts.flatMap((host, k) => (refRows[k]!.length < w ? [`${host} (${plural(refRows[k]!.length, 'flow')})`] : []));
  if (leftOut.length) opts.onNote?.(`reference ${leftOut.length === 1 ? 'host' : 'hosts'} ${leftOut.join(', ')} gave no window (fewer flows than the window of ${w}); ${leftOut.length === 1 ? 'its' : 'their'} flows still shape the bins`);
  if (!opts.init && windows < spec.states) {
    // k-means (scikit-learn, which hmmlearn calls) refuses fewer samples than clusters
    throw new ProfileError(`the reference flows give ${plural(windows, 'window')}, fewer than the ${spec.states} states: widen the time range, or lower the states or the window`);
  }

  const init = opts.init ? checkInit(opts.init, spec) : yield* initParamsSteps(sequences, { nStates: spec.states, covarianceType: spec.covarianceType, seed: spec.seed });
  const result = yield* fitSteps(init, sequences, {
    nIter: spec.iterations,
    tol: spec.tol,
    onIteration: (it, ll) => opts.onProgress?.(it + 1, spec.iterations, ll),
  });

  const model = new PreparedHmm(result.params);
  let loglik = 0;
  let viterbi = 0;
  for (const x of sequences) {
    yield;
    loglik += model.score(x);
    viterbi += model.decode(x).logProb;
  }
  const referenceScores: Record<ScoreMethod, number> = { mean: loglik / windows, loglik, viterbi };

  return {
    version: PROFILE_VERSION,
    spec,
    discretizer,
    hmm: hmmToPlain(result.params),
    training: {
      logLikelihood: result.logLikelihood,
      converged: result.converged,
      windows,
      flows: all.length,
      init: opts.init ? 'given' : 'kmeans',
      referenceScores,
    },
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
