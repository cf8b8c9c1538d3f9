import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainProfile } from '../../../src/engine/profile/index.js';
import { PreparedHmm } from '../../../src/engine/hmm/index.js';
import { hostWindows, profileModel, groupBySource, hostRows, hostSlot } from '../../../src/engine/profile/index.js';
import { scoreHosts, scoreHostSeries, verdictOf } from '../../../src/engine/scoring/index.js';
import { botsAndNormals, tableOfFlows } from '../profile/fixture.js';

const data = botsAndNormals(5, 4, 4, 150);
const few = [0, 1, 2].map((k) => ({ ts: 2000 + k, src: '10.0.2.1', proto: 'tcp', bytes: 100 }));
const table = tableOfFlows([...data.rows, ...few]);
const profile = trainProfile(table, { hosts: [data.bots[0]!] });

test('a profile trained on one bot ranks every other bot above every normal host', () => {
  const scores = scoreHosts(table, profile);
  const rank = new Map(scores.map((s, i) => [s.host, i]));
  const worstBot = Math.max(...data.bots.slice(1).map((h) => rank.get(h)!));
  const bestNormal = Math.min(...data.normals.map((h) => rank.get(h)!));
  assert.ok(worstBot < bestNormal, scores.map((s) => `${s.host} ${s.score}`).join('\n'));
});

test('mean is the forward log-likelihood per window; loglik and viterbi are hmmlearn score and decode', () => {
  const host = data.normals[0]!;
  const g = groupBySource(table);
  const x = hostWindows(table, profile.discretizer, hostRows(g, hostSlot(table, g, host)), 10);
  const model = new PreparedHmm(profileModel(profile));
  const get = (method: 'mean' | 'loglik' | 'viterbi'): number => scoreHosts(table, profile, { method, hosts: [host] })[0]!.score!;
  assert.equal(get('loglik'), model.score(x));
  assert.equal(get('mean'), model.score(x) / x.length);
  assert.equal(get('viterbi'), model.decode(x).logProb);
  assert.equal(x.length, 150 - 10 + 1);
});

test('hosts with fewer flows than the window get no score, a reason, and come last', () => {
  const scores = scoreHosts(table, profile, { hosts: ['10.0.2.1', data.bots[1]!, '10.99.0.1'] });
  assert.equal(scores[0]!.host, data.bots[1]);
  const few = scores.find((s) => s.host === '10.0.2.1')!;
  assert.equal(few.score, null);
  assert.equal(few.verdict, null);
  assert.equal(few.flows, 3);
  assert.match(few.reason!, /3 flows as source, fewer than the window of 10/);
  assert.match(scores.find((s) => s.host === '10.99.0.1')!.reason!, /no flows/);
});

test('the seed verdict compares |score − ref| with ref / 2, so a negative ref makes every host unlike', () => {
  assert.equal(verdictOf(90, 100), 'like the profile');
  assert.equal(verdictOf(40, 100), 'unlike the profile');
  assert.equal(verdictOf(160, 100), 'unlike the profile');
  assert.equal(verdictOf(-10, -10), 'unlike the profile');
});

test('per-bucket series: the mean conditional log-likelihood of the windows ending in each bucket', () => {
  const host = data.bots[2]!;
  const [series] = scoreHostSeries(table, profile, 60, { hosts: [host] });
  const g = groupBySource(table);
  const rows = hostRows(g, hostSlot(table, g, host));
  const cond = new PreparedHmm(profileModel(profile)).conditional(hostWindows(table, profile.discretizer, rows, 10));
  const sums = new Map<number, number[]>();
  cond.forEach((c, t) => {
    const b = Math.floor(table.ts[rows[t + 9]!]! / 60) * 60;
    sums.set(b, [...(sums.get(b) ?? []), c]);
  });
  assert.deepEqual(Array.from(series!.time), [...sums.keys()]);
  [...sums.values()].forEach((v, i) => assert.ok(Math.abs(series!.value[i]! - v.reduce((a, b) => a + b, 0) / v.length) < 1e-9));
  const total = [...sums.values()].flat().reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - scoreHosts(table, profile, { method: 'loglik', hosts: [host] })[0]!.score!) < 1e-6);
});
