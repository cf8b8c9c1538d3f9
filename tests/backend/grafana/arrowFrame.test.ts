/**
 * Round trip through apache-arrow's own reader: the bytes must be an IPC *file* whose schema says
 * exactly what Grafana's Go decoder needs (types, nullability, metadata). The Go harness in
 * tests/conformance does the real Grafana decode.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordBatchFileReader, Type, tableFromIPC, type Field as ArrowField } from 'apache-arrow';
import { encodeFrameToArrow, packBits } from '../../../src/backend/grafana/arrowFrame.js';
import {
  boolField,
  float64Field,
  int64Field,
  millisToNanos,
  secondsToNanos,
  stringField,
  timeField,
  type Frame,
} from '../../../src/backend/grafana/frame.js';

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

function sampleFrame(): Frame {
  return {
    name: 'scores',
    meta: { type: 'timeseries-multi', typeVersion: [0, 1], notices: [{ severity: 'warning', text: '3 lines skipped' }] },
    fields: [
      timeField('time', secondsToNanos([1313500000, 1313500010.5, 1313500020])),
      float64Field('score', new Float64Array([0.5, NaN, 2]), { nullable: true, valid: new Uint8Array([1, 1, 0]), labels: { host: '10.0.0.1' }, config: { unit: 'short', displayNameFromDS: 'score 10.0.0.1' } }),
      int64Field('flows', new BigInt64Array([1n, 2n, 9007199254740993n])),
      boolField('anomalous', new Uint8Array([0, 1, 1])),
      stringField('verdict', ['normal', 'odd', 'odd ü']),
    ],
  };
}

const field = (fields: ArrowField[], name: string): ArrowField => {
  const f = fields.find((x) => x.name === name);
  assert.ok(f, `field ${name} missing`);
  return f;
};

describe('encodeFrameToArrow', () => {
  it('writes the IPC file format (ARROW1 magic at both ends), not the stream format', () => {
    const bytes = encodeFrameToArrow(sampleFrame(), 'A');
    assert.equal(ascii(bytes.subarray(0, 6)), 'ARROW1');
    assert.equal(ascii(bytes.subarray(bytes.length - 6)), 'ARROW1');
    const reader = RecordBatchFileReader.from(bytes);
    assert.equal(reader.isFile(), true);
  });

  it('gives each column the Arrow type Grafana decodes: Timestamp(ns) time, Float64, Int64, Bool, plain Utf8', () => {
    const t = tableFromIPC(encodeFrameToArrow(sampleFrame(), 'A'));
    const fs = t.schema.fields;
    const time = field(fs, 'time');
    assert.equal(time.typeId, Type.Timestamp);
    assert.equal(String(time.type), 'Timestamp<NANOSECOND>');
    assert.equal(field(fs, 'score').typeId, Type.Float);
    assert.equal(String(field(fs, 'score').type), 'Float64');
    assert.equal(String(field(fs, 'flows').type), 'Int64');
    assert.equal(field(fs, 'anomalous').typeId, Type.Bool);
    assert.equal(field(fs, 'verdict').typeId, Type.Utf8);
    for (const f of fs) assert.notEqual(f.typeId, Type.Dictionary);
  });

  it('keeps nullable honest: time and non-null columns are non-nullable, declared-nullable columns nullable', () => {
    const fs = tableFromIPC(encodeFrameToArrow(sampleFrame(), 'A')).schema.fields;
    assert.equal(field(fs, 'time').nullable, false);
    assert.equal(field(fs, 'score').nullable, true);
    assert.equal(field(fs, 'flows').nullable, false);
    assert.equal(field(fs, 'verdict').nullable, false);
    assert.equal(tableFromIPC(encodeFrameToArrow({ fields: [stringField('s', ['a', null])] })).schema.fields[0]!.nullable, true);
  });

  it('round-trips values: nanosecond times, NaN kept apart from null, 64-bit integers, booleans, UTF-8', () => {
    const t = tableFromIPC(encodeFrameToArrow(sampleFrame(), 'A'));
    const time = t.getChild('time')!;
    assert.deepEqual([...(time.data[0]!.values as BigInt64Array)], [1313500000000000000n, 1313500010500000000n, 1313500020000000000n]);
    const score = t.getChild('score')!;
    assert.equal(score.get(0), 0.5);
    assert.ok(Number.isNaN(score.get(1)));
    assert.equal(score.get(2), null);
    assert.equal(score.nullCount, 1);
    assert.equal(t.getChild('flows')!.get(2), 9007199254740993n);
    assert.deepEqual([...t.getChild('anomalous')!], [false, true, true]);
    assert.deepEqual([...t.getChild('verdict')!], ['normal', 'odd', 'odd ü']);
  });

  it('carries schema metadata name, refId (filled from the response key) and meta with typeVersion as an array', () => {
    const md = tableFromIPC(encodeFrameToArrow(sampleFrame(), 'B')).schema.metadata;
    assert.equal(md.get('name'), 'scores');
    assert.equal(md.get('refId'), 'B');
    const meta = JSON.parse(md.get('meta')!) as Record<string, unknown>;
    assert.equal(meta.type, 'timeseries-multi');
    assert.deepEqual(meta.typeVersion, [0, 1]);
    assert.deepEqual(meta.notices, [{ severity: 'warning', text: '3 lines skipped' }]);
  });

  it('keeps a frame refId that is already set', () => {
    const md = tableFromIPC(encodeFrameToArrow({ ...sampleFrame(), refId: 'own' }, 'B')).schema.metadata;
    assert.equal(md.get('refId'), 'own');
  });

  it('carries field metadata labels (string to string JSON), config and tstype', () => {
    const fs = tableFromIPC(encodeFrameToArrow(sampleFrame(), 'A')).schema.fields;
    const score = field(fs, 'score').metadata;
    assert.deepEqual(JSON.parse(score.get('labels')!), { host: '10.0.0.1' });
    assert.deepEqual(JSON.parse(score.get('config')!), { unit: 'short', displayNameFromDS: 'score 10.0.0.1' });
    assert.equal(score.get('tstype'), 'number');
    assert.equal(field(fs, 'time').metadata.get('tstype'), 'time');
    assert.equal(field(fs, 'time').metadata.has('labels'), false);
  });

  it('encodes dictionary-coded strings as plain Utf8 with nulls', () => {
    const t = tableFromIPC(
      encodeFrameToArrow({ fields: [{ name: 'host', type: 'string-coded', codes: new Int32Array([1, 0, -1, 1]), dictionary: ['a', 'bb'], nullable: true }] }),
    );
    const f = t.schema.fields[0]!;
    assert.equal(f.typeId, Type.Utf8);
    assert.equal(f.nullable, true);
    assert.deepEqual([...t.getChild('host')!], ['bb', 'a', null, 'bb']);
  });

  it('encodes a frame without fields (Grafana reads it as no data)', () => {
    const t = tableFromIPC(encodeFrameToArrow({ meta: { type: 'timeseries-multi', typeVersion: [0, 1] }, fields: [] }, 'A'));
    assert.equal(t.schema.fields.length, 0);
    assert.equal(t.numRows, 0);
    assert.equal(t.schema.metadata.get('refId'), 'A');
  });

  it('encodes zero-row frames with their schema', () => {
    const t = tableFromIPC(encodeFrameToArrow({ fields: [timeField('time', new BigInt64Array(0)), float64Field('v', new Float64Array(0))] }));
    assert.equal(t.numRows, 0);
    assert.deepEqual(t.schema.fields.map((f) => f.name), ['time', 'v']);
  });

  it('fails loudly on frames Grafana would misread', () => {
    assert.throws(() => encodeFrameToArrow({ fields: [timeField('t', new BigInt64Array(2)), float64Field('v', new Float64Array(3))] }), /has 3 rows, expected 2/);
    assert.throws(() => encodeFrameToArrow({ fields: [float64Field('v', new Float64Array(2), { valid: new Uint8Array([1, 0]) })] }), /not declared nullable/);
    assert.throws(() => encodeFrameToArrow({ fields: [stringField('s', ['a', null], { nullable: false })] }), /not declared nullable/);
    const badNotice = { meta: { notices: [{ severity: 'warn' as 'warning', text: 'x' }] }, fields: [] };
    assert.throws(() => encodeFrameToArrow(badNotice), /severity/);
  });

  it('converts milliseconds and fractional seconds to nanoseconds without float error', () => {
    assert.deepEqual([...millisToNanos([1313500000123, 0.5])], [1313500000123000000n, 500000n]);
    assert.deepEqual([...secondsToNanos([1313500000.000001])], [1313500000000001000n]);
  });

  it('packs validity flags LSB first', () => {
    assert.deepEqual([...packBits(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 1, 1]))], [0b10000001, 0b1]);
  });
});
