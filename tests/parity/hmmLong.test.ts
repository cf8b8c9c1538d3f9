/**
 * One EM step on a very long sequence (100 k windows of large codes: a port scan encoded with
 * dst_port, log-likelihoods near −1.2e7). Here hmmlearn's float64 log-space lattices lose digits
 * (terms of 1e7 that sum to about 0), so "match hmmlearn to 1e-9" cannot hold for any other
 * float64 implementation. Both are compared with an extended-precision step
 * (reference_estep.py, 64-bit mantissa): Flowlens' scaled forward-backward must be at least 100
 * times closer to it than hmmlearn, and within 1e-7 relative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fit, initParams, slidingWindows } from '../../src/engine/hmm/index.js';

const here = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

function python(script: string, input: string): { cases: { transmat: number[]; startprob: number[] }[] } {
  const r = spawnSync('python3', [here(script), input], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { cases: { transmat: number[]; startprob: number[] }[] };
}

test('one EM step on 100 k windows: Flowlens is closer to an extended-precision step than hmmlearn, within 1e-7', () => {
  const codes: number[] = [4];
  for (let p = 1; p <= 60_000; p++) codes.push(5 * p + 4);
  for (let r = 0; r < 4; r++) {
    for (let k = 0; k < 5000; k++) codes.push(5 * 60_000 + 4);
    for (let k = 0; k < 5000; k++) codes.push(4);
  }
  const x = slidingWindows(Float64Array.from(codes), 10);
  const init = initParams([x], { nStates: 4, covarianceType: 'diag', seed: 0 });
  const ours = fit(init, [x], { nIter: 1, tol: 0 }).params;
  const X: number[] = [];
  for (let t = 0; t < x.length; t++) for (let k = 0; k < 10; k++) X.push(codes[t + k]!);
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-hmm-long-'));
  try {
    const input = join(dir, 'cases.json');
    writeFileSync(input, JSON.stringify({ cases: [{ id: 'long', n_states: 4, d: 10, T: x.length, covariance_type: 'diag', X, startprob: [...init.startprob], transmat: [...init.transmat], means: [...init.means], covars: [...init.covars], n_iter: 1 }] }));
    const exact = python('reference_estep.py', input).cases[0]!;
    const hmmlearn = (JSON.parse(spawnSync('python3', [here('oracle_hmm.py'), input], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout) as { cases: { iterations: { transmat: number[] }[] }[] }).cases[0]!.iterations[0]!.transmat;
    let oursWorst = 0;
    let theirsWorst = 0;
    exact.transmat.forEach((e, i) => {
      oursWorst = Math.max(oursWorst, Math.abs(ours.transmat[i]! - e) / Math.abs(e));
      theirsWorst = Math.max(theirsWorst, Math.abs(hmmlearn[i]! - e) / Math.abs(e));
    });
    console.log(`transmat, worst relative difference from the extended-precision step: Flowlens ${oursWorst.toExponential(2)}, hmmlearn ${theirsWorst.toExponential(2)}`);
    assert.ok(oursWorst <= 1e-7, `Flowlens transmat ${oursWorst.toExponential(2)} relative from the extended-precision step`);
    assert.ok(theirsWorst >= 100 * oursWorst, `hmmlearn ${theirsWorst.toExponential(2)}, Flowlens ${oursWorst.toExponential(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
