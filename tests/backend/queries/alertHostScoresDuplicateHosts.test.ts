/** What an alert rule evaluating this query sees (found by an alerting audit, 2026-12-06). */
/**
 * Audit: a hostScores alert query that lists the same host twice (as typed, or in another case or
 * with a blank: the handler trims and lower-cases them) answers two series with the same {host}
 * labels. ngalert then puts the whole rule in Error: "frame cannot uniquely be identified by its
 * labels: has duplicate results with labels {host=…}".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataQuery } from '../../../src/backend/grafana/types.js';
import { parseQuery } from '../../../src/backend/plugin.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from '../helpers/memoryStore.js';

const T0 = 1_313_500_200;
const rows: Row[] = [];
for (let k = 0; k < 60; k++) {
  rows.push({ ts: T0 + k * 10, src: '10.0.0.1', dst: '10.0.0.9', sport: 1000 + k, dport: 80, proto: k % 2 ? 'udp' : 'tcp', bytes: k % 2 ? 5000 : 100 });
  rows.push({ ts: T0 + k * 10 + 1, src: 'fe80::a', dst: '10.0.0.9', sport: 2000 + k, dport: 80, proto: 'tcp', bytes: 1e6 });
}

describe('alerting: hostScores hosts listed twice', () => {
  it('answers one series per distinct host', async () => {
    const dq: DataQuery = {
      refId: 'A', maxDataPoints: 43200, intervalMS: 60_000, timeRange: { fromMs: T0 * 1000, toMs: (T0 + 600) * 1000 },
      json: { queryType: 'hostScores', profile: { hosts: ['10.0.0.1'], states: 2, window: 4, iterations: 5 }, output: 'timeseries', bucketSeconds: 300, hosts: ['10.0.0.1', '10.0.0.1', 'FE80::A', 'fe80::a '] },
      queryType: '',
    };
    const frames = await runQuery(parseQuery(dq), dq, memoryInstance(new MemoryStore(table(rows))), callCtx());
    const labels = frames.map((f) => JSON.stringify(f.fields[1]?.labels));
    assert.equal(new Set(labels).size, labels.length, `series labels: ${labels.join(' ')}`);
  });
});
