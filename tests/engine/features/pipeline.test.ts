import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featureFrame } from '../../../src/engine/features/pipeline.js';
import { tableOf, type Row } from './tableFixture.js';

const rows: Row[] = [
  { ts: 5, proto: 'tcp', state: 'new', src: '10.0.0.1', sport: 1, dst: '10.0.0.2', dport: 80, up: 1, down: 2 },
  { ts: 6, proto: 'udp', state: 'new', src: '10.0.0.3', sport: 1, dst: '10.0.0.2', dport: 53, up: 1, down: 2 },
  { ts: 31, proto: 'tcp', state: 'closed', src: '10.0.0.1', sport: 2, dst: '10.0.0.2', dport: 80, up: 1, down: 2 },
];

test('a feature frame filters, windows and zero-fills the gaps between windows', () => {
  const f = featureFrame(tableOf(rows), { windowSeconds: 10, features: ['num_entries', 'bytes_up', 'dst_port_per_conn_max'], filter: { protocols: ['tcp'] }, fillEmpty: true });
  assert.deepEqual([...f.time], [0, 10, 20, 30]);
  assert.deepEqual([...f.columns[0]!], [1, 0, 0, 1]);
  assert.deepEqual([...f.columns[1]!], [1, 0, 0, 1]);
  assert.deepEqual([...f.columns[2]!].map((v) => (Number.isNaN(v) ? null : v)), [1, null, null, 1]);
});

test('a bounded time range zero-fills every window of the range and drops flows outside it', () => {
  const f = featureFrame(tableOf(rows), { windowSeconds: 10, features: ['num_entries'], from: 6, to: 45, fillEmpty: true });
  assert.deepEqual([...f.time], [0, 10, 20, 30, 40]);
  assert.deepEqual([...f.columns[0]!], [1, 0, 0, 1, 0]);
});
