/**
 * Turning each flow into one integer code (semantics.md §2.2), with discretizers fitted on the
 * reference host's flows:
 * - categorical (protocol, dst_port, state): code = index in the reference vocabulary, in order
 *   of first appearance; any value not in it gets the extra "other" code; size = vocabulary + 1;
 * - numeric (bytes, packets, duration, src_bytes) with p bins: edges are the quantiles k/p,
 *   k = 1…p−1, of the reference values (numpy linear); code = number of edges ≤ x; size = p;
 * - the flow's code is the mixed-radix number Σ v_i · Π_{j>i} size_j, in declared order.
 *
 * Vocabularies are stored as strings (not dictionary codes) so a profile applies to any table.
 * A flow without a value for a numeric feature (NaN) gets code 0: no edge is ≤ NaN; missing
 * values are left out when fitting the edges. A missing port or state is the value "-".
 */
import { totalBytes, type FlowTable } from '../flowTable.js';
import { quantileSorted } from '../quantile.js';
import type { ProfileFeature, ProfileFeatureName } from '../../query/profileSpec.js';
import { PROFILE_FEATURES } from '../../query/profileSpec.js';

export const MISSING_VALUE = '-';

export interface CategoricalDiscretizer {
  name: ProfileFeatureName;
  kind: 'categorical';
  vocabulary: string[];
  size: number;
}

export interface NumericDiscretizer {
  name: ProfileFeatureName;
  kind: 'numeric';
  bins: number;
  edges: number[];
  size: number;
}

export type FeatureDiscretizer = CategoricalDiscretizer | NumericDiscretizer;

export interface Discretizer {
  features: FeatureDiscretizer[];
}

/** A feature the table cannot provide (e.g. bytes from a format without byte columns). */
export class MissingFeatureError extends Error {
  override readonly name = 'MissingFeatureError';
}

/** Per-flow values of a numeric feature, NaN where unknown. */
export function numericColumn(table: FlowTable, name: ProfileFeatureName): Float64Array {
  const col =
    name === 'bytes'
      ? table.bytes || table.srcBytes || table.dstBytes
        ? totalBytes(table)
        : null
      : name === 'packets'
        ? table.packets
        : name === 'duration'
          ? table.duration
          : name === 'src_bytes'
            ? table.srcBytes
            : null;
  if (!col) throw new MissingFeatureError(`the flows have no ${name} column, so "${name}" cannot be a profile feature; choose another feature (e.g. protocol, dst_port)`);
  return col;
}

/**
 * Per-flow keys of a categorical feature (table-specific integers) and how to name a key, so
 * fitting and encoding never build a string per flow.
 */
interface CategoricalColumn {
  key: (i: number) => number;
  label: (key: number) => string;
}

function categoricalColumn(table: FlowTable, name: ProfileFeatureName): CategoricalColumn {
  if (name === 'protocol') return { key: (i) => table.proto[i]!, label: (k) => (k < 0 ? MISSING_VALUE : table.dicts.proto.value(k)) };
  if (name === 'dst_port') return { key: (i) => table.dstPort[i]!, label: (k) => (k < 0 ? MISSING_VALUE : String(k)) };
  if (name === 'state') {
    const st = table.state;
    if (!st) throw new MissingFeatureError('the flows have no connection state column, so "state" cannot be a profile feature');
    return { key: (i) => st[i]!, label: (k) => (k < 0 ? MISSING_VALUE : table.dicts.state.value(k)) };
  }
  throw new MissingFeatureError(`"${name}" is not a categorical feature`);
}

/**
 * Why a profile's discretizer cannot encode `table`'s flows (a feature whose column these flows
 * lack, e.g. duration in seed CSV), or null when it can. Scoring checks this first, so the answer
 * is a message about the data rather than an error from the middle of the encoding.
 */
export function missingProfileColumn(d: Discretizer, table: FlowTable): string | null {
  for (const f of d.features) {
    try {
      if (f.kind === 'numeric') numericColumn(table, f.name);
      else categoricalColumn(table, f.name);
    } catch (err) {
      if (!(err instanceof MissingFeatureError)) throw err;
      return `the profile was trained on the feature "${f.name}", and these flows have no ${f.name === 'state' ? 'connection state' : f.name} column: score flows of a format that has one, or train a profile on other features`;
    }
  }
  return null;
}

/** Fits the discretizers on the flows `rows` (indices into `table`, in time order). */
export function fitDiscretizer(table: FlowTable, rows: Int32Array, features: readonly ProfileFeature[]): Discretizer {
  const out: FeatureDiscretizer[] = [];
  for (const f of features) {
    if (PROFILE_FEATURES[f.name] === 'categorical') {
      const col = categoricalColumn(table, f.name);
      const seen = new Set<number>();
      const vocabulary: string[] = [];
      for (let r = 0; r < rows.length; r++) {
        const k = col.key(rows[r]!);
        if (seen.has(k)) continue;
        seen.add(k);
        vocabulary.push(col.label(k));
      }
      out.push({ name: f.name, kind: 'categorical', vocabulary, size: vocabulary.length + 1 });
    } else {
      const bins = f.bins ?? 5;
      const col = numericColumn(table, f.name);
      const values: number[] = [];
      for (let r = 0; r < rows.length; r++) {
        const v = col[rows[r]!]!;
        if (!Number.isNaN(v)) values.push(v);
      }
      const sorted = Float64Array.from(values).sort();
      const edges: number[] = [];
      for (let k = 1; k < bins; k++) edges.push(sorted.length === 0 ? NaN : quantileSorted(sorted, k / bins));
      if (sorted.length === 0 && rows.length > 0) {
        throw new MissingFeatureError(`the reference flows have no ${f.name} values, so equal-frequency bins cannot be fitted; choose another feature`);
      }
      out.push({ name: f.name, kind: 'numeric', bins, edges, size: bins });
    }
  }
  return { features: out };
}

/** Number of edges ≤ x (edges ascending); 0 for NaN. */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Product of all feature sizes: the number of distinct flow codes. */
export function codeSpace(d: Discretizer): number {
  return d.features.reduce((p, f) => p * f.size, 1);
}

/** The flow code of every row in `rows`, as doubles (HMM observations). */
export function encodeFlows(d: Discretizer, table: FlowTable, rows: Int32Array, out = new Float64Array(rows.length)): Float64Array {
  out.fill(0, 0, rows.length);
  for (const f of d.features) {
    const radix = f.size;
    if (f.kind === 'categorical') {
      const col = categoricalColumn(table, f.name);
      const index = new Map<string, number>();
      f.vocabulary.forEach((v, i) => index.set(v, i));
      const other = f.vocabulary.length;
      // Table keys → vocabulary index, resolved once per distinct key.
      const byKey = new Map<number, number>();
      for (let r = 0; r < rows.length; r++) {
        const k = col.key(rows[r]!);
        let v = byKey.get(k);
        if (v === undefined) {
          v = index.get(col.label(k)) ?? other;
          byKey.set(k, v);
        }
        out[r] = out[r]! * radix + v;
      }
    } else {
      const col = numericColumn(table, f.name);
      for (let r = 0; r < rows.length; r++) out[r] = out[r]! * radix + binOf(f.edges, col[rows[r]!]!);
    }
  }
  return out;
}
