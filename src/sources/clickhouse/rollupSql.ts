/**
 * The dst_ip, src_ip, dst_port and conn histograms from one scan. Rows are grouped once by
 * (window, dst, src, dst port), which leaves far fewer groups than rows (849 k of 10 M in the
 * bench), and each kind's per-group counts are rolled up from those groups inside each window's
 * arrays: sums by key with `sumMap`, distinct pairs as first occurrences (`arrayEnumerateUniq`).
 * The rows are exactly those of the per-kind branches (kind, w, a, b, c, d, n). On 10 M flows the
 * seed's four kinds take 2.5–2.8 s of server CPU instead of 3.6–4.1 s as four scans; the distinct
 * counts add little. A bounded range runs as runs of whole windows side by side (`RUNS`).
 */
import type { Binder } from './binder.js';
import { addressKey } from './expressions.js';
import { fromWhere, windowExpr, runConditions, windowRuns, type QueryContext, type Scope, type WindowRun } from './scope.js';
import { parseType } from './schema.js';
import type { MultisetKey } from '../../engine/features/windowAggregate.js';
import { GROUP_KINDS, readsMetric, type GroupKind } from './groupKinds.js';

/** The four kinds this query computes, in GROUP_KINDS order. */
const ROLLED = ['dst_ip', 'src_ip', 'dst_port', 'conn'] as const satisfies readonly GroupKind[];

/**
 * Runs of whole windows the query is cut into, as UNION ALL branches the server runs side by side.
 * The array stage after the GROUP BY w runs on one thread per branch; in two runs it takes both
 * cores of the bench server, and beside the totals query the push-down of all features on 10 M
 * flows takes 2.25 s instead of 2.7 s of wall time for the same CPU time (bench/clickhouse).
 */
const RUNS = 2;

/** A dst port no UInt16 column holds: a NULL port in the arrays. */
const NO_PORT = 65536;

/**
 * Window and dst port packed in one UInt64 key, (w − first window) · 2¹⁷ + port, when the run's
 * windows are known: the first GROUP BY then hashes three key columns instead of four (1.15 → 1.0
 * s of server CPU on 10 M flows). Exact while the run spans fewer than 2⁴⁶ windows.
 */
const PORT_SPAN = 131072;
const MAX_PACKED_WINDOWS = 2 ** 46;

/**
 * Whether the roll-up applies: addresses that are non-NULL numbers or already hashed text (so the
 * keys are the per-kind branches' keys), a UInt8/UInt16 dst port (so NO_PORT is free), and more
 * than one of the four kinds asked for (conn alone is one plain GROUP BY).
 */
export function rollupApplies(ctx: QueryContext, kinds: ReadonlySet<GroupKind>): boolean {
  const s = ctx.schema;
  const plainAddress = (c: typeof s.srcIp): boolean => !c.nullable && (c.address === 'string' || c.address === 'ipv4');
  if (!plainAddress(s.srcIp) || !plainAddress(s.dstIp) || s.dstPort === null) return false;
  if (!/^UInt(8|16)$/.test(parseType(s.dstPort.type).base)) return false;
  return ROLLED.filter((kind) => kinds.has(kind)).length > 1;
}

/**
 * Histogram rows of `kinds` (of the four; a metric no feature reads is 0). Value arrays per kind,
 * summed by key: 1 per group row (keeps every key, even when all sums are 0), then the metrics a…d
 * as the per-kind branches define them; a metric no feature reads is not summed at all (the
 * seed's features read 14 of the 21 sums: 2.18 → 1.96 s on one server thread for 10 M flows).
 */
export function rollupSql(ctx: QueryContext, scope: Scope, windowSeconds: number, b: Binder, kinds: ReadonlySet<GroupKind>, wanted?: ReadonlySet<MultisetKey>): string {
  const s = ctx.schema;
  const dp = s.dstPort!;
  const port = dp.nullable ? `ifNull(toUInt32(${dp.sql}), ${NO_PORT})` : `toUInt32(${dp.sql})`;
  const first = (keys: string): string => `arrayMap(f1 -> toUInt64(f1 = 1), arrayEnumerateUniq(${keys}))`;
  const firstWithPort = (keys: string): string => `arrayMap((f1, f2) -> toUInt64(f1 = 1) * f2, arrayEnumerateUniq(${keys}), PN)`;
  const onlyPorts = (values: string): string => `arrayFilter((z1, z2) -> z2 = 1, ${values}, PN)`;
  const perKind: Record<(typeof ROLLED)[number], { keys: string; metrics: string[] }> = {
    dst_ip: { keys: 'Da', metrics: ['CP', 'Ca', firstWithPort('Da, Pa'), first('Da, Sa')] },
    src_ip: { keys: 'Sa', metrics: ['CP', 'Ca', firstWithPort('Sa, Pa'), first('Sa, Da')] },
    dst_port: { keys: onlyPorts('Pa'), metrics: ['Ca', 'Ca', first('Pa, Da'), first('Pa, Sa')].map(onlyPorts) },
    conn: { keys: 'arrayMap((z1, z2) -> cityHash64(z1, z2), Da, Sa)', metrics: ['CP', 'PN'] },
  };
  const sums: string[] = [];
  const rows: string[] = [];
  ROLLED.forEach((kind, i) => {
    if (!kinds.has(kind)) return;
    const { keys, metrics } = perKind[kind];
    const read = metrics.flatMap((values, j) => (readsMetric(kind, j, wanted) ? [{ j, values }] : []));
    const ones = kind === 'dst_port' ? onlyPorts('ONE') : 'ONE';
    sums.push(`arrayReduce('sumMap', ${[keys, ones, ...read.map((x) => x.values)].map((v) => `[${v}]`).join(', ')}) AS m${i}`);
    // tuple element 2 holds the ones' sums (every key has one); the read metrics follow from 3
    const params = ['q0', ...read.map((x) => `q${x.j + 1}`)];
    const tuple = [0, 1, 2, 3].map((j) => (read.some((x) => x.j === j) ? `q${j + 1}` : 'toUInt64(0)'));
    const arrays = params.map((_, k) => `m${i}.${k + 2}`);
    rows.push(`arrayMap((${params.join(', ')}) -> (toUInt8(${GROUP_KINDS.indexOf(kind)}), ${tuple.join(', ')}), ${arrays.join(', ')})`);
  });
  const arrays = (port: string): string => `groupArray(gd) AS Da, groupArray(gs) AS Sa, groupArray(${port}) AS Pa, groupArray(gc) AS Ca`;
  const rolled = `arrayMap(z -> toUInt64(z != ${NO_PORT}), Pa) AS PN, arrayMap(z -> toUInt64(1), Da) AS ONE, arrayMap((z1, z2) -> z1 * z2, Ca, PN) AS CP, ${sums.join(', ')}`;
  const addresses = `${addressKey(s.dstIp)} AS gd, ${addressKey(s.srcIp)} AS gs`;
  const part = (run: WindowRun): string => {
    const w = `${windowExpr(ctx, windowSeconds, b)} AS w`;
    const where = fromWhere(ctx, run.scope, b, runConditions(run, b));
    const span = run.firstWindow === null ? NaN : Math.ceil(run.scope.to / windowSeconds) - run.firstWindow;
    let windowArrays: string;
    if (span < MAX_PACKED_WINDOWS) {
      const base = b.float(run.firstWindow!);
      const groups = `SELECT toUInt64((${w}) - ${base}) * ${PORT_SPAN} + ${port} AS wp, ${addresses}, count() AS gc ${where} GROUP BY wp, gd, gs`;
      windowArrays = `SELECT ${base} + toFloat64(intDiv(wp, ${PORT_SPAN})) AS w, ${arrays(`toUInt32(bitAnd(wp, ${PORT_SPAN - 1}))`)} FROM (${groups}) GROUP BY w`;
    } else {
      const groups = `SELECT ${w}, ${addresses}, ${port} AS gp, count() AS gc ${where} GROUP BY w, gd, gs, gp`;
      windowArrays = `SELECT w, ${arrays('gp')} FROM (${groups}) GROUP BY w`;
    }
    return (
      `SELECT kind, w, a, b, c, d, count() AS n FROM (SELECT w, arrayJoin(arrayConcat(${rows.join(', ')})) AS t, t.1 AS kind, t.2 AS a, t.3 AS b, t.4 AS c, t.5 AS d ` +
      `FROM (SELECT w, ${rolled} FROM (${windowArrays}))) GROUP BY kind, w, a, b, c, d`
    );
  };
  return windowRuns(scope, windowSeconds, RUNS).map(part).join(' UNION ALL ');
}
