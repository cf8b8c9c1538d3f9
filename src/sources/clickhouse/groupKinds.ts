/**
 * The group kinds of the push-down histograms and which multiset each of their four per-group
 * counts (a…d) feeds — shared by the SQL that computes them and the code that reads the rows.
 */
import type { MultisetKey } from '../../engine/features/windowAggregate.js';

/** Histogram kinds, in the `kind` column of the histogram query. */
export const GROUP_KINDS = ['dst_ip', 'src_ip', 'dst_port', 'conn', 'flow'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

/** Which multiset each metric (a…d) of a group kind feeds; null: unused. */
export const METRIC_TARGETS: Record<GroupKind, readonly (MultisetKey | null)[]> = {
  dst_ip: ['dst_port_per_dst_ip', 'src_ip_per_dst_ip', 'distinct_dst_port_per_dst_ip', 'distinct_src_ip_per_dst_ip'],
  src_ip: ['dst_port_per_src_ip', 'dst_ip_per_src_ip', 'distinct_dst_port_per_src_ip', 'distinct_dst_ip_per_src_ip'],
  dst_port: ['dst_ip_per_dst_port', 'src_ip_per_dst_port', 'distinct_dst_ip_per_dst_port', 'distinct_src_ip_per_dst_port'],
  conn: ['dst_port_per_conn', 'distinct_dst_port_per_conn', null, null],
  flow: ['entries_per_flow', null, null, null],
};

/** Whether a query reading `wanted` (all multisets when undefined) reads metric i (a…d) of a kind. */
export function readsMetric(kind: GroupKind, i: number, wanted?: ReadonlySet<MultisetKey>): boolean {
  const key = METRIC_TARGETS[kind][i];
  return key !== null && key !== undefined && (wanted === undefined || wanted.has(key));
}
