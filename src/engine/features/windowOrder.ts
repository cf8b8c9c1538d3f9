/** Physically reordering a table's rows into window order before aggregating them. */
import type { FlowTable } from '../flowTable.js';

/** Below this many rows, reading out-of-order rows through the permutation is cheap enough. */
export const GATHER_MIN_ROWS = 32768;

type Column = Float64Array | Int32Array;

/** `col` in the order of `rows` (original indices < `length`): in place, or as a new array. */
function reorder<T extends Column>(col: T, rows: Int32Array, length: number, inPlace: boolean): T {
  const n = rows.length;
  const src = inPlace ? (col.slice(0, length) as T) : col;
  const out = inPlace ? col : new (col.constructor as new (len: number) => T)(n);
  for (let k = 0; k < n; k++) out[k] = src[rows[k]!]!;
  return out;
}

/**
 * The table's rows in window order. Aggregating through a row permutation makes every column
 * read a cache miss interleaved with hashing; one sequential gather per column first is several
 * times faster on large out-of-order tables. A copy leaves out the columns features never read.
 * A pause point after each column: on millions of rows each gather is a step of its own.
 */
export function* inWindowOrderSteps(table: FlowTable, rows: Int32Array, inPlace: boolean): Generator<void, FlowTable, undefined> {
  const len = table.length;
  const col = <T extends Column>(c: T): T => reorder(c, rows, len, inPlace);
  const opt = <T extends Column>(c: T | null): T | null => (c ? col(c) : null);
  const ts = col(table.ts);
  yield;
  const srcIp = col(table.srcIp);
  const dstIp = col(table.dstIp);
  yield;
  const srcPort = col(table.srcPort);
  const dstPort = col(table.dstPort);
  yield;
  const proto = col(table.proto);
  const state = opt(table.state);
  yield;
  const bytes = opt(table.bytes);
  const srcBytes = opt(table.srcBytes);
  const dstBytes = opt(table.dstBytes);
  yield;
  const packets = inPlace ? opt(table.packets) : null;
  const duration = inPlace ? opt(table.duration) : null;
  const label = inPlace ? opt(table.label) : null;
  return { dicts: table.dicts, length: rows.length, ts, srcIp, dstIp, srcPort, dstPort, proto, state, bytes, srcBytes, dstBytes, packets, duration, label };
}
