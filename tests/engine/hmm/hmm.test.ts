import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random.js';
import { denseObservations, fit, initParams, kmeans, PreparedHmm, slidingWindows } from '../../../src/engine/hmm/index.js';

test('the seeded generator repeats for a seed and differs between seeds', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xa = Array.from({ length: 5 }, () => a.nextFloat());
  assert.deepEqual(xa, Array.from({ length: 5 }, () => b.nextFloat()));
  assert.notDeepEqual(xa, Array.from({ length: 5 }, () => c.nextFloat()));
  assert.ok(xa.every((x) => x >= 0 && x < 1));
  const g = new Rng(1);
  const draws = Array.from({ length: 20000 }, () => g.nextGamma(0.25));
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.25) < 0.02, `Gamma(0.25) mean ${mean}`);
});

test('k-means++ finds well separated clusters', () => {
  const rng = new Rng(3);
  const centres = [[0, 0], [10, 10], [-10, 10]];
  const data: number[] = [];
  for (let i = 0; i < 300; i++) {
    const c = centres[i % 3]!;
    data.push(c[0]! + rng.nextNormal() * 0.5, c[1]! + rng.nextNormal() * 0.5);
  }
  const r = kmeans(denseObservations(Float64Array.from(data), 300, 2), { k: 3, seed: 0 });
  const found = [0, 1, 2].map((i) => [Math.round(r.centers[2 * i]!), Math.round(r.centers[2 * i + 1]!)]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  assert.deepEqual(found, [[-10, 10], [0, 0], [10, 10]]);
});

test('initialisation: Dirichlet start/transition rows, sample variance (ddof 1) + min_covar, deterministic', () => {
  const x = denseObservations(Float64Array.from([1, 2, 3, 4, 5, 6, 8, 9]), 4, 2);
  const p = initParams([x], { nStates: 2, covarianceType: 'diag', seed: 7 });
  const q = initParams([x], { nStates: 2, covarianceType: 'diag', seed: 7 });
  assert.deepEqual(p, q);
  assert.ok(Math.abs(p.startprob[0]! + p.startprob[1]! - 1) < 1e-15);
  // columns 1,3,5,8 and 2,4,6,9: squared deviations sum to 26.75, so var = 26.75 / 3 (ddof 1)
  assert.ok(Math.abs(p.covars[0]! - (26.75 / 3 + 1e-3)) < 1e-12);
  assert.ok(Math.abs(p.covars[1]! - (26.75 / 3 + 1e-3)) < 1e-12);
  const sph = initParams([x], { nStates: 2, covarianceType: 'spherical', seed: 7 });
  assert.equal(sph.covars.length, 2);
});

test('sliding windows share the code array: window t is codes[t…t+w)', () => {
  const codes = Float64Array.from([0, 1, 2, 3, 4]);
  const x = slidingWindows(codes, 3);
  assert.equal(x.length, 3);
  assert.equal(x.data[x.offset + 2 * x.stride + 1], 3);
  assert.equal(slidingWindows(codes, 9).length, 0);
});

test('one window or extreme values never give NaN in training or scoring', () => {
  const one = denseObservations(Float64Array.from([1, 2, 3]), 1, 3);
  const init = initParams([one], { nStates: 3, covarianceType: 'diag', seed: 0 });
  const r = fit(init, [one], { nIter: 5, tol: 0.01 });
  const far = denseObservations(Float64Array.from([1e200, -1e200, 5, 1, 2, 3]), 2, 3);
  const m = new PreparedHmm(r.params);
  for (const v of [...r.params.means, ...r.params.covars, ...r.params.transmat, ...r.logLikelihood, m.score(one)]) assert.ok(Number.isFinite(v));
  assert.ok(!Number.isNaN(m.score(far)));
  assert.ok(!Number.isNaN(m.decode(far).logProb));
});
