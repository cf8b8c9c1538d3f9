import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupBySource, hostRows, profileFromJSON, profileToJSON, trainProfile, ProfileError } from '../../../src/engine/profile/index.js';
import { botsAndNormals, tableOfFlows } from './fixture.js';

const data = botsAndNormals(1, 2, 2, 120);
const table = tableOfFlows(data.rows);

test('a host\'s flows are its source flows in time order, ties in input order', () => {
  const t = tableOfFlows([
    { ts: 5, src: 'a', proto: 'tcp', bytes: 1 },
    { ts: 3, src: 'b', proto: 'tcp', bytes: 2 },
    { ts: 3, src: 'a', proto: 'tcp', bytes: 3 },
    { ts: 1, src: 'a', proto: 'tcp', bytes: 4 },
    { ts: 3, src: 'a', proto: 'udp', bytes: 5 },
  ]);
  const g = groupBySource(t);
  const a = g.hosts.indexOf(t.dicts.ip.lookup('a')!);
  assert.deepEqual(Array.from(hostRows(g, a), (i) => t.bytes![i]), [4, 3, 5, 1]);
  const limited = groupBySource(t, { from: 2, to: 5 });
  assert.deepEqual(Array.from(hostRows(limited, limited.hosts.indexOf(t.dicts.ip.lookup('a')!)), (i) => t.bytes![i]), [3, 5]);
});

test('training is deterministic for the same spec and data, and the seed changes the initialisation', () => {
  const spec = { hosts: [data.bots[0]!], seed: 3 };
  const a = trainProfile(table, spec);
  const b = trainProfile(table, spec);
  assert.deepEqual(profileToJSON(a), profileToJSON(b));
  const c = trainProfile(table, { ...spec, seed: 4, iterations: 1 });
  const d = trainProfile(table, { ...spec, iterations: 1 });
  assert.notDeepEqual(c.hmm.means, d.hmm.means);
});

test('a profile records the windows, the per-iteration log-likelihood and the reference scores', () => {
  const p = trainProfile(table, { hosts: [data.bots[0]!], iterations: 5, tol: 0 });
  assert.equal(p.training.windows, 120 - 10 + 1);
  assert.equal(p.training.flows, 120);
  assert.equal(p.training.logLikelihood.length, 5);
  assert.equal(p.training.converged, false);
  assert.ok(Math.abs(p.training.referenceScores.mean * p.training.windows - p.training.referenceScores.loglik) < 1e-9 * Math.abs(p.training.referenceScores.loglik));
  assert.equal(p.discretizer.features[0]!.kind, 'categorical');
  assert.deepEqual((p.discretizer.features[0] as { vocabulary: string[] }).vocabulary, ['tcp', 'udp']);
  assert.equal(p.hmm.means.length, 4);
  assert.equal(p.hmm.means[0]!.length, 10);
});

test('EM log-likelihood never decreases on the reference windows', () => {
  const p = trainProfile(table, { hosts: [data.bots[1]!], iterations: 15, tol: 0 });
  const ll = p.training.logLikelihood;
  for (let i = 1; i < ll.length; i++) assert.ok(ll[i]! >= ll[i - 1]! - 1e-6 * Math.abs(ll[i - 1]!), `iteration ${i + 1}: ${ll[i]} < ${ll[i - 1]}`);
});

test('a JSON round trip gives the same profile; broken files are refused with every problem named', () => {
  const p = trainProfile(table, { hosts: [data.bots[0]!], covarianceType: 'spherical', iterations: 3 });
  const text = JSON.stringify(profileToJSON(p));
  assert.deepEqual(profileFromJSON(text), p);
  const broken = JSON.parse(text) as { hmm: { transmat: number[][]; means: unknown } };
  broken.hmm.transmat[1] = [0.5, 0.5, 0.5, 0.5];
  broken.hmm.means = 'x';
  assert.throws(() => profileFromJSON(broken), (err: unknown) => {
    assert.ok(err instanceof ProfileError);
    assert.ok(err.problems.some((m) => m.includes('hmm.transmat[1]') && m.includes('summing to 1')));
    assert.ok(err.problems.some((m) => m.includes('hmm.means')));
    return true;
  });
  assert.throws(() => profileFromJSON('{"version": 7}'), /unsupported profile version 7/);
  const full = JSON.parse(JSON.stringify(profileToJSON(trainProfile(table, { hosts: [data.bots[0]!], covarianceType: 'full', states: 2, window: 2, iterations: 1 })))) as { hmm: { covars: number[][][] } };
  full.hmm.covars[1] = [[1, 2], [2, 1]];
  assert.throws(() => profileFromJSON(full), /hmm\.covars: the covariance matrix of state 1 is not symmetric positive definite/);
  assert.throws(() => profileFromJSON('not json'), /not valid JSON/);
});

test('a reference host with fewer flows than the window, or none, is a clear error', () => {
  const small = tableOfFlows(data.rows.filter((r) => r.src !== data.bots[0] || r.ts < 1100));
  assert.throws(() => trainProfile(small, { hosts: [data.bots[0]!], window: 50 }), /fewer than the window of 50 flows/);
  assert.throws(() => trainProfile(table, { hosts: ['10.9.9.9'] }), /10\.9\.9\.9 has no flows as source/);
  assert.throws(() => trainProfile(table, { hosts: [] }), ProfileError);
});

test('every covariance type trains without NaN, also on a host whose bytes never vary', () => {
  const flat = tableOfFlows(Array.from({ length: 40 }, (_, i) => ({ ts: i, src: '10.5.5.5', proto: 'tcp', bytes: 100 })));
  for (const covarianceType of ['diag', 'spherical', 'full'] as const) {
    for (const t of [table, flat]) {
      const p = trainProfile(t, { hosts: [t === flat ? '10.5.5.5' : data.bots[0]!], covarianceType, iterations: 4 });
      const all = [...p.hmm.startprob, ...p.hmm.transmat.flat(), ...p.hmm.means.flat(), ...(p.hmm.covars as unknown[]).flat(2), ...p.training.logLikelihood] as number[];
      assert.ok(all.every(Number.isFinite), `${covarianceType}: all parameters finite`);
    }
  }
});

test('given initial parameters skip the seeded initialisation', () => {
  const n = 2;
  const w = 3;
  const init = { startprob: [0.5, 0.5], transmat: [0.9, 0.1, 0.2, 0.8], means: [0, 0, 0, 3, 3, 3], covars: [1, 1, 1, 1, 1, 1] };
  const p = trainProfile(table, { hosts: [data.bots[0]!], states: n, window: w, iterations: 1 }, { init });
  assert.equal(p.training.init, 'given');
  assert.throws(() => trainProfile(table, { hosts: [data.bots[0]!], states: 3, window: w }, { init }), /initial startprob has 2 values, expected 3/);
});
