/** Data-frame JSON for stream packets, in the shape Grafana's dataFrameFromJSON reads (§3.9). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float64Field, stringField, timeField } from '../../../src/backend/grafana/frame.js';
import { frameToJSON } from '../../../src/backend/grafana/frameJson.js';

describe('frameToJSON', () => {
  const frame = {
    name: 'features',
    meta: { type: 'timeseries-wide' as const, typeVersion: [0, 1] as const },
    fields: [
      timeField('time', new BigInt64Array([1313500000000000000n, 1313500010000000123n])),
      float64Field('entropy', new Float64Array([NaN, Infinity]), { labels: { window: '10s' } }),
      float64Field('n', new Float64Array([1, -Infinity]), { nullable: true, valid: new Uint8Array([0, 1]) }),
      stringField('s', ['a', null]),
    ],
  };
  const json = frameToJSON(frame, 'A') as { schema: Record<string, unknown>; data: Record<string, unknown> };

  it('describes fields with Grafana field types and Go frame type names', () => {
    const fields = json.schema.fields as Record<string, unknown>[];
    assert.deepEqual(fields[0], { name: 'time', type: 'time', typeInfo: { frame: 'time.Time' } });
    assert.deepEqual(fields[1], { name: 'entropy', type: 'number', typeInfo: { frame: 'float64' }, labels: { window: '10s' } });
    assert.deepEqual(fields[2], { name: 'n', type: 'number', typeInfo: { frame: 'float64', nullable: true } });
    assert.deepEqual(fields[3], { name: 's', type: 'string', typeInfo: { frame: 'string', nullable: true } });
    assert.equal(json.schema.refId, 'A');
    assert.deepEqual(json.schema.meta, { type: 'timeseries-wide', typeVersion: [0, 1] });
  });

  it('sends times as epoch milliseconds with the sub-millisecond rest in nanos', () => {
    const values = json.data.values as unknown[][];
    assert.deepEqual(values[0], [1313500000000, 1313500010000]);
    assert.deepEqual(json.data.nanos, [[0, 123], null, null, null]);
  });

  it('replaces NaN and infinities by null and lists them in entities; real nulls stay null', () => {
    const values = json.data.values as unknown[][];
    assert.deepEqual(values[1], [null, null]);
    assert.deepEqual(values[2], [null, null]);
    assert.deepEqual(json.data.entities, [null, { NaN: [0], Inf: [1] }, { NegInf: [1] }, null]);
    assert.deepEqual(values[3], ['a', null]);
  });

  it('survives JSON.stringify unchanged (no BigInt, no NaN)', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  });
});
