/**
 * Frame → Grafana's data-frame JSON (protocol doc §3.9), used for stream packets. Times travel as
 * epoch ms in `values` with the sub-ms remainder in `nanos`; NaN/±Inf, which JSON cannot carry,
 * are listed per field in `entities`.
 */
import { assertValidFrame, isNullable, type Field, type Frame } from './frame.js';

interface EntityLookup {
  NaN?: number[];
  Inf?: number[];
  NegInf?: number[];
}

const FRAME_TYPE_NAME: Record<Field['type'], string> = {
  time: 'time.Time',
  float64: 'float64',
  int64: 'int64',
  bool: 'bool',
  string: 'string',
  'string-coded': 'string',
};
const FIELD_TYPE: Record<Field['type'], string> = {
  time: 'time',
  float64: 'number',
  int64: 'number',
  bool: 'boolean',
  string: 'string',
  'string-coded': 'string',
};

function fieldSchema(f: Field): Record<string, unknown> {
  const nullable = isNullable(f);
  const typeName = FRAME_TYPE_NAME[f.type];
  const s: Record<string, unknown> = {
    name: f.name,
    type: FIELD_TYPE[f.type],
    typeInfo: nullable ? { frame: typeName, nullable: true } : { frame: typeName },
  };
  if (f.labels && Object.keys(f.labels).length) s.labels = f.labels;
  if (f.config && Object.keys(f.config).length) s.config = f.config;
  return s;
}

const NS_PER_MS = 1_000_000n;

interface Column {
  values: unknown[];
  entities: EntityLookup | null;
  nanos: number[] | null;
}

function column(f: Field): Column {
  const n = frameFieldLength(f);
  const values = new Array<unknown>(n);
  let entities: EntityLookup | null = null;
  let nanos: number[] | null = null;
  const valid = f.type === 'float64' || f.type === 'int64' || f.type === 'bool' ? f.valid : undefined;
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) {
      values[i] = null;
      continue;
    }
    switch (f.type) {
      case 'time': {
        const ns = f.values[i]!;
        const ms = ns / NS_PER_MS;
        const rest = Number(ns - ms * NS_PER_MS);
        values[i] = Number(ms);
        if (rest !== 0) {
          nanos ??= new Array<number>(n).fill(0);
          nanos[i] = rest;
        }
        break;
      }
      case 'float64': {
        const v = f.values[i]!;
        if (Number.isFinite(v)) values[i] = v;
        else {
          values[i] = null;
          entities ??= {};
          const key = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : 'NegInf';
          (entities[key] ??= []).push(i);
        }
        break;
      }
      case 'int64':
        values[i] = Number(f.values[i]!);
        break;
      case 'bool':
        values[i] = f.values[i] !== 0;
        break;
      case 'string':
        values[i] = f.values[i] ?? null;
        break;
      case 'string-coded': {
        const c = f.codes[i]!;
        values[i] = c < 0 ? null : f.dictionary[c];
        break;
      }
    }
  }
  return { values, entities, nanos };
}

function frameFieldLength(f: Field): number {
  return f.type === 'string-coded' ? f.codes.length : f.values.length;
}

/** The JSON object (schema and data) for one frame. */
export function frameToJSON(frame: Frame, refId = ''): Record<string, unknown> {
  assertValidFrame(frame);
  const schema: Record<string, unknown> = { name: frame.name ?? '', refId: frame.refId || refId, fields: frame.fields.map(fieldSchema) };
  if (frame.meta && Object.keys(frame.meta).length) schema.meta = frame.meta;
  const columns = frame.fields.map(column);
  const data: Record<string, unknown> = { values: columns.map((c) => c.values) };
  if (columns.some((c) => c.entities)) data.entities = columns.map((c) => c.entities);
  if (columns.some((c) => c.nanos)) data.nanos = columns.map((c) => c.nanos);
  return { schema, data };
}
