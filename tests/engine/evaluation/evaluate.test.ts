import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketSeparation, evaluateScores, labelsFromTable, rocAuc, truthFromLists } from '../../../src/engine/evaluation/index.js';
import type { HostScore } from '../../../src/engine/scoring/index.js';
import { tableOfFlows } from '../profile/fixture.js';

const row = (host: string, score: number | null, verdict: HostScore['verdict']): HostScore => ({ host, score, windows: 1, flows: 10, verdict });

test('ROC AUC counts ordered pairs, ties as one half', () => {
  assert.equal(rocAuc([3, 5], [1, 2]), 1);
  assert.equal(rocAuc([1], [2]), 0);
  assert.equal(rocAuc([2, 4], [2, 3]), (0.5 + 0 + 1 + 1) / 4);
  assert.equal(rocAuc([], [1]), null);
});

test('confusion counts treat "like the profile" as flagged infected; unscored hosts have no outcome', () => {
  const truth = truthFromLists(['a', 'b', 'e'], ['c', 'd']);
  const ev = evaluateScores(
    [row('a', 10, 'like the profile'), row('c', 9, 'like the profile'), row('b', 1, 'unlike the profile'), row('d', 0, 'unlike the profile'), row('e', null, null), row('x', 5, 'like the profile')],
    truth,
  );
  assert.deepEqual(ev.confusion, { TP: 1, FP: 1, TN: 1, FN: 1 });
  assert.deepEqual(ev.hosts.map((h) => [h.host, h.outcome]), [['a', 'TP'], ['c', 'FP'], ['b', 'FN'], ['d', 'TN'], ['e', null]]);
  assert.equal(ev.auc, 0.75);
  assert.throws(() => truthFromLists(['a'], ['a']), /both as infected and as normal/);
});

test('CTU-13 labels: a From-Botnet (or Botnet) source flow means infected, else From-Normal (or LEGITIMATE) means normal', () => {
  const t = tableOfFlows([
    { ts: 1, src: '1.1.1.1', proto: 'tcp', bytes: 1, label: 'flow=From-Normal-V47-Grill' },
    { ts: 2, src: '1.1.1.1', proto: 'tcp', bytes: 1, label: 'flow=From-Botnet-V47-TCP' },
    { ts: 3, src: '2.2.2.2', proto: 'tcp', bytes: 1, label: 'LEGITIMATE' },
    { ts: 4, src: '3.3.3.3', proto: 'tcp', bytes: 1, label: 'flow=Background-UDP' },
    { ts: 5, src: '4.4.4.4', proto: 'tcp', bytes: 1, label: 'Botnet' },
  ]);
  assert.deepEqual([...labelsFromTable(t)].sort(), [['1.1.1.1', 'infected'], ['2.2.2.2', 'normal'], ['4.4.4.4', 'infected']]);
});

test('CTU-13 labels: To-… labels describe the destination, and a bare Normal-… label names no direction', () => {
  // as in scenario 6: a host sending to a normal host's NTP server is not itself normal
  const t = tableOfFlows([
    { ts: 1, src: '5.5.5.5', proto: 'udp', bytes: 1, label: 'flow=To-Normal-V47-UDP-NTP-server' },
    { ts: 2, src: '6.6.6.6', proto: 'tcp', bytes: 1, label: 'flow=Normal-V47-HTTP-windowsupdate' },
    { ts: 3, src: '7.7.7.7', proto: 'tcp', bytes: 1, label: 'flow=To-Botnet-V47-TCP' },
  ]);
  assert.deepEqual([...labelsFromTable(t)], []);
});

test('bucket separation: share of buckets where every infected value is above every normal value', () => {
  const truth = truthFromLists(['a'], ['b', 'c']);
  const f = (...v: number[]): Float64Array => Float64Array.from(v);
  const sep = bucketSeparation(
    [
      { host: 'a', time: f(0, 60, 120), value: f(5, 1, 9) },
      { host: 'b', time: f(0, 60, 180), value: f(2, 2, 0) },
      { host: 'c', time: f(0, 120), value: f(4, 8.5) },
    ],
    truth,
  );
  assert.deepEqual(sep, { buckets: 3, separated: 2, share: 2 / 3 });
});
