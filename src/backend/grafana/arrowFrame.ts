/**
 * Frame → Arrow IPC *file* bytes, the way Grafana's Go SDK decodes them: one file per frame,
 * Utf8 strings (never dictionary-encoded), Timestamp(ns) time, honest `nullable`, schema metadata
 * `name`/`refId`/`meta`, field metadata `tstype`/`labels`/`config`. Columns are built straight from
 * typed-array buffers (makeData); arrow-js's type inference is both slow and wrong for Grafana.
 */
import {
  Bool,
  Field as ArrowField,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampNanosecond,
  Utf8,
  tableToIPC,
  type Data,
  type DataType,
} from 'apache-arrow';
import { assertValidFrame, frameLength, isNullable, type Field, type Frame } from './frame.js';

const TSTYPE: Record<Field['type'], string> = {
  time: 'time',
  float64: 'number',
  int64: 'number',
  bool: 'boolean',
  string: 'string',
  'string-coded': 'string',
};

/** Packs one-byte-per-row flags into an Arrow bitmap. */
export function packBits(flags: Uint8Array): Uint8Array {
  const out = new Uint8Array((flags.length + 7) >> 3);
  for (let i = 0; i < flags.length; i++) if (flags[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

function countZeros(flags: Uint8Array): number {
  let z = 0;
  for (let i = 0; i < flags.length; i++) if (!flags[i]) z++;
  return z;
}

interface Utf8Buffers {
  offsets: Int32Array;
  bytes: Uint8Array;
  valid?: Uint8Array;
}

const encoder = new TextEncoder();

function encodeStrings(values: readonly (string | null)[]): Utf8Buffers {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  let bytes = new Uint8Array(Math.max(64, n * 8));
  let valid: Uint8Array | undefined;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = values[i];
    if (s === null || s === undefined) {
      valid ??= new Uint8Array(n).fill(1);
      valid[i] = 0;
    } else if (s.length) {
      // UTF-8 needs at most 3 bytes per UTF-16 unit; grow until it fits.
      while (bytes.length - pos < s.length * 3) {
        const bigger = new Uint8Array(bytes.length * 2);
        bigger.set(bytes.subarray(0, pos));
        bytes = bigger;
      }
      pos += encoder.encodeInto(s, bytes.subarray(pos)).written;
    }
    offsets[i + 1] = pos;
  }
  return { offsets, bytes: bytes.subarray(0, pos), valid };
}

function encodeCodedStrings(codes: Int32Array, dictionary: readonly string[]): Utf8Buffers {
  const n = codes.length;
  // Only the entries in use are encoded: a shared dictionary may be far larger than the column.
  const entries = new Array<Uint8Array | undefined>(dictionary.length);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c < 0) nulls++;
    else total += (entries[c] ??= encoder.encode(dictionary[c]!)).length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  let valid: Uint8Array | undefined;
  if (nulls) valid = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c < 0) valid![i] = 0;
    else {
      const e = entries[c]!;
      if (e.length === 1) bytes[offsets[i]!] = e[0]!;
      else bytes.set(e, offsets[i]!);
    }
  }
  return { offsets, bytes, valid };
}

function nullProps(valid: Uint8Array | undefined): { nullCount: number; nullBitmap?: Uint8Array } {
  if (!valid) return { nullCount: 0 };
  const nullCount = countZeros(valid);
  return nullCount ? { nullCount, nullBitmap: packBits(valid) } : { nullCount: 0 };
}

function columnData(f: Field): Data<DataType> {
  switch (f.type) {
    case 'time':
      return makeData({ type: new TimestampNanosecond(), length: f.values.length, nullCount: 0, data: f.values });
    case 'float64':
      return makeData({ type: new Float64(), length: f.values.length, data: f.values, ...nullProps(f.valid) });
    case 'int64':
      return makeData({ type: new Int64(), length: f.values.length, data: f.values, ...nullProps(f.valid) });
    case 'bool':
      return makeData({ type: new Bool(), length: f.values.length, data: packBits(f.values), ...nullProps(f.valid) });
    case 'string': {
      const b = encodeStrings(f.values);
      return makeData({ type: new Utf8(), length: f.values.length, valueOffsets: b.offsets, data: b.bytes, ...nullProps(b.valid) });
    }
    case 'string-coded': {
      const b = encodeCodedStrings(f.codes, f.dictionary);
      return makeData({ type: new Utf8(), length: f.codes.length, valueOffsets: b.offsets, data: b.bytes, ...nullProps(b.valid) });
    }
  }
}

function fieldMetadata(f: Field): Map<string, string> {
  const m = new Map<string, string>([['tstype', TSTYPE[f.type]]]);
  if (f.labels && Object.keys(f.labels).length) m.set('labels', JSON.stringify(f.labels));
  if (f.config && Object.keys(f.config).length) m.set('config', JSON.stringify(f.config));
  return m;
}

export function schemaMetadata(frame: Frame, refId: string): Map<string, string> {
  const m = new Map<string, string>([
    ['name', frame.name ?? ''],
    ['refId', frame.refId || refId],
  ]);
  if (frame.meta && Object.keys(frame.meta).length) m.set('meta', JSON.stringify(frame.meta));
  return m;
}

/** One frame as a complete Arrow IPC file. `refId` fills the frame's refId when it has none. */
export function encodeFrameToArrow(frame: Frame, refId = ''): Uint8Array {
  assertValidFrame(frame);
  const arrowFields: ArrowField[] = [];
  const children: Data<DataType>[] = [];
  for (const f of frame.fields) {
    const data = columnData(f);
    arrowFields.push(new ArrowField(f.name, data.type, isNullable(f), fieldMetadata(f)));
    children.push(data);
  }
  const schema = new Schema(arrowFields, schemaMetadata(frame, refId));
  if (arrowFields.length === 0) return tableToIPC(new Table(schema), 'file');
  const length = frameLength(frame);
  const struct = makeData({ type: new Struct(arrowFields), length, nullCount: 0, children });
  return tableToIPC(new Table(schema, [new RecordBatch(schema, struct)]), 'file');
}
