/**
 * Full covariance on a reference host with one distinct code: after the first EM step every
 * state's covariance is c·J (rank one). hmmlearn's Cholesky (LAPACK) refuses it and retries with
 * 1e-7·I; a factorization that accepts a pivot at rounding level instead gives a log-density
 * hundreds of nats off, and training stops at another iteration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fit, initParams, slidingWindows } from '../../src/engine/hmm/index.js';

const ORACLE = fileURLToPath(new URL('./oracle_hmm.py', import.meta.url));

test('full covariance over constant windows: every EM step log-likelihood matches hmmlearn', () => {
  const x = slidingWindows(new Float64Array(60).fill(4), 10);
  const init = initParams([x], { nStates: 4, covarianceType: 'full', seed: 0 });
  const ours = fit(init, [x], { nIter: 3, tol: -Infinity });
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-hmm-full-'));
  try {
    const input = { id: 'full-constant', n_states: 4, d: 10, T: x.length, covariance_type: 'full', X: Array(x.length * 10).fill(4), startprob: [...init.startprob], transmat: [...init.transmat], means: [...init.means], covars: [...init.covars], n_iter: 3 };
    writeFileSync(join(dir, 'cases.json'), JSON.stringify({ cases: [input] }));
    const r = spawnSync('python3', [ORACLE, join(dir, 'cases.json')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const theirs = (JSON.parse(r.stdout) as { cases: { iterations: { logprob: number }[] }[] }).cases[0]!.iterations.map((i) => i.logprob);
    assert.equal(ours.logLikelihood.length, theirs.length);
    ours.logLikelihood.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]!) <= 1e-9 * Math.abs(theirs[i]!), `iteration ${i + 1}: ours ${v}, hmmlearn ${theirs[i]}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
