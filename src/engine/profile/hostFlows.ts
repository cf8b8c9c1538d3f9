/**
 * Each host's flows as the source, in time order with ties in input order (semantics.md §2.1):
 * `rows` holds flow indices grouped by source address (hosts in order of first appearance in
 * the table), `start[h]…start[h+1]` delimits host h.
 */
import type { FlowTable } from '../flowTable.js';

export interface HostFlows {
  /** Source address codes (table.dicts.ip), one per host, in order of first appearance. */
  hosts: Int32Array;
  start: Int32Array;
  rows: Int32Array;
  /** Host slot of each address code (−1: not a source in range). */
  slotByCode: Int32Array;
}

export interface TimeRange {
  from?: number;
  to?: number;
}

/** Flow indices in [from, to) sorted by time, stable (ties keep input order). */
export function timeOrder(table: FlowTable, range: TimeRange = {}): Int32Array {
  const from = range.from ?? -Infinity;
  const to = range.to ?? Infinity;
  const ts = table.ts;
  let count = 0;
  let sorted = true;
  let last = -Infinity;
  for (let i = 0; i < table.length; i++) {
    const t = ts[i]!;
    if (t >= from && t < to) {
      count++;
      if (t < last) sorted = false;
      last = t;
    }
  }
  const idx = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < table.length; i++) {
    const t = ts[i]!;
    if (t >= from && t < to) idx[k++] = i;
  }
  if (!sorted) idx.sort((a, b) => ts[a]! - ts[b]! || a - b);
  return idx;
}

/**
 * Groups in input order, then sorts each host's rows by time where needed: many small sorts
 * (usually none — files are mostly in time order) instead of one sort of the whole table.
 */
export function groupBySource(table: FlowTable, range: TimeRange = {}): HostFlows {
  const from = range.from ?? -Infinity;
  const to = range.to ?? Infinity;
  const src = table.srcIp;
  const ts = table.ts;
  const slot = new Int32Array(table.dicts.ip.size).fill(-1);
  const counts: number[] = [];
  const hosts: number[] = [];
  let kept = 0;
  for (let i = 0; i < table.length; i++) {
    const t = ts[i]!;
    if (!(t >= from && t < to)) continue;
    kept++;
    const h = src[i]!;
    let s = slot[h]!;
    if (s < 0) {
      s = hosts.length;
      slot[h] = s;
      hosts.push(h);
      counts.push(0);
    }
    counts[s]!++;
  }
  const start = new Int32Array(hosts.length + 1);
  for (let s = 0; s < hosts.length; s++) start[s + 1] = start[s]! + counts[s]!;
  const fill = start.slice(0, hosts.length);
  const rows = new Int32Array(kept);
  for (let i = 0; i < table.length; i++) {
    const t = ts[i]!;
    if (!(t >= from && t < to)) continue;
    const s = slot[src[i]!]!;
    rows[fill[s]!++] = i;
  }
  for (let s = 0; s < hosts.length; s++) {
    const part = rows.subarray(start[s]!, start[s + 1]!);
    let sorted = true;
    for (let k = 1; k < part.length && sorted; k++) if (ts[part[k]!]! < ts[part[k - 1]!]!) sorted = false;
    if (!sorted) part.sort((a, b) => ts[a]! - ts[b]! || a - b);
  }
  return { hosts: Int32Array.from(hosts), start, rows, slotByCode: slot };
}

/** The rows of host slot `h`. */
export function hostRows(g: HostFlows, h: number): Int32Array {
  return g.rows.subarray(g.start[h]!, g.start[h + 1]!);
}
