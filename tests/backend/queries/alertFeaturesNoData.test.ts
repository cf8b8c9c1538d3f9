/** What an alert rule evaluating this query sees (found by an alerting audit, 2026-12-06). */
/**
 * Audit: a `features` alert rule over a range with no flow (a sensor that stopped, an empty folder).
 * Grafana's dataplane reader treats only a typed frame with zero fields as no data
 * (dataplane sdata/timeseries/wide.go: `len(frame.Fields) == 0` → Refs = []; Collection.NoData() is
 * `Refs != nil && len(Refs) == 0`). A frame with a time field and value fields of zero rows becomes
 * one empty series per feature: Reduce (strict) gives NaN per feature, which the threshold turns into
 * NaN (math-based threshold: ngalert says "Nonzero (e.g 1.2, NaN) results in Alerting") or 0 (Normal),
 * never the rule's NoData handling. hostScores already answers the fieldless frame for this case.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataQuery } from '../../../src/backend/grafana/types.js';
import { parseQuery } from '../../../src/backend/plugin.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import { callCtx, MemoryStore, memoryInstance, table } from '../helpers/memoryStore.js';

const T0 = 1_313_500_000;
const rows = [{ ts: T0 + 1, src: '10.0.0.1', dst: '10.0.0.9', sport: 1000, dport: 80 }];
// the alert's range: the last 10 minutes, after the sensor stopped writing
const dq = (json: Record<string, unknown>): DataQuery => ({ refId: 'A', maxDataPoints: 43200, intervalMS: 1000, timeRange: { fromMs: (T0 + 3600) * 1000, toMs: (T0 + 4200) * 1000 }, json, queryType: '' });

describe('alerting: features alert over a range without flows', () => {
  it('answers dataplane no-data (one typed frame without fields), as hostScores does', async () => {
    const inst = memoryInstance(new MemoryStore(table(rows)));
    const q = dq({ queryType: 'features', windowSeconds: 60, features: ['num_entries', 'count_dst_port'] });
    const frames = await runQuery(parseQuery(q), q, inst, callCtx());
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.meta?.type, 'timeseries-wide');
    assert.deepEqual(frames[0]!.fields.map((f) => `${f.name}[${f.type === 'string-coded' ? f.codes.length : f.values.length}]`), [], 'no fields: NoData; fields with 0 rows: one NaN series per feature');
  });
});
