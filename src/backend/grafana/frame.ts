/**
 * Grafana's data-frame model as plain data: columns are typed arrays (or strings), time is
 * nanoseconds since the epoch in a BigInt64Array. Encoded by arrowFrame.ts (QueryData) and
 * frameJson.ts (stream packets).
 */
export const FRAME_TYPES = [
  'timeseries-wide',
  'timeseries-long',
  'timeseries-multi',
  'numeric-wide',
  'numeric-long',
  'numeric-multi',
  'table',
  'directory-listing',
  'log-lines',
] as const;
export type FrameType = (typeof FRAME_TYPES)[number];

/** Grafana accepts only these three severities; anything else fails the whole response. */
export type NoticeSeverity = 'info' | 'warning' | 'error';

export interface Notice {
  severity: NoticeSeverity;
  text: string;
  link?: string;
}

export interface FrameMeta {
  type?: FrameType;
  /** Dataplane version, e.g. [0, 1]; a JSON array of two unsigned integers on the wire. */
  typeVersion?: readonly [number, number];
  notices?: readonly Notice[];
  custom?: Readonly<Record<string, unknown>>;
  executedQueryString?: string;
  preferredVisualisationType?: 'graph' | 'table' | 'logs' | 'trace' | 'nodeGraph' | 'flamegraph';
  channel?: string;
}

export interface FieldConfig {
  displayName?: string;
  displayNameFromDS?: string;
  description?: string;
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  /** Expected spacing of time values in ms. */
  interval?: number;
  filterable?: boolean;
  custom?: Readonly<Record<string, unknown>>;
}

interface FieldBase {
  name: string;
  labels?: Readonly<Record<string, string>>;
  config?: FieldConfig;
}

/** Non-nullable, nanoseconds since the epoch. */
export interface TimeField extends FieldBase {
  type: 'time';
  values: BigInt64Array;
}

/** `valid[i] === 0` marks row i null; only allowed when `nullable` is true. */
interface Nullable {
  nullable?: boolean;
  valid?: Uint8Array;
}

export interface Float64Field extends FieldBase, Nullable {
  type: 'float64';
  values: Float64Array;
}

export interface Int64Field extends FieldBase, Nullable {
  type: 'int64';
  values: BigInt64Array;
}

export interface BoolField extends FieldBase, Nullable {
  type: 'bool';
  /** 0 or 1 per row. */
  values: Uint8Array;
}

export interface StringField extends FieldBase {
  type: 'string';
  values: readonly (string | null)[];
  nullable?: boolean;
}

/** Strings as dictionary codes (−1 = null): cheap for repeated values such as host addresses. */
export interface CodedStringField extends FieldBase {
  type: 'string-coded';
  codes: Int32Array;
  dictionary: readonly string[];
  nullable?: boolean;
}

export type Field = TimeField | Float64Field | Int64Field | BoolField | StringField | CodedStringField;

export interface Frame {
  name?: string;
  refId?: string;
  meta?: FrameMeta;
  fields: Field[];
}

export function fieldLength(f: Field): number {
  return f.type === 'string-coded' ? f.codes.length : f.values.length;
}

/** Whether the field is declared nullable (the Arrow `nullable` flag). Time fields never are. */
export function isNullable(f: Field): boolean {
  return f.type !== 'time' && f.nullable === true;
}

export function frameLength(frame: Frame): number {
  return frame.fields.length ? fieldLength(frame.fields[0]!) : 0;
}

/** Fails loudly on frames Grafana would reject or misread; these are bugs in the caller. */
export function assertValidFrame(frame: Frame): void {
  const n = frameLength(frame);
  for (const f of frame.fields) {
    if (fieldLength(f) !== n) throw new Error(`frame ${JSON.stringify(frame.name ?? '')}: field ${JSON.stringify(f.name)} has ${fieldLength(f)} rows, expected ${n}`);
    if (f.type !== 'time' && f.type !== 'string' && f.type !== 'string-coded' && f.valid) {
      if (f.valid.length !== n) throw new Error(`field ${JSON.stringify(f.name)}: validity has ${f.valid.length} entries, expected ${n}`);
      if (!f.nullable && f.valid.includes(0)) throw new Error(`field ${JSON.stringify(f.name)} has nulls but is not declared nullable`);
    }
    if (f.type === 'string' && !f.nullable && f.values.includes(null)) throw new Error(`field ${JSON.stringify(f.name)} has nulls but is not declared nullable`);
    if (f.type === 'string-coded') {
      for (let i = 0; i < n; i++) {
        const c = f.codes[i]!;
        if (c >= f.dictionary.length || c < -1 || (c === -1 && !f.nullable)) throw new Error(`field ${JSON.stringify(f.name)}: code ${c} at row ${i} is not valid`);
      }
    }
    for (const [k, v] of Object.entries(f.labels ?? {})) {
      if (typeof v !== 'string') throw new Error(`field ${JSON.stringify(f.name)}: label ${k} must be a string`);
    }
    // a uint16 in the SDK: Grafana fails the whole QueryData on a frame it cannot decode
    const decimals = f.config?.decimals;
    if (decimals !== undefined && !(Number.isInteger(decimals) && decimals >= 0 && decimals <= 65535)) {
      throw new Error(`field ${JSON.stringify(f.name)}: config.decimals ${decimals} is not an integer from 0 to 65535`);
    }
  }
  const meta = frame.meta;
  if (meta?.typeVersion) {
    const [a, b] = meta.typeVersion;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) throw new Error(`typeVersion must be two unsigned integers`);
  }
  for (const notice of meta?.notices ?? []) {
    if (!['info', 'warning', 'error'].includes(notice.severity)) throw new Error(`notice severity ${JSON.stringify(notice.severity)} is not info, warning or error`);
  }
}

// ---- constructors -------------------------------------------------------------------------------

const NS_PER_US = 1000n;

/** Epoch seconds (fractional) → nanoseconds, keeping microsecond precision. */
export function secondsToNanos(seconds: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(seconds.length);
  for (let i = 0; i < seconds.length; i++) out[i] = BigInt(Math.round(seconds[i]! * 1e6)) * NS_PER_US;
  return out;
}

export function millisToNanos(ms: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(ms.length);
  for (let i = 0; i < ms.length; i++) out[i] = BigInt(Math.round(ms[i]! * 1e3)) * NS_PER_US;
  return out;
}

export const timeField = (name: string, nanos: BigInt64Array, config?: FieldConfig): TimeField => ({ name, type: 'time', values: nanos, config });

export function float64Field(name: string, values: Float64Array, opts: Omit<Float64Field, 'name' | 'type' | 'values'> = {}): Float64Field {
  return { name, type: 'float64', values, ...opts };
}

export function int64Field(name: string, values: BigInt64Array, opts: Omit<Int64Field, 'name' | 'type' | 'values'> = {}): Int64Field {
  return { name, type: 'int64', values, ...opts };
}

export function boolField(name: string, values: Uint8Array, opts: Omit<BoolField, 'name' | 'type' | 'values'> = {}): BoolField {
  return { name, type: 'bool', values, ...opts };
}

export function stringField(name: string, values: readonly (string | null)[], opts: Omit<StringField, 'name' | 'type' | 'values'> = {}): StringField {
  return { name, type: 'string', values, ...opts, nullable: opts.nullable ?? values.includes(null) };
}
