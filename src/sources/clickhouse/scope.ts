/**
 * The rows one query looks at: the table, the time range and the filter, as a FROM … WHERE … that
 * every query shares. Also the window-number expression, `floor(ts / T)`, computed on the same
 * Float64 seconds as the in-process engine.
 */
import type { FlowFilter } from '../../query/filter.js';
import type { Binder } from './binder.js';
import type { Capabilities } from './capabilities.js';
import { tsSeconds } from './expressions.js';
import { filterConditions } from './filterSql.js';
import { quoteIdentifier } from './literal.js';
import type { TableSchema } from './schema.js';

export interface TableRef {
  database: string;
  table: string;
}

export interface Scope {
  /** Inclusive start, epoch seconds (−Infinity: unbounded). */
  from: number;
  /** Exclusive end, epoch seconds (Infinity: unbounded). */
  to: number;
  filter?: FlowFilter;
}

export interface QueryContext {
  ref: TableRef;
  schema: TableSchema;
  caps: Capabilities;
}

export function tableSql(ref: TableRef): string {
  return `${quoteIdentifier(ref.database)}.${quoteIdentifier(ref.table)}`;
}

const UINT32_MAX = 4294967295;

function timeConditions(ctx: QueryContext, scope: Scope, b: Binder): string[] {
  const col = ctx.schema.ts;
  const out: string[] = [];
  if (col.time.kind === 'datetime') {
    // integer seconds: ts >= from ⇔ c >= ceil(from), ts < to ⇔ c < ceil(to); on the raw column so
    // the primary key prunes parts
    const bound = (x: number): number => Math.min(UINT32_MAX, Math.max(0, Math.ceil(x)));
    if (Number.isFinite(scope.from) && scope.from > 0) out.push(`${col.sql} >= toDateTime(${b.int(bound(scope.from), 0, UINT32_MAX)})`);
    if (Number.isFinite(scope.to)) out.push(scope.to <= 0 ? '0' : `${col.sql} < toDateTime(${b.int(bound(scope.to), 0, UINT32_MAX)})`);
    return out;
  }
  const ts = tsSeconds(col);
  if (Number.isFinite(scope.from)) out.push(`${ts} >= ${b.float(scope.from)}`);
  if (Number.isFinite(scope.to)) out.push(`${ts} < ${b.float(scope.to)}`);
  return out;
}

/** `FROM db.table WHERE …` for the scope, plus extra conditions. */
export function fromWhere(ctx: QueryContext, scope: Scope, b: Binder, extra: readonly string[] = []): string {
  if (Number.isNaN(scope.from) || Number.isNaN(scope.to)) throw new RangeError('time range bounds must be numbers');
  const conds = [...timeConditions(ctx, scope, b), ...filterConditions(scope.filter, ctx.schema, ctx.caps, b), ...extra];
  return `FROM ${tableSql(ctx.ref)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`;
}

/** The window number of a row, `floor(ts / T)`. */
export function windowExpr(ctx: QueryContext, windowSeconds: number, b: Binder): string {
  if (!(windowSeconds > 0) || !Number.isFinite(windowSeconds)) throw new RangeError(`window length must be a positive number of seconds, got ${windowSeconds}`);
  return `floor(${tsSeconds(ctx.schema.ts)} / ${b.float(windowSeconds)})`;
}

/** One run of whole windows of a scope. */
export interface WindowRun {
  /** The scope narrowed to the run's windows, widened by one window each side. */
  scope: Scope;
  /**
   * Window numbers w of the run: firstWindow <= w < endWindow. Null: unbounded on that side
   * (firstWindow is set whenever the scope has a start).
   */
  firstWindow: number | null;
  endWindow: number | null;
}

/**
 * A scope cut into `runs` runs of whole windows: fewer when it spans fewer windows, one when it
 * is unbounded. The window numbers decide which run a row belongs to (`runConditions`), so a
 * window is never split between runs however ts / T rounds; the time bounds are widened by one
 * window beyond the run so that they only let the primary key prune.
 */
export function windowRuns(scope: Scope, windowSeconds: number, runs: number): WindowRun[] {
  const first = Math.floor(scope.from / windowSeconds);
  if (!Number.isFinite(first)) return [{ scope, firstWindow: null, endWindow: null }];
  // the window of the last instant before `to`; a rounding here only shifts a cut
  const windows = Math.max(first, Math.ceil(scope.to / windowSeconds) - 1) - first + 1;
  const n = Number.isFinite(windows) ? Math.max(1, Math.min(runs, windows)) : 1;
  const cuts = Array.from({ length: n - 1 }, (_, j) => first + Math.round(((j + 1) * windows) / n));
  return Array.from({ length: n }, (_, j) => {
    const firstWindow = j > 0 ? cuts[j - 1]! : first;
    const endWindow = j < n - 1 ? cuts[j]! : null;
    const from = j === 0 ? scope.from : Math.max(scope.from, (firstWindow - 1) * windowSeconds);
    const to = endWindow === null ? scope.to : Math.min(scope.to, (endWindow + 1) * windowSeconds);
    return { scope: { ...scope, from, to }, firstWindow, endWindow };
  });
}

/** The conditions on the window number (the query's alias `w`) that keep a run's rows. */
export function runConditions(run: WindowRun, b: Binder): string[] {
  return [...(run.firstWindow === null ? [] : [`w >= ${b.float(run.firstWindow)}`]), ...(run.endWindow === null ? [] : [`w < ${b.float(run.endWindow)}`])];
}

/** `lo`, `hi` (Float64 seconds, the window expression's) and `n` of the scope's rows, filter aside. */
export function extentSql(ctx: QueryContext, scope: Scope, b: Binder): string {
  const ts = tsSeconds(ctx.schema.ts);
  return `SELECT min(${ts}) AS lo, max(${ts}) AS hi, count() AS n ${fromWhere(ctx, { from: scope.from, to: scope.to }, b)}`;
}

/**
 * The scope with an open side closed at the rows' extent [lo, hi], so that it can be cut into
 * runs: the result is that of the table as the extent query saw it. Unchanged when there are no
 * rows, or when hi + T does not exceed hi (a window below the timestamps' resolution).
 */
export function closedScope(scope: Scope, windowSeconds: number, lo: number, hi: number, n: number): Scope {
  if (!(n > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return scope;
  const from = Number.isFinite(scope.from) ? scope.from : lo;
  const to = Number.isFinite(scope.to) ? scope.to : hi + windowSeconds;
  return to > hi ? { ...scope, from, to } : scope;
}
