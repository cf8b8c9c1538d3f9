/**
 * Rows of the push-down queries → WindowAggregate[], the contract the feature computation reads.
 * Group-size histograms become (value, count) multisets, which describe() reads as they are; the
 * expanded arrays of the contract are built only when read (order is irrelevant to describe()).
 */
import { SEED_STATES } from '../../query/featureCatalog.js';
import { ALL_MULTISETS, type CountedMultiset, type DistinctPerKey, type MultisetKey, type RowsPerKey, type SeedState, type WindowAggregate } from '../../engine/features/windowAggregate.js';
import { GROUP_KINDS, METRIC_TARGETS, type GroupKind } from './groupKinds.js';

/** A JSON value from ClickHouse as a number (64-bit integers arrive as strings). */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  if (v === null) return NaN;
  throw new Error(`unexpected value from ClickHouse: ${JSON.stringify(v)}`);
}

export type { Row } from './transport.js';
import type { Row } from './transport.js';

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
  /** Groups per single-key kind (dst_ip, src_ip, dst_port): its distinct non-NULL values. */
  groups: Map<GroupKind, number>;
  conns: number;
  flows: number;
  flowsAtLeast: Map<number, number>;
}

/**
 * Joins the totals rows and histogram rows of one query into aggregates, windows ascending. With
 * `wanted`, the other multisets are omitted (the SQL did not compute them).
 */
export function buildAggregates(
  totals: readonly Row[],
  histograms: readonly Row[],
  windowSeconds: number,
  withBytes: { up: boolean; down: boolean; total: boolean },
  wanted?: ReadonlySet<MultisetKey>,
  distinctFromHistograms: ReadonlySet<GroupKind> = new Set(),
): WindowAggregate[] {
  const omitted = wanted ? ALL_MULTISETS.filter((k) => !wanted.has(k)) : [];
  const byWindow = new Map<number, Pending>();
  for (const row of totals) byWindow.set(num(row.w), { totals: row, sets: new Map(), groups: new Map(), conns: 0, flows: 0, flowsAtLeast: flowsAtLeast(row) });
  for (const row of histograms) {
    const p = byWindow.get(num(row.w));
    if (!p) throw new Error(`group sizes for window ${String(row.w)} without a totals row`);
    const kind = GROUP_KINDS[num(row.kind)];
    if (kind === undefined || kind === 'flow') throw new Error(`unexpected group kind ${String(row.kind)} in the histogram rows`);
    const n = num(row.n);
    if (kind === 'conn') p.conns += n;
    else p.groups.set(kind, (p.groups.get(kind) ?? 0) + n);
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
  const distinctOf = (p: Pending, kind: GroupKind, fromTotals: unknown): number => num(fromTotals) + (distinctFromHistograms.has(kind) ? (p.groups.get(kind) ?? 0) : 0);
  const set = (p: Pending, key: string): Float64Array => p.sets.get(key)?.toArray() ?? none;
  const windows = [...byWindow.keys()].sort((a, b) => a - b);
  return windows.map((w) => {
    const p = byWindow.get(w)!;
    const t = p.totals;
    const states = {} as Record<SeedState, number>;
    SEED_STATES.forEach((name, i) => (states[name] = num(t[`s${i}`])));
    const rowsPer = {} as Record<RowsPerKey, Float64Array>;
    const distinctPer = {} as Record<DistinctPerKey, Float64Array>;
    const counted: Partial<Record<MultisetKey, CountedMultiset>> = {};
    for (const targets of Object.values(METRIC_TARGETS)) {
      for (const key of targets) {
        if (key === null) continue;
        lazily(key.startsWith('distinct_') ? distinctPer : rowsPer, key, () => set(p, key));
        const m = p.sets.get(key);
        if (m) counted[key] = { values: Float64Array.from(m.values), counts: Float64Array.from(m.counts) };
      }
    }
    return {
      start: w * windowSeconds,
      entries: num(t.entries),
      distinct: { dstPort: distinctOf(p, 'dst_port', t.dp), srcPort: num(t.sp), dstIp: distinctOf(p, 'dst_ip', t.di), srcIp: distinctOf(p, 'src_ip', t.si) },
      states,
      countConns: p.conns,
      countFlows: p.flows,
      rowsPer,
      distinctPer,
      counted,
      ...(omitted.length ? { omitted } : {}),
      bytesUp: withBytes.up ? nullableSum(t.up) : null,
      bytesDown: withBytes.down ? nullableSum(t.down) : null,
      bytesTotal: withBytes.total ? nullableSum(t.total) : null,
    };
  });
}

/**
 * Defines `key` on `target` as the array `make` builds on first read. Features read the counted
 * pairs; the expanded arrays (10 M values for the flows of 10 M rows) are built only for a reader
 * that asks for them.
 */
function lazily(target: object, key: string, make: () => Float64Array): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(): Float64Array {
      const value = make();
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
  });
}

/** The totals row's flow columns (flowSql.ts): fn[i] flows have at least fj[i] rows. */
function flowsAtLeast(row: Row): Map<number, number> {
  const out = new Map<number, number>();
  const j = row.fj;
  const n = row.fn;
  if (j === undefined && n === undefined) return out;
  if (!Array.isArray(j) || !Array.isArray(n) || j.length !== n.length) throw new Error(`malformed flow counts for window ${String(row.w)}`);
  j.forEach((k, i) => out.set(num(k), num(n[i])));
  return out;
}

/** sum() over only-NULL rows is 0 in ClickHouse and in pandas alike. */
function nullableSum(v: unknown): number {
  const x = num(v);
  return Number.isNaN(x) ? 0 : x;
}
