/** Copies the rows a keep-mask selects into a new table (same dictionaries, same columns). */
import type { FlowTable } from '../flowTable.js';

export function gatherRows(table: FlowTable, keep: Uint8Array): FlowTable {
  let n = 0;
  for (let i = 0; i < table.length; i++) n += keep[i] === 1 ? 1 : 0;
  const rows = new Int32Array(n);
  for (let i = 0, j = 0; i < table.length; i++) if (keep[i] === 1) rows[j++] = i;
  return takeRows(table, rows);
}

/** The rows `rows[0…]` of `table`, in that order, as a new table (same dictionaries, same columns). */
export function takeRows(table: FlowTable, rows: Int32Array): FlowTable {
  const n = rows.length;
  const pick = <T extends Float64Array | Int32Array>(a: T): T => {
    const out = new (a.constructor as new (len: number) => T)(n);
    for (let j = 0; j < n; j++) out[j] = a[rows[j]!]!;
    return out;
  };
  const opt = <T extends Float64Array | Int32Array>(a: T | null): T | null => (a ? pick(a) : null);
  return {
    length: n,
    dicts: table.dicts,
    ts: pick(table.ts),
    srcIp: pick(table.srcIp),
    dstIp: pick(table.dstIp),
    srcPort: pick(table.srcPort),
    dstPort: pick(table.dstPort),
    proto: pick(table.proto),
    state: opt(table.state),
    bytes: opt(table.bytes),
    packets: opt(table.packets),
    srcBytes: opt(table.srcBytes),
    dstBytes: opt(table.dstBytes),
    duration: opt(table.duration),
    label: opt(table.label),
  };
}
