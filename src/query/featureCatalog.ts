/**
 * Names and order of every batch feature (semantics.md §1). The seed's 56 come first, in the
 * notebook's order; the extras follow. UI, CLI and backend all list features from here.
 */

export const DESCRIBE_STATS = ['max', 'mean', 'perc25', 'perc50', 'perc75', 'perc90'] as const;
export type DescribeStat = (typeof DESCRIBE_STATS)[number];

export const SEED_STATES = ['closed', 'established', 'reset', 'new', 'closing', 'connecting'] as const;

/** Group keys the distribution features are computed over. */
export type GroupKey = 'conn' | 'flow' | 'dst_ip' | 'src_ip' | 'dst_port';

const describe = (prefix: string): string[] => DESCRIBE_STATS.map((k) => `${prefix}_${k}`);

/** The 56 features of seed 000, in its order and with its names (values are row counts). */
export const SEED_FEATURES: readonly string[] = [
  'num_entries',
  'count_dst_port',
  'count_src_port',
  'count_dst_ip',
  'count_src_ip',
  ...SEED_STATES.map((s) => `num_state_${s}`),
  'count_conns',
  ...describe('dst_port_per_conn'),
  'count_flows',
  'num_flows_per_conn_mean',
  ...describe('dst_port_per_dst_ip'),
  ...describe('src_ip_per_dst_ip'),
  ...describe('dst_port_per_src_ip'),
  ...describe('dst_ip_per_src_ip'),
  ...describe('dst_ip_per_dst_port'),
  ...describe('src_ip_per_dst_port'),
];

/**
 * The distinct-count families the seed's names promised: describe() of the number of distinct
 * `<a>` per group of `<b>`, named `distinct_<a>_per_<b>_<k>`.
 */
export const DISTINCT_FAMILIES: readonly { a: 'dst_port' | 'src_ip' | 'dst_ip'; b: GroupKey }[] = [
  { a: 'dst_port', b: 'conn' },
  { a: 'dst_port', b: 'dst_ip' },
  { a: 'src_ip', b: 'dst_ip' },
  { a: 'dst_port', b: 'src_ip' },
  { a: 'dst_ip', b: 'src_ip' },
  { a: 'dst_ip', b: 'dst_port' },
  { a: 'src_ip', b: 'dst_port' },
];

export const EXTRA_FEATURES: readonly string[] = [
  // rows per 5-tuple flow (the seed's commented-out "entries per flow")
  ...describe('entries_per_flow'),
  ...DISTINCT_FAMILIES.flatMap(({ a, b }) => describe(`distinct_${a}_per_${b}`)),
  // byte volumes, when the format has per-direction bytes (seed src_tx / dst_tx, Argus SrcBytes)
  'bytes_up',
  'bytes_down',
  'bytes_total',
];

export const ALL_FEATURES: readonly string[] = [...SEED_FEATURES, ...EXTRA_FEATURES];

const FEATURE_INDEX = new Map(ALL_FEATURES.map((name, i) => [name, i]));

export function isFeatureName(name: string): boolean {
  return FEATURE_INDEX.has(name);
}

/** Orders a selection as the catalog does (seed order, then extras), dropping duplicates. */
export function orderFeatures(names: readonly string[]): string[] {
  return [...new Set(names)].sort((x, y) => (FEATURE_INDEX.get(x) ?? 0) - (FEATURE_INDEX.get(y) ?? 0));
}

/** Families for pickers: a label and the features it holds, in catalog order. */
export interface FeatureFamily {
  id: string;
  label: string;
  features: readonly string[];
}

export const FEATURE_FAMILIES: readonly FeatureFamily[] = [
  { id: 'volume', label: 'Volume', features: ['num_entries', 'count_conns', 'count_flows', 'num_flows_per_conn_mean'] },
  { id: 'distinct', label: 'Distinct ports and IPs', features: ['count_dst_port', 'count_src_port', 'count_dst_ip', 'count_src_ip'] },
  { id: 'states', label: 'Connection states', features: SEED_STATES.map((s) => `num_state_${s}`) },
  { id: 'per_conn', label: 'Entries per connection', features: describe('dst_port_per_conn') },
  { id: 'per_flow', label: 'Entries per 5-tuple flow', features: describe('entries_per_flow') },
  { id: 'per_dst_ip', label: 'Entries per dst IP', features: [...describe('dst_port_per_dst_ip'), ...describe('src_ip_per_dst_ip')] },
  { id: 'per_src_ip', label: 'Entries per src IP', features: [...describe('dst_port_per_src_ip'), ...describe('dst_ip_per_src_ip')] },
  { id: 'per_dst_port', label: 'Entries per dst port', features: [...describe('dst_ip_per_dst_port'), ...describe('src_ip_per_dst_port')] },
  {
    id: 'distinct_per',
    label: 'Distinct values per group',
    features: DISTINCT_FAMILIES.flatMap(({ a, b }) => describe(`distinct_${a}_per_${b}`)),
  },
  { id: 'bytes', label: 'Byte volumes', features: ['bytes_up', 'bytes_down', 'bytes_total'] },
];

/** What a new `features` query shows before the user picks anything. */
export const DEFAULT_FEATURES: readonly string[] = [
  'num_entries',
  'count_dst_port',
  'count_src_ip',
  'count_dst_ip',
  'count_conns',
  'count_flows',
];
