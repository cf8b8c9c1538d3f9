/**
 * The result of the describe() push-down: a window's scalar aggregates plus, per group-size
 * multiset, the describe() statistics computed on the server — and the feature values they give.
 */
import type { Description } from '../../engine/quantile.js';
import type { DistinctPerKey, RowsPerKey, WindowAggregate } from '../../engine/features/windowAggregate.js';
import { DESCRIBE_STATS, type DescribeStat } from '../../query/featureCatalog.js';

export interface WindowSummary extends Omit<WindowAggregate, 'rowsPer' | 'distinctPer'> {
  /** describe() per multiset; absent when the window has no group of that key (all NaN). */
  describe: Partial<Record<RowsPerKey | DistinctPerKey, Description>>;
}

const SIMPLE: Record<string, (s: WindowSummary) => number> = {
  num_entries: (s) => s.entries,
  count_dst_port: (s) => s.distinct.dstPort,
  count_src_port: (s) => s.distinct.srcPort,
  count_dst_ip: (s) => s.distinct.dstIp,
  count_src_ip: (s) => s.distinct.srcIp,
  count_conns: (s) => s.countConns,
  count_flows: (s) => s.countFlows,
  num_flows_per_conn_mean: (s) => (s.countConns === 0 ? NaN : s.countFlows / s.countConns),
  bytes_up: (s) => s.bytesUp ?? NaN,
  bytes_down: (s) => s.bytesDown ?? NaN,
  bytes_total: (s) => s.bytesTotal ?? NaN,
};

/** The value of catalog feature `name` for a summarised window (same definitions as compute.ts). */
export function summaryFeature(s: WindowSummary, name: string): number {
  const simple = SIMPLE[name];
  if (simple) return simple(s);
  if (name.startsWith('num_state_')) {
    const v = (s.states as Record<string, number>)[name.slice('num_state_'.length)];
    if (v !== undefined) return v;
  }
  for (const stat of DESCRIBE_STATS) {
    if (!name.endsWith(`_${stat}`)) continue;
    const key = name.slice(0, -stat.length - 1) as RowsPerKey | DistinctPerKey;
    const d = s.describe[key];
    return d ? d[stat as DescribeStat] : NaN;
  }
  throw new RangeError(`unknown feature ${name}`);
}
