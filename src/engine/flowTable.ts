/**
 * The columnar flow table every reader produces and every engine function consumes.
 *
 * One row per flow record, one typed array per field. Strings (addresses, protocols, states,
 * labels) are dictionary codes into `FlowDictionaries`, which are shared by all chunks read in one
 * session so codes from different chunks and files compare directly.
 *
 * Missing values: ports are `NO_PORT` (-1), optional string fields `NO_CODE` (-1), optional
 * numbers NaN. These behave like pandas NaN in the feature definitions (semantics.md §1).
 */
import { StringDictionary } from './stringDictionary.js';

export { StringDictionary };

export const NO_PORT = -1;
export const NO_CODE = -1;

export interface FlowDictionaries {
  /** Addresses (IPv4, IPv6, MAC), shared by `srcIp` and `dstIp`, lower case as written. */
  readonly ip: StringDictionary;
  /** Lower-case protocol names (`tcp`, `udp`, `icmp`, …). */
  readonly proto: StringDictionary;
  /** Connection states as written by the format (seed: `closed`, `established`, …). */
  readonly state: StringDictionary;
  /** Ground-truth labels (CTU-13); never used for scoring. */
  readonly label: StringDictionary;
}

export function createDictionaries(): FlowDictionaries {
  return {
    ip: new StringDictionary(),
    proto: new StringDictionary(),
    state: new StringDictionary(),
    label: new StringDictionary(),
  };
}

/** Optional columns a source may provide; the required ones are always present. */
export type OptionalColumn = 'state' | 'bytes' | 'packets' | 'srcBytes' | 'dstBytes' | 'duration' | 'label';

export const OPTIONAL_COLUMNS: readonly OptionalColumn[] = [
  'state',
  'bytes',
  'packets',
  'srcBytes',
  'dstBytes',
  'duration',
  'label',
];

export interface FlowTable {
  readonly length: number;
  readonly dicts: FlowDictionaries;
  /** Flow start, epoch seconds (sub-second precision kept). */
  readonly ts: Float64Array;
  readonly srcIp: Int32Array;
  readonly dstIp: Int32Array;
  /** -1 (`NO_PORT`) when the flow has no port (ICMP in some formats, ARP, …). */
  readonly srcPort: Int32Array;
  readonly dstPort: Int32Array;
  readonly proto: Int32Array;
  /** Codes into `dicts.state`, -1 when a row has none; null when the source has no state column. */
  readonly state: Int32Array | null;
  /** Total bytes both directions. Null when the source has only `srcBytes`/`dstBytes` (use `totalBytes`). */
  readonly bytes: Float64Array | null;
  readonly packets: Float64Array | null;
  /** Bytes sent by the source (seed `src_tx`, Argus `SrcBytes`). */
  readonly srcBytes: Float64Array | null;
  /** Bytes sent by the destination (seed `dst_tx`). */
  readonly dstBytes: Float64Array | null;
  readonly duration: Float64Array | null;
  readonly label: Int32Array | null;
}

/**
 * The flow's total bytes as semantics.md §2 defines it: the format's total when it has one,
 * otherwise `srcBytes + dstBytes` (seed-000). NaN where unknown.
 */
export function totalBytes(table: FlowTable): Float64Array {
  if (table.bytes) return table.bytes;
  const out = new Float64Array(table.length);
  const up = table.srcBytes;
  const down = table.dstBytes;
  for (let i = 0; i < table.length; i++) {
    out[i] = (up ? up[i]! : NaN) + (down ? down[i]! : NaN);
  }
  return out;
}

/**
 * Appends rows column by column into growing typed arrays. Readers call `push*` in row order
 * without allocating per-row objects; `finish()` returns a table trimmed to its length.
 */
export class FlowTableBuilder {
  readonly dicts: FlowDictionaries;
  readonly columns: ReadonlySet<OptionalColumn>;
  length = 0;
  private capacity: number;
  ts: Float64Array;
  srcIp: Int32Array;
  dstIp: Int32Array;
  srcPort: Int32Array;
  dstPort: Int32Array;
  proto: Int32Array;
  state: Int32Array | null;
  bytes: Float64Array | null;
  packets: Float64Array | null;
  srcBytes: Float64Array | null;
  dstBytes: Float64Array | null;
  duration: Float64Array | null;
  label: Int32Array | null;

  /**
   * `reuse`: a table whose arrays its owner no longer needs (a reader's previous full chunk);
   * when they fit (same optional columns, all of its rows in use) the builder fills them instead
   * of fresh arrays, which cost page faults and zeroing per chunk.
   */
  constructor(dicts: FlowDictionaries, columns: Iterable<OptionalColumn>, initialCapacity = 1024, reuse: FlowTable | null = null) {
    this.dicts = dicts;
    this.columns = new Set(columns);
    const has = (col: OptionalColumn): boolean => this.columns.has(col);
    if (reuse !== null && reusable(reuse, dicts, this.columns)) {
      this.capacity = reuse.length;
      this.ts = reuse.ts;
      this.srcIp = reuse.srcIp;
      this.dstIp = reuse.dstIp;
      this.srcPort = reuse.srcPort;
      this.dstPort = reuse.dstPort;
      this.proto = reuse.proto;
      this.state = reuse.state;
      this.bytes = reuse.bytes;
      this.packets = reuse.packets;
      this.srcBytes = reuse.srcBytes;
      this.dstBytes = reuse.dstBytes;
      this.duration = reuse.duration;
      this.label = reuse.label;
      return;
    }
    this.capacity = Math.max(16, initialCapacity);
    const c = this.capacity;
    this.ts = new Float64Array(c);
    this.srcIp = new Int32Array(c);
    this.dstIp = new Int32Array(c);
    this.srcPort = new Int32Array(c);
    this.dstPort = new Int32Array(c);
    this.proto = new Int32Array(c);
    this.state = has('state') ? new Int32Array(c) : null;
    this.bytes = has('bytes') ? new Float64Array(c) : null;
    this.packets = has('packets') ? new Float64Array(c) : null;
    this.srcBytes = has('srcBytes') ? new Float64Array(c) : null;
    this.dstBytes = has('dstBytes') ? new Float64Array(c) : null;
    this.duration = has('duration') ? new Float64Array(c) : null;
    this.label = has('label') ? new Int32Array(c) : null;
  }

  /**
   * Makes room for one more row and returns its index. The caller then writes every column it
   * owns at that index; optional columns it does not write must be set to their missing value.
   */
  addRow(): number {
    if (this.length === this.capacity) this.grow(this.capacity * 2);
    return this.length++;
  }

  /** Drops the last row (a reader that found a problem after `addRow`). */
  dropLastRow(): void {
    if (this.length > 0) this.length--;
  }

  /** Appends rows `[start, end)` of another table that shares these dictionaries. */
  appendTable(table: FlowTable, start = 0, end = table.length): void {
    if (table.dicts !== this.dicts) throw new Error('appendTable: tables must share dictionaries');
    const n = end - start;
    if (n <= 0) return;
    if (this.length + n > this.capacity) this.grow(Math.max(this.capacity * 2, this.length + n));
    const at = this.length;
    this.ts.set(table.ts.subarray(start, end), at);
    this.srcIp.set(table.srcIp.subarray(start, end), at);
    this.dstIp.set(table.dstIp.subarray(start, end), at);
    this.srcPort.set(table.srcPort.subarray(start, end), at);
    this.dstPort.set(table.dstPort.subarray(start, end), at);
    this.proto.set(table.proto.subarray(start, end), at);
    copyOptional(this.state, table.state, start, end, at, NO_CODE);
    copyOptional(this.bytes, table.bytes, start, end, at, NaN);
    copyOptional(this.packets, table.packets, start, end, at, NaN);
    copyOptional(this.srcBytes, table.srcBytes, start, end, at, NaN);
    copyOptional(this.dstBytes, table.dstBytes, start, end, at, NaN);
    copyOptional(this.duration, table.duration, start, end, at, NaN);
    copyOptional(this.label, table.label, start, end, at, NO_CODE);
    this.length += n;
  }

  /** A table over the rows added so far (copies, so the builder can be reused with `reset`). */
  finish(): FlowTable {
    const n = this.length;
    return {
      length: n,
      dicts: this.dicts,
      ts: this.ts.slice(0, n),
      srcIp: this.srcIp.slice(0, n),
      dstIp: this.dstIp.slice(0, n),
      srcPort: this.srcPort.slice(0, n),
      dstPort: this.dstPort.slice(0, n),
      proto: this.proto.slice(0, n),
      state: this.state ? this.state.slice(0, n) : null,
      bytes: this.bytes ? this.bytes.slice(0, n) : null,
      packets: this.packets ? this.packets.slice(0, n) : null,
      srcBytes: this.srcBytes ? this.srcBytes.slice(0, n) : null,
      dstBytes: this.dstBytes ? this.dstBytes.slice(0, n) : null,
      duration: this.duration ? this.duration.slice(0, n) : null,
      label: this.label ? this.label.slice(0, n) : null,
    };
  }

  /**
   * The rows added as a table, handing over the builder's own arrays when they hold exactly those
   * rows (no copy; the builder must not be used afterwards), else as `finish` does.
   */
  take(): FlowTable {
    if (this.length !== this.capacity) return this.finish();
    const { length, dicts, ts, srcIp, dstIp, srcPort, dstPort, proto, state, bytes, packets, srcBytes, dstBytes, duration, label } = this;
    return { length, dicts, ts, srcIp, dstIp, srcPort, dstPort, proto, state, bytes, packets, srcBytes, dstBytes, duration, label };
  }

  /** Empties the builder, keeping its buffers. */
  reset(): void {
    this.length = 0;
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    this.ts = growF64(this.ts, capacity);
    this.srcIp = growI32(this.srcIp, capacity);
    this.dstIp = growI32(this.dstIp, capacity);
    this.srcPort = growI32(this.srcPort, capacity);
    this.dstPort = growI32(this.dstPort, capacity);
    this.proto = growI32(this.proto, capacity);
    if (this.state) this.state = growI32(this.state, capacity);
    if (this.bytes) this.bytes = growF64(this.bytes, capacity);
    if (this.packets) this.packets = growF64(this.packets, capacity);
    if (this.srcBytes) this.srcBytes = growF64(this.srcBytes, capacity);
    if (this.dstBytes) this.dstBytes = growF64(this.dstBytes, capacity);
    if (this.duration) this.duration = growF64(this.duration, capacity);
    if (this.label) this.label = growI32(this.label, capacity);
  }
}

/** Whether a builder with these dictionaries and columns can fill `t`'s arrays: every array holds exactly its rows. */
function reusable(t: FlowTable, dicts: FlowDictionaries, columns: ReadonlySet<OptionalColumn>): boolean {
  const n = t.length;
  if (t.dicts !== dicts || n < 16 || t.ts.length !== n) return false;
  for (const a of [t.srcIp, t.dstIp, t.srcPort, t.dstPort, t.proto]) if (a.length !== n) return false;
  for (const c of OPTIONAL_COLUMNS) {
    const a = t[c];
    if (columns.has(c) !== (a !== null) || (a !== null && a.length !== n)) return false;
  }
  return true;
}

function growF64(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, capacity: number): Int32Array {
  const b = new Int32Array(capacity);
  b.set(a);
  return b;
}

function copyOptional<T extends Float64Array | Int32Array>(
  target: T | null,
  source: T | null,
  start: number,
  end: number,
  at: number,
  missing: number,
): void {
  if (!target) return;
  if (source) target.set(source.subarray(start, end) as never, at);
  else target.fill(missing, at, at + (end - start));
}

/** Concatenates tables that share dictionaries (e.g. the chunks of one read). */
export function concatTables(dicts: FlowDictionaries, tables: readonly FlowTable[]): FlowTable {
  const steps = concatTableSteps(dicts, tables, Infinity);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/**
 * `concatTables` with a pause after every `rowsPerStep` rows copied, for callers that must give
 * other work a turn (a server concatenating millions of rows). Each row is copied once.
 */
export function* concatTableSteps(dicts: FlowDictionaries, tables: readonly FlowTable[], rowsPerStep = 1 << 18): Generator<void, FlowTable, undefined> {
  const columns = new Set<OptionalColumn>();
  let total = 0;
  for (const t of tables) {
    total += t.length;
    for (const col of OPTIONAL_COLUMNS) if (t[col]) columns.add(col);
  }
  const builder = new FlowTableBuilder(dicts, columns, total);
  for (const t of tables) {
    for (let at = 0; at < t.length; at += rowsPerStep) {
      builder.appendTable(t, at, Math.min(t.length, at + rowsPerStep));
      yield;
    }
  }
  return builder.take();
}

/** Rows `[start, end)` as a table view sharing the underlying buffers (no copy). */
export function sliceTable(table: FlowTable, start: number, end: number): FlowTable {
  const sub = <T extends Float64Array | Int32Array>(a: T | null): T | null =>
    a ? (a.subarray(start, end) as T) : null;
  return {
    length: Math.max(0, end - start),
    dicts: table.dicts,
    ts: table.ts.subarray(start, end),
    srcIp: table.srcIp.subarray(start, end),
    dstIp: table.dstIp.subarray(start, end),
    srcPort: table.srcPort.subarray(start, end),
    dstPort: table.dstPort.subarray(start, end),
    proto: table.proto.subarray(start, end),
    state: sub(table.state),
    bytes: sub(table.bytes),
    packets: sub(table.packets),
    srcBytes: sub(table.srcBytes),
    dstBytes: sub(table.dstBytes),
    duration: sub(table.duration),
    label: sub(table.label),
  };
}
