/**
 * What one tumbling window reduces to before features are computed: counts, distinct counts and
 * the multisets of group sizes that the distribution features describe.
 *
 * Two producers fill it — the in-process engine from a FlowTable, and the ClickHouse store from
 * push-down SQL (the server returns group sizes, never raw flows) — and one consumer turns it into
 * feature values, so both stores give identical numbers by construction.
 */
import type { SEED_STATES } from '../../query/featureCatalog.js';

export type SeedState = (typeof SEED_STATES)[number];

/** Group-size multisets keyed by the feature prefix they feed (`<prefix>_max`, `<prefix>_mean`, …). */
export const ROWS_PER_KEYS = [
  'dst_port_per_conn',
  'entries_per_flow',
  'dst_port_per_dst_ip',
  'src_ip_per_dst_ip',
  'dst_port_per_src_ip',
  'dst_ip_per_src_ip',
  'dst_ip_per_dst_port',
  'src_ip_per_dst_port',
] as const;
export type RowsPerKey = (typeof ROWS_PER_KEYS)[number];

/** Distinct-count multisets, keyed `distinct_<a>_per_<b>`. */
export const DISTINCT_PER_KEYS = [
  'distinct_dst_port_per_conn',
  'distinct_dst_port_per_dst_ip',
  'distinct_src_ip_per_dst_ip',
  'distinct_dst_port_per_src_ip',
  'distinct_dst_ip_per_src_ip',
  'distinct_dst_ip_per_dst_port',
  'distinct_src_ip_per_dst_port',
] as const;
export type DistinctPerKey = (typeof DISTINCT_PER_KEYS)[number];

/** Any group-size multiset of an aggregate. */
export type MultisetKey = RowsPerKey | DistinctPerKey;
export const ALL_MULTISETS: readonly MultisetKey[] = [...ROWS_PER_KEYS, ...DISTINCT_PER_KEYS];

/** What a producer of window aggregates is asked for. */
export interface WindowsRequest {
  windowSeconds: number;
  /** Only these multisets (default: all); the others are omitted (`FeaturePlan.multisets`). */
  multisets?: ReadonlySet<MultisetKey>;
}

/** A multiset as distinct values and how often each occurs. */
export interface CountedMultiset {
  values: Float64Array;
  counts: Float64Array;
}

export interface WindowAggregate {
  /** Window start, epoch seconds: `floor(ts / T) * T`. */
  start: number;
  /** Rows in the window (`num_entries`). */
  entries: number;
  /** `len(unique())` per column: a missing value counts as one value, as pandas NaN does. */
  distinct: { dstPort: number; srcPort: number; dstIp: number; srcIp: number };
  /** Rows per seed state (0 when absent); other states are not counted. */
  states: Record<SeedState, number>;
  /** Distinct `(dst_ip, src_ip)` groups. */
  countConns: number;
  /** Distinct 5-tuples with no missing part. */
  countFlows: number;
  /**
   * Per group of the key, the number of rows whose column is non-missing (pandas `count()`), one
   * entry per group; groups with a missing key are absent (`dropna=True`). Order is irrelevant.
   */
  rowsPer: Record<RowsPerKey, Float64Array>;
  /** Per group of `<b>`, the number of distinct non-missing `<a>`. */
  distinctPer: Record<DistinctPerKey, Float64Array>;
  /**
   * Some of the same multisets as (value, count) pairs, from a producer that has them that way
   * (ClickHouse histograms): describe() reads these instead of the expanded arrays. Where present
   * they hold exactly the multiset of the array.
   */
  counted?: Partial<Record<MultisetKey, CountedMultiset>>;
  /**
   * Multisets this aggregate does not carry (their arrays are empty) because its producer was
   * asked only for other features; computing a feature from one of them is an error.
   * Absent = everything is present.
   */
  omitted?: readonly MultisetKey[];
  /** Σ src bytes, Σ dst bytes, Σ total bytes; null when the source has no such column. */
  bytesUp: number | null;
  bytesDown: number | null;
  bytesTotal: number | null;
}
