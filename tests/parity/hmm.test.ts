/**
 * Parity: our Gaussian HMM against the real hmmlearn 0.3.3 (tests/parity/oracle_hmm.py). From the
 * same initial parameters, after every EM iteration startprob, transmat, means, covars and the
 * iteration's log-likelihood agree within 1e-9 relative; score() and decode() (log-probability
 * and path) agree. All cases go to one Python process to keep the run short.
 *
 * Tolerance: |ours − theirs| ≤ 1e-9·max(|ours|, |theirs|) + 1e-12·(largest magnitude in that
 * array). The absolute term only matters for entries that are the result of cancellation near
 * zero (a mean of ≈ 0 computed from sums of opposite signs), where no two summation orders agree
 * in relative terms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fit, PreparedHmm, denseObservations, type GaussianHmmParams } from '../../src/engine/hmm/index.js';
import { degenerateCases, randomCases, toParams, type ParityCase } from './hmmCases.js';

const ORACLE = fileURLToPath(new URL('./oracle_hmm.py', import.meta.url));
const probe = spawnSync('python3', ['-c', 'import hmmlearn; assert hmmlearn.__version__ == "0.3.3", hmmlearn.__version__'], { encoding: 'utf8' });
const noHmmlearn = probe.status !== 0 ? `python3 with hmmlearn 0.3.3 is not installed (pip install -r tests/parity/requirements.txt): ${probe.stderr.trim()}` : false;

interface OracleEval {
  score?: number | null;
  decode_logprob?: number | null;
  decode_path?: number[];
  error?: string;
}
interface OracleIteration {
  logprob: number | null;
  startprob: (number | null)[];
  transmat: (number | null)[];
  means: (number | null)[];
  covars: (number | null)[];
}
interface OracleResult {
  id: string;
  initial: OracleEval;
  final?: OracleEval;
  iterations: OracleIteration[];
  prefix_scores?: (number | null)[];
  monitor?: { history: (number | null)[]; iter: number };
  fit_error?: string;
}

function runOracle(cases: ParityCase[]): Map<string, OracleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-hmm-parity-'));
  try {
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify({ cases }));
    const r = spawnSync('python3', [ORACLE, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, `oracle failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { cases: OracleResult[] };
    return new Map(out.cases.map((c) => [c.id, c]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function close(ours: number, theirs: number, scale: number): boolean {
  if (ours === theirs) return true;
  return Math.abs(ours - theirs) <= 1e-9 * Math.max(Math.abs(ours), Math.abs(theirs)) + 1e-12 * scale;
}

function assertArray(ours: Float64Array, theirs: (number | null)[], what: string, skip: (i: number) => boolean = () => false): void {
  assert.equal(ours.length, theirs.length, `${what}: length`);
  let scale = 0;
  for (const v of theirs) if (v !== null) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < ours.length; i++) {
    if (skip(i)) continue;
    const t = theirs[i];
    assert.ok(t !== null && t !== undefined, `${what}[${i}]: hmmlearn gave a non-finite value`);
    assert.ok(close(ours[i]!, t, scale), `${what}[${i}]: ours ${ours[i]} vs hmmlearn ${t}`);
  }
}

function assertEval(model: GaussianHmmParams, c: ParityCase, theirs: OracleEval, what: string): void {
  assert.equal(theirs.error, undefined, `${what}: hmmlearn could not evaluate: ${theirs.error}`);
  const x = denseObservations(Float64Array.from(c.X), c.T, c.d);
  const prepared = new PreparedHmm(model);
  const score = prepared.score(x);
  assert.ok(close(score, theirs.score!, 0), `${what} score: ours ${score} vs hmmlearn ${theirs.score}`);
  const dec = prepared.decode(x);
  assert.ok(close(dec.logProb, theirs.decode_logprob!, 0), `${what} decode log-prob: ours ${dec.logProb} vs hmmlearn ${theirs.decode_logprob}`);
  assert.deepEqual([...dec.path], theirs.decode_path, `${what} decode path`);
}

/** Runs our EM one iteration at a time from the case's initial parameters. */
function ourIterations(c: ParityCase): { params: GaussianHmmParams[]; logprob: number[] } {
  const x = denseObservations(Float64Array.from(c.X), c.T, c.d);
  let p = toParams(c);
  const params: GaussianHmmParams[] = [];
  const logprob: number[] = [];
  for (let i = 0; i < c.n_iter; i++) {
    const r = fit(p, [x], { nIter: 1, tol: 0 });
    logprob.push(r.logLikelihood[0]!);
    p = r.params;
    params.push(p);
  }
  return { params, logprob };
}

function assertIterations(c: ParityCase, theirs: OracleResult, upTo = c.n_iter, skip: Partial<Record<'transmat' | 'means' | 'covars', (i: number) => boolean>> = {}): GaussianHmmParams[] {
  assert.equal(theirs.fit_error, undefined, `${c.id}: hmmlearn fit failed: ${theirs.fit_error}`);
  const ours = ourIterations(c);
  for (let it = 0; it < upTo; it++) {
    const t = theirs.iterations[it]!;
    const p = ours.params[it]!;
    const where = `${c.id} iteration ${it + 1}`;
    assert.ok(close(ours.logprob[it]!, t.logprob!, 0), `${where} log-likelihood: ours ${ours.logprob[it]} vs hmmlearn ${t.logprob}`);
    assertArray(p.startprob, t.startprob, `${where} startprob`);
    assertArray(p.transmat, t.transmat, `${where} transmat`, skip.transmat);
    assertArray(p.means, t.means, `${where} means`, skip.means);
    assertArray(p.covars, t.covars, `${where} covars`, skip.covars);
  }
  return ours.params;
}

const random = randomCases(20240601);
const degenerate = degenerateCases(7);
const results = noHmmlearn ? new Map<string, OracleResult>() : runOracle([...random, ...degenerate]);

test('every EM iteration, score and decode match hmmlearn 0.3.3 over random shapes (2–6 states, 1–12 dims, 20–5000 samples)', { skip: noHmmlearn }, () => {
  assert.ok(random.length >= 30);
  for (const c of random) {
    const theirs = results.get(c.id)!;
    assertEval(toParams(c), c, theirs.initial, `${c.id} initial`);
    const params = assertIterations(c, theirs);
    assertEval(params[params.length - 1]!, c, theirs.final!, `${c.id} final`);
  }
});

const byId = (id: string): ParityCase => degenerate.find((c) => c.id === id)!;

test('a zero-variance dimension, constant data, duplicate discrete windows and a near-impossible transition match hmmlearn', { skip: noHmmlearn }, () => {
  for (const id of ['zero-variance-dimension', 'constant-data', 'discrete-codes', 'spherical-one-dimension', 'rare-transition']) {
    const c = byId(id);
    const params = assertIterations(c, results.get(id)!);
    assertEval(params[params.length - 1]!, c, results.get(id)!.final!, `${id} final`);
  }
});

test('a state with no posterior keeps its mean and gets the prior-only variance where hmmlearn divides 0 by 0', { skip: noHmmlearn }, () => {
  const c = byId('state-without-posterior');
  const theirs = results.get(c.id)!;
  const d = c.d;
  const deadMeans = (i: number): boolean => Math.floor(i / d) === 3;
  assert.ok(theirs.iterations[0]!.means.slice(9).every((v) => v === null), 'hmmlearn itself yields NaN means for the dead state');
  const deadRow = (i: number): boolean => Math.floor(i / c.n_states) === 3;
  const [p] = assertIterations(c, theirs, 1, { means: deadMeans, covars: deadMeans, transmat: deadRow });
  for (let k = 0; k < d; k++) {
    assert.equal(p!.means[9 + k], 1e6, 'the dead state keeps its mean');
    assert.ok(Math.abs(p!.covars[9 + k]! - 1e-2 / 1e-5) < 1e-6, 'its variance is covars_prior / 1e-5, the formula with zero posterior');
  }
  const x = denseObservations(Float64Array.from(c.X), c.T, d);
  const r = fit(toParams(c), [x], { nIter: 10, tol: -Infinity });
  for (const v of [...r.params.means, ...r.params.covars, ...r.params.transmat, ...r.logLikelihood]) assert.ok(Number.isFinite(v));
});

test('one window: no transitions to learn, so the transition matrix keeps its rows where hmmlearn zeroes them', { skip: noHmmlearn }, () => {
  const c = byId('one-window');
  const theirs = results.get(c.id)!;
  assert.ok(theirs.iterations[0]!.transmat.every((v) => v === 0), 'hmmlearn zeroes every row');
  const [p] = assertIterations(c, theirs, 1, { transmat: () => true });
  assert.deepEqual([...p!.transmat], c.transmat);
  const x = denseObservations(Float64Array.from(c.X), 1, c.d);
  const pm = new PreparedHmm(p!);
  assert.ok(Number.isFinite(pm.score(x)));
});

test('the per-window conditional log-likelihoods are differences of hmmlearn prefix scores', { skip: noHmmlearn }, () => {
  const c = byId('prefix-scores');
  const prefix = results.get(c.id)!.prefix_scores!;
  const cond = new PreparedHmm(toParams(c)).conditional(denseObservations(Float64Array.from(c.X), c.T, c.d));
  for (let t = 0; t < c.T; t++) {
    const expected = prefix[t]! - (t === 0 ? 0 : prefix[t - 1]!);
    assert.ok(Math.abs(cond[t]! - expected) <= 1e-9 * Math.max(1, Math.abs(prefix[t]!)), `t=${t}: ours ${cond[t]} vs ${expected}`);
  }
});

test('training stops by hmmlearn\'s monitor rule (gain below tol) after the same number of iterations', { skip: noHmmlearn }, () => {
  const c = byId('monitor-stop-rule');
  const theirs = results.get(c.id)!.monitor!;
  const r = fit(toParams(c), [denseObservations(Float64Array.from(c.X), c.T, c.d)], { nIter: 50, tol: 0.5 });
  assert.equal(r.logLikelihood.length, theirs.iter);
  r.logLikelihood.forEach((v, i) => assert.ok(close(v, theirs.history[i]!, 0), `history[${i}]: ours ${v} vs ${theirs.history[i]}`));
  assert.equal(r.converged, theirs.iter < 50);
});
