/**
 * One call from a flow table to a feature frame, for callers that hold the rows (the backend's
 * `features` query, tests): filter → time range → windows → features, with optional zero-filled
 * windows. Streaming callers use WindowStream + FeaturePlan instead.
 */
import type { FlowTable } from '../flowTable.js';
import type { FlowFilter } from '../../query/filter.js';
import { CompiledFilter } from '../filter/flowFilter.js';
import { aggregateWindowsSteps, emptyAggregate, WindowAggregator } from './aggregate.js';
import { computeFeaturesSteps, FeaturePlan, type FeatureColumns } from './compute.js';
import { runSteps, type Steps } from '../steps.js';
import type { WindowAggregate } from './windowAggregate.js';

export interface FeatureFrameOptions {
  windowSeconds: number;
  /** Catalog names; output columns follow this order. */
  features: readonly string[];
  filter?: FlowFilter;
  /** Keep flows with `from <= ts < to` (epoch seconds). */
  from?: number;
  to?: number;
  /** Add windows without flows: between the first and last window, or over [from, to) when both are finite. */
  fillEmpty?: boolean;
}

/** Keep-mask for a filter and a time range; null when every row is kept. */
export function keepMask(table: FlowTable, filter: CompiledFilter, from = -Infinity, to = Infinity): Uint8Array | null {
  let keep = filter.keepMask(table);
  if (from > -Infinity || to < Infinity) {
    keep ??= new Uint8Array(table.length).fill(1);
    for (let i = 0; i < table.length; i++) {
      const t = table.ts[i]!;
      if (t < from || t >= to) keep[i] = 0;
    }
  }
  return keep;
}

/**
 * Inserts an empty aggregate for every window with no flows in `[firstWindow, endWindow)` (window
 * numbers, `start = number · T`); windows present keep their aggregate. Byte columns of empty
 * windows follow the columns the present windows have.
 */
export function fillEmptyWindows(aggs: readonly WindowAggregate[], windowSeconds: number, firstWindow: number, endWindow: number): WindowAggregate[] {
  return runSteps(fillEmptyWindowsSteps(aggs, windowSeconds, firstWindow, endWindow));
}

const FILLED_PER_STEP = 8192;

/** `fillEmptyWindows` as steps: a pause point every few thousand windows. */
export function* fillEmptyWindowsSteps(aggs: readonly WindowAggregate[], windowSeconds: number, firstWindow: number, endWindow: number): Steps<WindowAggregate[]> {
  const T = windowSeconds;
  const like = aggs[0];
  const bytes = { up: like?.bytesUp != null, down: like?.bytesDown != null, total: like?.bytesTotal != null };
  const out: WindowAggregate[] = [];
  let k = 0;
  for (let w = firstWindow; w < endWindow; w++) {
    if ((w - firstWindow) % FILLED_PER_STEP === FILLED_PER_STEP - 1) yield;
    while (k < aggs.length && Math.round(aggs[k]!.start / T) < w) out.push(aggs[k++]!);
    if (k < aggs.length && Math.round(aggs[k]!.start / T) === w) out.push(aggs[k++]!);
    else out.push(emptyAggregate(w * T, bytes));
  }
  while (k < aggs.length) out.push(aggs[k++]!);
  return out;
}

export function featureFrame(table: FlowTable, opts: FeatureFrameOptions): FeatureColumns {
  return runSteps(featureFrameSteps(table, opts));
}

/** `featureFrame` as steps (aggregation, zero fill and feature evaluation all pause). */
export function* featureFrameSteps(table: FlowTable, opts: FeatureFrameOptions): Steps<FeatureColumns> {
  const T = opts.windowSeconds;
  const filter = new CompiledFilter(opts.filter);
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  const aggregator = new WindowAggregator(new FeaturePlan(opts.features).aggregatorOptions());
  let aggs = yield* aggregateWindowsSteps(table, T, { keep: keepMask(table, filter, from, to) }, aggregator);
  if (opts.fillEmpty) {
    const bounded = Number.isFinite(from) && Number.isFinite(to);
    if (bounded) aggs = yield* fillEmptyWindowsSteps(aggs, T, Math.floor(from / T), Math.ceil(to / T));
    else if (aggs.length) aggs = yield* fillEmptyWindowsSteps(aggs, T, Math.round(aggs[0]!.start / T), Math.round(aggs[aggs.length - 1]!.start / T) + 1);
  }
  return yield* computeFeaturesSteps(aggs, opts.features);
}
