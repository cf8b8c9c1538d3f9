/**
 * Exact describe() push-down: instead of group-size histograms, the server returns max, mean and
 * the linear quantiles (p25, median, p75, p90) of each multiset per window — for windows so large
 * that even histograms would be big. Quantiles follow numpy's linear method (h = p·(n−1)):
 * `quantileExactInclusive` on servers that have it, otherwise the sorted group array with the
 * interpolation written out (numpy's two-sided lerp, so results are bit-identical there).
 */
import type { Description } from '../../engine/quantile.js';
import type { DistinctPerKey, RowsPerKey } from '../../engine/features/windowAggregate.js';
import type { Binder } from './binder.js';
import { groupedColumns } from './aggregateSql.js';
import { num, type Row } from './aggregateResult.js';
import { METRIC_TARGETS, type GroupKind } from './groupKinds.js';
import { fromWhere, windowExpr, type QueryContext, type Scope } from './scope.js';

const QUANTILES: readonly [keyof Description, number][] = [
  ['perc25', 0.25],
  ['perc75', 0.75],
  ['perc90', 0.9],
];

/** numpy linear quantile of the sorted Float64 array `s` of length `n` (1-based indexing). */
function arrayQuantile(s: string, n: string, p: number): string {
  const h = `(${p} * (${n} - 1))`;
  const lo = `floor(${h})`;
  const t = `(${h} - ${lo})`;
  const a = `${s}[toUInt64(${lo}) + 1]`;
  const b = `${s}[toUInt64(${lo}) + 2]`;
  return `if(${h} >= ${n} - 1, ${s}[${n}], if(${h} <= 0, ${s}[1], if(${t} >= 0.5, ${b} - (${b} - ${a}) * (1 - ${t}), ${a} + (${b} - ${a}) * ${t})))`;
}

function arrayMedian(s: string, n: string): string {
  return `if(${n} % 2 = 1, ${s}[intDiv(${n}, 2) + 1], (${s}[intDiv(${n}, 2)] + ${s}[intDiv(${n}, 2) + 1]) / 2)`;
}

/** Aggregate columns describing metric `m` (a…d) under alias prefix `x`. */
function describeColumns(ctx: QueryContext, m: string, x: string): string[] {
  const cols = [`max(${m}) AS ${x}_max`, `sum(${m}) AS ${x}_sum`];
  if (ctx.caps.quantileExactInclusive) {
    for (const [stat, p] of QUANTILES) cols.push(`quantileExactInclusive(${p})(toFloat64(${m})) AS ${x}_${stat}`);
    cols.push(`quantileExactInclusive(0.5)(toFloat64(${m})) AS ${x}_perc50`);
    return cols;
  }
  const s = `${x}_sorted`;
  const n = `${x}_n`;
  cols.push(`arraySort(groupArray(toFloat64(${m}))) AS ${s}`, `length(${s}) AS ${n}`);
  for (const [stat, p] of QUANTILES) cols.push(`${arrayQuantile(s, n, p)} AS ${x}_${stat}`);
  cols.push(`${arrayMedian(s, n)} AS ${x}_perc50`);
  return cols;
}

const METRICS = ['a', 'b', 'c', 'd'] as const;

/** One query per group kind: columns w, n (groups), and per used metric x_max, x_sum, x_perc*. */
export function describeSql(ctx: QueryContext, kind: GroupKind, scope: Scope, windowSeconds: number, b: Binder): string | null {
  const g = groupedColumns(ctx, kind);
  if (g === null) return null;
  const keys = g.keys.map((k, i) => `${k} AS k${i}`).join(', ');
  const keyNames = g.keys.map((_, i) => `k${i}`).join(', ');
  const inner = `SELECT ${windowExpr(ctx, windowSeconds, b)} AS w, ${keys}, ${g.metrics[0]} AS a, ${g.metrics[1]} AS b, ${g.metrics[2]} AS c, ${g.metrics[3]} AS d ${fromWhere(ctx, scope, b, g.notNull)} GROUP BY w, ${keyNames}`;
  const cols = ['w', 'count() AS n'];
  METRIC_TARGETS[kind].forEach((target, i) => {
    if (target !== null) cols.push(...describeColumns(ctx, METRICS[i]!, METRICS[i]!));
  });
  // the sorted arrays are helpers of the quantile expressions, not results
  const outer = `SELECT ${cols.join(', ')} FROM (${inner}) GROUP BY w`;
  const keep = ['w', 'n'];
  METRIC_TARGETS[kind].forEach((target, i) => {
    if (target === null) return;
    const x = METRICS[i]!;
    keep.push(`${x}_max`, `${x}_sum`, `${x}_perc25`, `${x}_perc50`, `${x}_perc75`, `${x}_perc90`);
  });
  return `SELECT ${keep.join(', ')} FROM (${outer}) ORDER BY w`;
}

/** Descriptions per window start from the rows of `describeSql` for one kind. */
export function readDescriptions(kind: GroupKind, rows: readonly Row[], windowSeconds: number, into: Map<number, { groups: Partial<Record<GroupKind, number>>; describe: Partial<Record<RowsPerKey | DistinctPerKey, Description>> }>): void {
  for (const row of rows) {
    const start = num(row.w) * windowSeconds;
    let entry = into.get(start);
    if (!entry) into.set(start, (entry = { groups: {}, describe: {} }));
    const n = num(row.n);
    entry.groups[kind] = n;
    METRIC_TARGETS[kind].forEach((target, i) => {
      if (target === null) return;
      const x = METRICS[i]!;
      entry.describe[target] = {
        max: num(row[`${x}_max`]),
        mean: num(row[`${x}_sum`]) / n,
        perc25: num(row[`${x}_perc25`]),
        perc50: num(row[`${x}_perc50`]),
        perc75: num(row[`${x}_perc75`]),
        perc90: num(row[`${x}_perc90`]),
      };
    });
  }
}

