/**
 * Push-down SQL for window aggregates (src/engine/features/windowAggregate.ts). Two queries:
 *
 * - totals per window: rows, distinct counts (a NULL counts as one value, like pandas unique()),
 *   per-state rows, byte sums;
 * - group-size histograms per window: for each key (dst_ip, src_ip, dst_port, conn) the
 *   per-group counts are computed server-side, then counted by value, so the plugin receives
 *   "g groups had sizes (a, b, c, d)" — a few rows per window however many flows it holds.
 *   Flows (5-tuples) are counted alike inside the totals scan (flowSql.ts).
 */
import { SEED_STATES } from '../../query/featureCatalog.js';
import type { Binder } from './binder.js';
import { addressKey, notNull, numberValue, textValue, valueKey } from './expressions.js';
import { fromWhere, windowExpr, type QueryContext, type Scope } from './scope.js';
import type { ValueColumn } from './schema.js';
import type { MultisetKey } from '../../engine/features/windowAggregate.js';
import { GROUP_KINDS, readsMetric, type GroupKind } from './groupKinds.js';
import { rollupApplies, rollupSql } from './rollupSql.js';
import { flowColumns } from './flowSql.js';


const ZERO = 'toUInt64(0)';

/** count(col) / uniqExact(col) of an optional column: 0 when the source lacks it. */
function countOf(col: { sql: string } | null): string {
  return col === null ? ZERO : `count(${col.sql})`;
}
/** uniqExact skips NULLs but yields NULL (not 0) for a group of only NULLs on some servers. */
function uniqOf(col: { sql: string; nullable: boolean } | null): string {
  if (col === null) return ZERO;
  return col.nullable ? `ifNull(uniqExact(${col.sql}), toUInt64(0))` : `uniqExact(${col.sql})`;
}

/** `len(unique())` with pandas' NaN-as-one-value; a column the source lacks is all-NaN: 1 value. */
function distinctWithMissing(col: { sql: string; nullable: boolean } | null): string {
  if (col === null) return 'toUInt64(1)';
  if (!col.nullable) return `uniqExact(${col.sql})`;
  return `(${uniqOf(col)} + toUInt64(countIf(isNull(${col.sql})) > 0))`;
}

/**
 * The missing-value part of `distinctWithMissing` only (1 when a NULL occurs): when the column's
 * histogram branch runs, its group count is the number of distinct non-NULL values, and a
 * `uniqExact` per window would count them again.
 */
function missingAsOne(col: { sql: string; nullable: boolean } | null): string {
  if (col === null) return 'toUInt64(1)';
  return col.nullable ? `toUInt64(countIf(isNull(${col.sql})) > 0)` : ZERO;
}

export interface GroupedColumns {
  /** Group key expressions (all must be non-NULL for a row to join a group). */
  keys: string[];
  notNull: string[];
  /** Up to four per-group counts, named a…d. */
  metrics: [string, string, string, string];
}

/**
 * The per-group counts of a kind, in the order `buildAggregates` reads them, with the ones no
 * wanted multiset reads replaced by 0 (null: the kind is not needed at all). The conn kind is
 * always computed: it also gives the connection count. The flow kind serves the describe()
 * push-down; window aggregates count flows in the totals query (flowSql.ts).
 */
export function groupedColumns(ctx: QueryContext, kind: GroupKind, wanted?: ReadonlySet<MultisetKey>): GroupedColumns | null {
  const g = allGroupedColumns(ctx, kind);
  if (g === null || wanted === undefined) return g;
  const metrics = g.metrics.map((m, i) => (readsMetric(kind, i, wanted) ? m : ZERO)) as GroupedColumns['metrics'];
  if (kind !== 'conn' && kind !== 'flow' && metrics.every((m) => m === ZERO)) return null;
  return { ...g, metrics };
}

function allGroupedColumns(ctx: QueryContext, kind: GroupKind): GroupedColumns | null {
  const s = ctx.schema;
  const di = { sql: addressKey(s.dstIp), nullable: s.dstIp.nullable };
  const si = { sql: addressKey(s.srcIp), nullable: s.srcIp.nullable };
  const dp = s.dstPort;
  const sp = s.srcPort;
  const nn = (...cols: ({ sql: string; nullable: boolean } | null)[]): string[] => cols.map((c) => (c ? notNull(c) : null)).filter((x): x is string => x !== null);
  // rows with a NULL key are filtered out first, so keys can drop Nullable: fixed-size keys let
  // the server use its fast hash tables
  const key = (c: { sql: string; nullable: boolean }): string => (c.nullable ? `assumeNotNull(${c.sql})` : c.sql);
  switch (kind) {
    case 'dst_ip':
      return { keys: [key(di)], notNull: nn(di), metrics: [countOf(dp), countOf(si), uniqOf(dp), uniqOf(si)] };
    case 'src_ip':
      return { keys: [key(si)], notNull: nn(si), metrics: [countOf(dp), countOf(di), uniqOf(dp), uniqOf(di)] };
    case 'dst_port':
      if (dp === null) return null;
      return { keys: [key(dp)], notNull: nn(dp), metrics: [countOf(di), countOf(si), uniqOf(di), uniqOf(si)] };
    case 'conn':
      return { keys: [key(di), key(si)], notNull: nn(di, si), metrics: [countOf(dp), uniqOf(dp), ZERO, ZERO] };
    case 'flow': {
      const pr = s.proto;
      if (dp === null || sp === null || pr === null) return null;
      const prKey = { sql: valueKey(pr), nullable: pr.nullable };
      return { keys: [key(di), key(si), key(dp), key(sp), key(prKey)], notNull: nn(di, si, dp, sp, pr), metrics: ['count()', ZERO, ZERO, ZERO] };
    }
  }
}

/**
 * One 64-bit key for a key of several parts. Addresses already travel as 64-bit hashes
 * (`addressKey`), so this adds no new kind of risk: two different keys of one window would have
 * to collide (≈ m²/2⁶⁵ for m groups, 3·10⁻¹⁰ at 10⁵ flows in a window). One fixed-size key keeps
 * the server on its fastest hash tables: a third less time for (dst_ip, src_ip) on 10 M flows,
 * half for the 5-tuple.
 */
function combinedKey(keys: readonly string[]): string {
  return keys.length === 1 ? keys[0]! : `cityHash64(${keys.join(', ')})`;
}

/** One branch: per (window, key) counts. */
function groupedSubquery(ctx: QueryContext, scope: Scope, windowSeconds: number, b: Binder, g: GroupedColumns): string {
  const keys = `${combinedKey(g.keys)} AS k0`;
  const keyNames = 'k0';
  const m = g.metrics;
  return `SELECT ${windowExpr(ctx, windowSeconds, b)} AS w, ${keys}, ${m[0]} AS a, ${m[1]} AS b, ${m[2]} AS c, ${m[3]} AS d ${fromWhere(ctx, scope, b, g.notNull)} GROUP BY w, ${keyNames}`;
}

/**
 * The kinds of the histogram query for these multisets (all of them without `wanted`); flows are
 * counted in the totals query (flowSql.ts).
 */
export function histogramKinds(ctx: QueryContext, wanted?: ReadonlySet<MultisetKey>): Set<GroupKind> {
  return new Set(GROUP_KINDS.filter((kind) => kind !== 'flow' && groupedColumns(ctx, kind, wanted) !== null));
}

/**
 * Columns: kind (index in GROUP_KINDS), w, a, b, c, d, n — n groups have the per-group counts
 * (a, b, c, d).
 */
export function histogramSql(ctx: QueryContext, scope: Scope, windowSeconds: number, b: Binder, wanted?: ReadonlySet<MultisetKey>): string {
  const kinds = histogramKinds(ctx, wanted);
  if (rollupApplies(ctx, kinds)) return rollupSql(ctx, scope, windowSeconds, b, kinds, wanted);
  const branches: string[] = [];
  GROUP_KINDS.forEach((kind, index) => {
    const g = kinds.has(kind) ? groupedColumns(ctx, kind, wanted) : null;
    if (g === null) return;
    branches.push(
      `SELECT toUInt8(${index}) AS kind, w, toUInt64(a) AS a, toUInt64(b) AS b, toUInt64(c) AS c, toUInt64(d) AS d, count() AS n FROM (${groupedSubquery(ctx, scope, windowSeconds, b, g)}) GROUP BY w, a, b, c, d`,
    );
  });
  return branches.join(' UNION ALL ');
}

function stateCounts(col: ValueColumn | null, b: Binder): string[] {
  // a condition on a Nullable column is NULL for NULL rows, and countIf over only NULLs is NULL on 18.16
  const cond = (name: string): string => (col!.nullable ? `ifNull(${textValue(col!)} = ${b.string(name)}, 0)` : `${textValue(col!)} = ${b.string(name)}`);
  return SEED_STATES.map((name, i) => (col === null ? `${ZERO} AS s${i}` : `countIf(${cond(name)}) AS s${i}`));
}

function byteSums(ctx: QueryContext): string[] {
  const s = ctx.schema;
  const sum = (expr: string | null, alias: string): string => (expr === null ? `NULL AS ${alias}` : `sum(${expr}) AS ${alias}`);
  const up = s.srcBytes ? numberValue(s.srcBytes) : null;
  const down = s.dstBytes ? numberValue(s.dstBytes) : null;
  const total = s.bytes ? numberValue(s.bytes) : up !== null && down !== null ? `(${up} + ${down})` : null;
  return [sum(up, 'up'), sum(down, 'down'), sum(total, 'total')];
}

/**
 * Columns: w, entries, dp, sp, di, si (distinct counts), s0…s5 (seed states), up, down, total,
 * and with `withFlows` fj, fn (flowSql.ts). For a kind in `fromHistograms` (dst_port → dp,
 * dst_ip → di, src_ip → si) the column holds only the missing-value part; the histogram's group
 * count adds the rest (`buildAggregates`).
 */
export function totalsSql(ctx: QueryContext, scope: Scope, windowSeconds: number, b: Binder, fromHistograms: ReadonlySet<GroupKind> = new Set(), withFlows = false): string {
  const s = ctx.schema;
  const distinct = (kind: GroupKind, col: { sql: string; nullable: boolean } | null): string => (fromHistograms.has(kind) ? missingAsOne(col) : distinctWithMissing(col));
  const cols = [
    `${windowExpr(ctx, windowSeconds, b)} AS w`,
    'count() AS entries',
    `${distinct('dst_port', s.dstPort)} AS dp`,
    `${distinctWithMissing(s.srcPort)} AS sp`,
    `${distinct('dst_ip', { sql: addressKey(s.dstIp), nullable: s.dstIp.nullable })} AS di`,
    `${distinct('src_ip', { sql: addressKey(s.srcIp), nullable: s.srcIp.nullable })} AS si`,
    ...stateCounts(s.state, b),
    ...byteSums(ctx),
    ...(withFlows ? flowColumns(ctx) : []),
  ];
  return `SELECT ${cols.join(', ')} ${fromWhere(ctx, scope, b)} GROUP BY w ORDER BY w`;
}
