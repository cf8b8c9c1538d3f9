/**
 * `features`: the seed's per-window batch features as one wide time-series frame — `time` plus
 * one float64 field per feature, in the order the query lists them (dataplane timeseries-wide).
 */
import { computeFeaturesSteps, FeaturePlan, featureFrameSteps, fillEmptyWindowsSteps, type FeatureColumns } from '../../engine/features/index.js';
import type { FeaturesQuery } from '../../query/index.js';
import { badRequest, throwIfAborted } from '../grafana/errors.js';
import { float64Field, secondsToNanos, timeField, type Float64Field, type Frame, type Notice } from '../grafana/frame.js';
import { runInSlices } from '../grafana/timeSlices.js';
import type { CallContext, DataQuery } from '../grafana/types.js';
import type { FlowlensInstance } from '../instance.js';
import { checkedRange, compileFilter, readFlows } from './common.js';

/** Windows a query may fill with empty rows: each is a row of every feature, held in memory. */
export const MAX_FILLED_WINDOWS = 200_000;

/**
 * A feature column as a field: a value that does not exist (describe() of an empty window, bytes
 * of a format without byte columns; NaN in the engine) is null, as the CLI prints it empty, rather
 * than a NaN a panel or an alert would take for a number.
 */
function featureField(name: string, values: Float64Array): Float64Field {
  const opts = { labels: { feature: name }, config: { displayNameFromDS: name } };
  if (!values.some(Number.isNaN)) return float64Field(name, values, opts);
  const valid = new Uint8Array(values.length);
  const clean = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === v) {
      valid[i] = 1;
      clean[i] = v;
    }
  }
  return float64Field(name, clean, { ...opts, nullable: true, valid });
}

/** Refuses a fill that would build more rows than a panel can use or the process can hold. */
function checkFill(q: FeaturesQuery, from: number, to: number): void {
  if (!q.fillEmpty) return;
  const T = q.windowSeconds;
  const windows = Math.ceil(to / T) - Math.floor(from / T);
  if (windows > MAX_FILLED_WINDOWS) {
    const shortest = Math.ceil((to - from) / MAX_FILLED_WINDOWS);
    throw badRequest(`Fill empty windows would make ${windows} windows of ${T} s over this range (at most ${MAX_FILLED_WINDOWS}): use a window of at least ${shortest} s, a shorter range, or turn off 'Fill empty windows'.`);
  }
}

export function featuresToFrame(cols: { names: readonly string[]; time: Float64Array; columns: Float64Array[] }, windowSeconds: number, notices: Notice[] = []): Frame {
  return {
    name: 'features',
    meta: { type: 'timeseries-wide', typeVersion: [0, 1], ...(notices.length ? { notices } : {}) },
    fields: [
      timeField('time', secondsToNanos(cols.time), { interval: windowSeconds * 1000 }),
      // A label per feature keeps series distinct when an alert rule reads several features at once
      // (ngalert refuses two series with the same label set); the display name keeps legends plain.
      ...cols.names.map((name, j) => featureField(name, cols.columns[j]!)),
    ],
  };
}

/** Window aggregates computed by the store itself (ClickHouse): only group sizes travel. */
async function pushedDown(q: FeaturesQuery, dq: DataQuery, instance: FlowlensInstance, ctx: CallContext): Promise<FeatureColumns | null> {
  const store = instance.requireStore();
  if (!store.windowAggregates) return null;
  const range = checkedRange(instance, dq.timeRange);
  checkFill(q, range.from, range.to);
  const T = q.windowSeconds;
  let aggs = await store.windowAggregates({ range, filter: q.filter, windowSeconds: T, multisets: new FeaturePlan(q.features).multisets, signal: ctx.signal });
  instance.flowsRead.inc({ store: store.kind }, aggs.reduce((s, a) => s + a.entries, 0));
  if (q.fillEmpty) aggs = await runInSlices(fillEmptyWindowsSteps(aggs, T, Math.floor(range.from / T), Math.ceil(range.to / T)), ctx.signal);
  return runInSlices(computeFeaturesSteps(aggs, q.features), ctx.signal);
}

export async function featuresQuery(q: FeaturesQuery, dq: DataQuery, instance: FlowlensInstance, ctx: CallContext): Promise<Frame[]> {
  compileFilter(q.filter); // a bad filter is the user's to fix, before any reading
  const notices: Notice[] = [];
  let cols = await pushedDown(q, dq, instance, ctx);
  if (!cols) {
    const range = checkedRange(instance, dq.timeRange);
    checkFill(q, range.from, range.to);
    const flows = await readFlows(instance, dq.timeRange, ctx);
    throwIfAborted(ctx.signal);
    cols = await runInSlices(featureFrameSteps(flows.table, {
      windowSeconds: q.windowSeconds,
      features: q.features,
      filter: q.filter,
      from: flows.range.from,
      to: flows.range.to,
      fillEmpty: q.fillEmpty,
    }), ctx.signal);
    notices.push(...flows.notices);
  }
  if (cols.time.length > dq.maxDataPoints && dq.maxDataPoints > 0) {
    notices.push({ severity: 'info', text: `${cols.time.length} windows exceed the panel's ${dq.maxDataPoints} data points: use a longer window to thin them out.` });
  }
  if (cols.time.length === 0) {
    // Dataplane no-data: one typed frame without fields. Fields of zero rows would read as one
    // empty series per feature, which an alert rule reduces to NaN (Alerting, or Normal under newer
    // thresholds) instead of taking its No Data path when a sensor goes quiet.
    return [{ name: 'features', meta: { type: 'timeseries-wide', typeVersion: [0, 1], ...(notices.length ? { notices } : {}) }, fields: [] }];
  }
  return [featuresToFrame(cols, q.windowSeconds, notices)];
}
