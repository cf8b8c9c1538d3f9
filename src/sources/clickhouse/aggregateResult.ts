/**
 * Rows of the push-down queries → WindowAggregate[], the contract the feature computation reads.
 * Group-size histograms are expanded back into multisets (order is irrelevant to describe()).
 */
import { SEED_STATES } from '../../query/featureCatalog.js';
import type { DistinctPerKey, RowsPerKey, SeedState, WindowAggregate } from '../../engine/features/windowAggregate.js';
import { GROUP_KINDS, type GroupKind } from './aggregateSql.js';

/** A JSON value from ClickHouse as a number (64-bit integers arrive as strings). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  if (v === null) return NaN;
  throw new Error(`unexpected value from ClickHouse: ${JSON.stringify(v)}`);
}

export type { Row } from './transport.js';
import type { Row } from './transport.js';

/** Which multiset each metric (a…d) of a group kind feeds; null: unused. */
export const METRIC_TARGETS: Record<GroupKind, readonly (RowsPerKey | DistinctPerKey | null)[]> = {
  dst_ip: ['dst_port_per_dst_ip', 'src_ip_per_dst_ip', 'distinct_dst_port_per_dst_ip', 'distinct_src_ip_per_dst_ip'],
  src_ip: ['dst_port_per_src_ip', 'dst_ip_per_src_ip', 'distinct_dst_port_per_src_ip', 'distinct_dst_ip_per_src_ip'],
  dst_port: ['dst_ip_per_dst_port', 'src_ip_per_dst_port', 'distinct_dst_ip_per_dst_port', 'distinct_src_ip_per_dst_port'],
  conn: ['dst_port_per_conn', 'distinct_dst_port_per_conn', null, null],
  flow: ['entries_per_flow', null, null, null],
};

const METRICS = ['a', 'b', 'c', 'd'] as const;

class Multiset {
  values: number[] = [];
  counts: number[] = [];
  total = 0;
  add(value: number, count: number): void {
    this.values.push(value);
    this.counts.push(count);
    this.total += count;
  }
  toArray(): Float64Array {
    const out = new Float64Array(this.total);
    let at = 0;
    for (let i = 0; i < this.values.length; i++) {
      out.fill(this.values[i]!, at, at + this.counts[i]!);
      at += this.counts[i]!;
    }
    return out;
  }
}

interface Pending {
  totals: Row;
  sets: Map<string, Multiset>;
  conns: number;
  flows: number;
  flowsAtLeast: Map<number, number>;
}

/** Joins the totals rows and histogram rows of one query into aggregates, windows ascending. */
export function buildAggregates(totals: readonly Row[], histograms: readonly Row[], windowSeconds: number, withBytes: { up: boolean; down: boolean; total: boolean }): WindowAggregate[] {
  const byWindow = new Map<number, Pending>();
  for (const row of totals) byWindow.set(num(row.w), { totals: row, sets: new Map(), conns: 0, flows: 0, flowsAtLeast: new Map() });
  for (const row of histograms) {
    const p = byWindow.get(num(row.w));
    if (!p) throw new Error(`group sizes for window ${String(row.w)} without a totals row`);
    const kind = GROUP_KINDS[num(row.kind)];
    if (kind === undefined) throw new Error(`unknown group kind ${String(row.kind)}`);
    const n = num(row.n);
    if (kind === 'conn') p.conns += n;
    if (kind === 'flow') {
      // cumulative: n flows have at least `a` rows
      p.flowsAtLeast.set(num(row.a), n);
      continue;
    }
    METRIC_TARGETS[kind].forEach((target, i) => {
      if (target === null) return;
      let set = p.sets.get(target);
      if (!set) p.sets.set(target, (set = new Multiset()));
      set.add(num(row[METRICS[i]!]), n);
    });
  }
  for (const p of byWindow.values()) {
    // flows with exactly k rows = flows with at least k − flows with at least k + 1
    const flows = new Multiset();
    for (const [k, atLeast] of p.flowsAtLeast) {
      const exactly = atLeast - (p.flowsAtLeast.get(k + 1) ?? 0);
      if (exactly > 0) flows.add(k, exactly);
    }
    p.flows = p.flowsAtLeast.get(1) ?? 0;
    if (flows.total > 0) p.sets.set('entries_per_flow', flows);
  }
  const none = new Float64Array(0);
  const set = (p: Pending, key: string): Float64Array => p.sets.get(key)?.toArray() ?? none;
  const windows = [...byWindow.keys()].sort((a, b) => a - b);
  return windows.map((w) => {
    const p = byWindow.get(w)!;
    const t = p.totals;
    const states = {} as Record<SeedState, number>;
    SEED_STATES.forEach((name, i) => (states[name] = num(t[`s${i}`])));
    const rowsPer = {} as Record<RowsPerKey, Float64Array>;
    const distinctPer = {} as Record<DistinctPerKey, Float64Array>;
    for (const targets of Object.values(METRIC_TARGETS)) {
      for (const key of targets) {
        if (key === null) continue;
        if (key.startsWith('distinct_')) distinctPer[key as DistinctPerKey] = set(p, key);
        else rowsPer[key as RowsPerKey] = set(p, key);
      }
    }
    return {
      start: w * windowSeconds,
      entries: num(t.entries),
      distinct: { dstPort: num(t.dp), srcPort: num(t.sp), dstIp: num(t.di), srcIp: num(t.si) },
      states,
      countConns: p.conns,
      countFlows: p.flows,
      rowsPer,
      distinctPer,
      bytesUp: withBytes.up ? nullableSum(t.up) : null,
      bytesDown: withBytes.down ? nullableSum(t.down) : null,
      bytesTotal: withBytes.total ? nullableSum(t.total) : null,
    };
  });
}

/** sum() over only-NULL rows is 0 in ClickHouse and in pandas alike. */
function nullableSum(v: unknown): number {
  const x = num(v);
  return Number.isNaN(x) ? 0 : x;
}
