/** Full-covariance densities: the Cholesky factorization's verdicts on near-singular covariances. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emissionModel } from '../../../src/engine/hmm/emission.js';

test('a positive definite covariance with a huge direction and a small floor is factorized (by the jitter retry if need be), not refused', () => {
  // Σ = 1e10·uuᵀ + 1e-3·I, d = 100: dst-port codes of a port scan under hmmlearn's min_covar floor
  const d = 100;
  const u = Array.from({ length: d }, (_, i) => Math.cos(i) / Math.sqrt(d));
  const covars = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) covars[i * d + j] = 1e10 * u[i]! * u[j]! + (i === j ? 1e-3 : 0);
  const em = emissionModel({ nStates: 1, nFeatures: d, covarianceType: 'full', startprob: Float64Array.of(1), transmat: Float64Array.of(1), means: new Float64Array(d), covars });
  assert.ok(Number.isFinite(em.constant[0]!));
});
