/**
 * WindowAggregate → feature values, by catalog name (semantics.md §1). Both producers of
 * aggregates (the in-process engine and ClickHouse push-down) go through here, so they agree.
 */
import { ALL_FEATURES, DESCRIBE_STATS, SEED_STATES, type DescribeStat } from '../../query/featureCatalog.js';
import { describeCounted, describeCounts, type Description } from '../quantile.js';
import { runSteps, type Steps } from '../steps.js';
import type { AggregatorOptions } from './aggregate.js';
import type { DistinctPerKey, MultisetKey, RowsPerKey, WindowAggregate } from './windowAggregate.js';

type Getter = (agg: WindowAggregate, ctx: DescribeCache) => number;

/** describe() per multiset, computed at most once per aggregate. */
class DescribeCache {
  private readonly cache = new Map<string, Description>();
  get(agg: WindowAggregate, key: RowsPerKey | DistinctPerKey): Description {
    let d = this.cache.get(key);
    if (d === undefined) {
      if (agg.omitted?.includes(key)) {
        throw new Error(`${key} was not computed for this window: aggregate with the plan's aggregatorOptions() to ask for it`);
      }
      const counted = agg.counted?.[key];
      if (counted) d = describeCounted(counted.values, counted.counts);
      else d = describeCounts(key.startsWith('distinct_') ? agg.distinctPer[key as DistinctPerKey] : agg.rowsPer[key as RowsPerKey]);
      this.cache.set(key, d);
    }
    return d;
  }
}

const SIMPLE: Record<string, (a: WindowAggregate) => number> = {
  num_entries: (a) => a.entries,
  count_dst_port: (a) => a.distinct.dstPort,
  count_src_port: (a) => a.distinct.srcPort,
  count_dst_ip: (a) => a.distinct.dstIp,
  count_src_ip: (a) => a.distinct.srcIp,
  count_conns: (a) => a.countConns,
  count_flows: (a) => a.countFlows,
  // the seed divides count_flows by count_conns; with no connection at all there is no mean
  num_flows_per_conn_mean: (a) => (a.countConns === 0 ? NaN : a.countFlows / a.countConns),
  // a source without the byte column has no value (NaN → empty CSV field), not 0
  bytes_up: (a) => a.bytesUp ?? NaN,
  bytes_down: (a) => a.bytesDown ?? NaN,
  bytes_total: (a) => a.bytesTotal ?? NaN,
};
for (const s of SEED_STATES) SIMPLE[`num_state_${s}`] = (a) => a.states[s];

/** The multiset a describe() feature reads (`dst_port_per_conn_max` → `dst_port_per_conn`), or null. */
function multisetOf(name: string): MultisetKey | null {
  if (SIMPLE[name]) return null;
  for (const stat of DESCRIBE_STATS) if (name.endsWith(`_${stat}`)) return name.slice(0, -stat.length - 1) as MultisetKey;
  return null;
}

function getterFor(name: string): Getter | null {
  const simple = SIMPLE[name];
  if (simple) return (a) => simple(a);
  for (const stat of DESCRIBE_STATS) {
    const suffix = `_${stat}`;
    if (!name.endsWith(suffix)) continue;
    const key = name.slice(0, -suffix.length) as RowsPerKey | DistinctPerKey;
    const s: DescribeStat = stat;
    return (a, ctx) => ctx.get(a, key)[s];
  }
  return null;
}

/** Names not in the catalog; empty when all are known. */
export function unknownFeatures(names: readonly string[]): string[] {
  const known = new Set(ALL_FEATURES);
  return names.filter((n) => !known.has(n));
}

/** A compiled selection of features: resolve names once, evaluate per window. */
export class FeaturePlan {
  readonly names: readonly string[];
  /** Whether any `distinct_*` feature is asked (aggregators may skip those tables otherwise). */
  readonly needsDistinct: boolean;
  /** The group-size multisets the features describe. */
  readonly multisets: ReadonlySet<MultisetKey>;
  /** Whether any byte volume (`bytes_*`) is asked (aggregators may skip the sums otherwise). */
  readonly needsBytes: boolean;
  private readonly getters: Getter[];

  constructor(names: readonly string[]) {
    const unknown = unknownFeatures(names);
    if (unknown.length) throw new RangeError(`unknown feature(s): ${unknown.join(', ')}`);
    this.names = names;
    this.needsDistinct = names.some((n) => n.startsWith('distinct_'));
    this.needsBytes = names.some((n) => n.startsWith('bytes_'));
    this.multisets = new Set(names.map(multisetOf).filter((k): k is MultisetKey => k !== null));
    this.getters = names.map((n) => {
      const g = getterFor(n);
      if (!g) throw new Error(`feature ${n} is in the catalog but has no definition`);
      return g;
    });
  }

  /** What an aggregator needs to compute for these features, and no more. */
  aggregatorOptions(): AggregatorOptions {
    return { distinct: this.needsDistinct, multisets: this.multisets, bytes: this.needsBytes };
  }

  /** Writes the values of `agg` into `out` at `offset` (one per name, in order). */
  evaluate(agg: WindowAggregate, out: Float64Array = new Float64Array(this.names.length), offset = 0): Float64Array {
    const ctx = new DescribeCache();
    for (let j = 0; j < this.getters.length; j++) out[offset + j] = this.getters[j]!(agg, ctx);
    return out;
  }
}

/** The values of the named features for one window, in the order given. */
export function featureValues(agg: WindowAggregate, names: readonly string[]): Float64Array {
  return new FeaturePlan(names).evaluate(agg);
}

/** Columnar features for many windows: `time[k]` is window k's start, `columns[j][k]` feature j. */
export interface FeatureColumns {
  names: readonly string[];
  time: Float64Array;
  columns: Float64Array[];
}

export function computeFeatures(aggs: readonly WindowAggregate[], names: readonly string[]): FeatureColumns {
  return runSteps(computeFeaturesSteps(aggs, names));
}

const WINDOWS_PER_STEP = 1024;

/** `computeFeatures` as steps: a pause point every thousand windows. */
export function* computeFeaturesSteps(aggs: readonly WindowAggregate[], names: readonly string[]): Steps<FeatureColumns> {
  const plan = new FeaturePlan(names);
  const time = new Float64Array(aggs.length);
  const columns = names.map(() => new Float64Array(aggs.length));
  const row = new Float64Array(names.length);
  for (let k = 0; k < aggs.length; k++) {
    if (k % WINDOWS_PER_STEP === WINDOWS_PER_STEP - 1) yield;
    const agg = aggs[k]!;
    time[k] = agg.start;
    plan.evaluate(agg, row);
    for (let j = 0; j < names.length; j++) columns[j]![k] = row[j]!;
  }
  return { names, time, columns };
}
