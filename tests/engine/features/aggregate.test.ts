import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateWindows, WindowAggregator } from '../../../src/engine/features/aggregate.js';
import { FeaturePlan, featureValues } from '../../../src/engine/features/compute.js';
import { sortedNumbers, tableOf, type Row } from './tableFixture.js';

// Window [100, 110): A→B three times on port 80 (one 5-tuple twice), C→B once on 53, C→D an ICMP-like
// row without ports and with a state the seed does not count. Window [120, 130): one reset flow.
const ROWS: Row[] = [
  { ts: 100, proto: 'tcp', state: 'closed', src: 'A', sport: 1000, dst: 'B', dport: 80, up: 10, down: 1 },
  { ts: 101, proto: 'tcp', state: 'established', src: 'A', sport: 1001, dst: 'B', dport: 80, up: 20, down: 2 },
  { ts: 102, proto: 'tcp', state: 'established', src: 'A', sport: 1000, dst: 'B', dport: 80, up: 30, down: 3 },
  { ts: 103.5, proto: 'udp', state: 'new', src: 'C', sport: 5000, dst: 'B', dport: 53, up: 40, down: 4 },
  { ts: 109.999, proto: 'icmp', state: 'weird', src: 'C', sport: null, dst: 'D', dport: null, up: 50 },
  { ts: 125, proto: 'tcp', state: 'reset', src: 'A', sport: 1, dst: 'B', dport: 443, up: 0, down: 0 },
];

test('a hand-checked window: distinct counts treat a missing port as one value, groups drop missing keys', () => {
  const [w, w2] = aggregateWindows(tableOf(ROWS), 10);
  assert.ok(w && w2);
  assert.equal(w.start, 100);
  assert.equal(w.entries, 5);
  assert.deepEqual(w.distinct, { dstPort: 3, srcPort: 4, dstIp: 2, srcIp: 2 });
  assert.deepEqual(w.states, { closed: 1, established: 2, reset: 0, new: 1, closing: 0, connecting: 0 });
  assert.equal(w.countConns, 3);
  assert.equal(w.countFlows, 3);
  const rows = Object.fromEntries(Object.entries(w.rowsPer).map(([k, v]) => [k, sortedNumbers(v)]));
  assert.deepEqual(rows, {
    dst_port_per_conn: [0, 1, 3],
    entries_per_flow: [1, 1, 2],
    dst_port_per_dst_ip: [0, 4],
    src_ip_per_dst_ip: [1, 4],
    dst_port_per_src_ip: [1, 3],
    dst_ip_per_src_ip: [2, 3],
    dst_ip_per_dst_port: [1, 3],
    src_ip_per_dst_port: [1, 3],
  });
  const distinct = Object.fromEntries(Object.entries(w.distinctPer).map(([k, v]) => [k, sortedNumbers(v)]));
  assert.deepEqual(distinct, {
    distinct_dst_port_per_conn: [0, 1, 1],
    distinct_dst_port_per_dst_ip: [0, 2],
    distinct_src_ip_per_dst_ip: [1, 2],
    distinct_dst_port_per_src_ip: [1, 1],
    distinct_dst_ip_per_src_ip: [1, 2],
    distinct_dst_ip_per_dst_port: [1, 1],
    distinct_src_ip_per_dst_port: [1, 1],
  });
  // NaN bytes are skipped by the sums, as pandas sum() does; the total is per-row up + down
  assert.equal(w.bytesUp, 150);
  assert.equal(w.bytesDown, 10);
  assert.equal(w.bytesTotal, 110);
  assert.equal(w2.start, 120);
  assert.equal(w2.states.reset, 1);
});

test('feature values of the hand-checked window follow the seed names', () => {
  const [w] = aggregateWindows(tableOf(ROWS), 10);
  const names = ['num_entries', 'count_conns', 'num_flows_per_conn_mean', 'dst_port_per_conn_max', 'dst_port_per_conn_mean',
    'dst_port_per_conn_perc25', 'dst_port_per_conn_perc50', 'dst_port_per_conn_perc75', 'dst_ip_per_dst_port_perc90', 'bytes_down'];
  const v = [...featureValues(w!, names)];
  assert.deepEqual(v.slice(0, 8), [5, 3, 1, 3, 4 / 3, 0.5, 1, 2]);
  assert.ok(Math.abs(v[8]! - 2.8) < 1e-12);
  assert.equal(v[9], 10);
});

test('windows without flows produce no aggregate and windows come out sorted by start', () => {
  const aggs = aggregateWindows(tableOf([...ROWS].reverse()), 5);
  assert.deepEqual(aggs.map((a) => a.start), [100, 105, 125]);
});

test('a source without byte columns gives NaN byte features, not 0', () => {
  const t = tableOf(ROWS);
  const noBytes = { ...t, srcBytes: null, dstBytes: null };
  const [w] = aggregateWindows(noBytes, 10);
  assert.equal(w!.bytesUp, null);
  assert.ok(featureValues(w!, ['bytes_up', 'bytes_total']).every(Number.isNaN));
});

test('byte sums are computed when a plan asks for a bytes feature, and skipped when none does', () => {
  const table = tableOf(ROWS);
  const withBytes = new FeaturePlan(['num_entries', 'bytes_up', 'bytes_total']);
  const [w] = aggregateWindows(table, 10, {}, new WindowAggregator(withBytes.aggregatorOptions()));
  // window [100, 110): up 10+20+30+40+50; total skips the row without bytes down (NaN)
  assert.deepEqual([w!.bytesUp, w!.bytesDown, w!.bytesTotal], [150, 10, 110]);
  assert.deepEqual([...withBytes.evaluate(w!)], [5, 150, 110]);
  const seedOnly = new FeaturePlan(['num_entries', 'count_flows']);
  const [v] = aggregateWindows(table, 10, {}, new WindowAggregator(seedOnly.aggregatorOptions()));
  assert.deepEqual([v!.bytesUp, v!.bytesDown, v!.bytesTotal], [null, null, null]);
  assert.deepEqual([...seedOnly.evaluate(v!)], [5, 3]);
});

test('a keep-mask leaves rows out as if they were never read', () => {
  const keep = new Uint8Array([1, 1, 1, 1, 0, 0]);
  const aggs = aggregateWindows(tableOf(ROWS), 10, { keep });
  assert.equal(aggs.length, 1);
  assert.equal(aggs[0]!.entries, 4);
  assert.equal(aggs[0]!.distinct.dstPort, 2);
});

test('years-wide sparse timestamps are bucketed without a dense window range', () => {
  const rows: Row[] = [3e9, 10, 1.5e9, 10.5].map((ts) => ({ ts, proto: 'tcp', src: 'A', sport: 1, dst: 'B', dport: 2 }));
  const aggs = aggregateWindows(tableOf(rows), 1);
  assert.deepEqual(aggs.map((a) => [a.start, a.entries]), [[10, 2], [1.5e9, 1], [3e9, 1]]);
});

test('a non-positive window length is refused', () => {
  assert.throws(() => aggregateWindows(tableOf(ROWS), 0), RangeError);
});
