/**
 * Grafana Live: channel `ds/<uid>/features/<windowSeconds>[/<feature,feature…>]`. RunStream replays
 * the last few windows (of the files' data, or before now for a database store), then polls for new
 * flows and sends one frame (data-frame JSON) per window as soon as the window is complete, until
 * Grafana cancels the stream.
 */
import { FeaturePlan, WindowStream } from '../engine/features/index.js';
import { gatherRows } from '../engine/filter/index.js';
import type { FeaturesQuery } from '../query/index.js';
import { validateQuery, describeErrors } from '../query/index.js';
import { badRequest } from './grafana/errors.js';
import type { WindowAggregate } from '../engine/features/windowAggregate.js';
import type { Frame } from './grafana/frame.js';
import type { CallContext, StreamRequest, StreamSender, SubscribeStreamResult } from './grafana/types.js';
import type { FlowStore } from './store/store.js';
import type { FlowlensInstance } from './instance.js';
import { featuresToFrame } from './queries/features.js';

/** Windows replayed when a stream starts, so a new panel is not empty. */
export const BACKLOG_WINDOWS = 10;

export function parseStreamPath(path: string): FeaturesQuery {
  const parts = path.split('/');
  if (parts[0] !== 'features' || parts.length < 2 || parts.length > 3) {
    throw badRequest(`Unknown stream ${JSON.stringify(path)}: use features/<windowSeconds>[/<feature,feature>], e.g. features/10/num_entries.`);
  }
  const windowSeconds = Number(parts[1]);
  const raw: Record<string, unknown> = { queryType: 'features', windowSeconds };
  if (parts[2]) raw.features = parts[2].split(',').filter((s) => s !== '');
  const r = validateQuery(raw);
  if (!r.ok) throw badRequest(describeErrors(r.errors));
  return r.query as FeaturesQuery;
}

export async function subscribeFeatureStream(req: StreamRequest, instance: FlowlensInstance): Promise<SubscribeStreamResult> {
  try {
    parseStreamPath(req.path);
  } catch {
    return { status: 'NOT_FOUND' };
  }
  return { status: instance.store ? 'OK' : 'NOT_FOUND' };
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

function windowFrame(plan: FeaturePlan, agg: WindowAggregate, T: number): Frame {
  const values = plan.evaluate(agg);
  return featuresToFrame({ names: plan.names, time: new Float64Array([agg.start]), columns: [...values].map((v) => new Float64Array([v])) }, T);
}

/**
 * Stores that aggregate themselves (ClickHouse, fed live by collectors): ask for the windows from
 * the cursor on; every window but the newest is complete. Starts BACKLOG_WINDOWS before now.
 */
async function runPushedDown(store: FlowStore & Required<Pick<FlowStore, 'windowAggregates'>>, plan: FeaturePlan, T: number, ctx: CallContext, sender: StreamSender, interval: number, nowMs: () => number): Promise<void> {
  let cursor = (Math.floor(nowMs() / 1000 / T) - BACKLOG_WINDOWS) * T;
  while (!ctx.signal.aborted) {
    const aggs = (await store.windowAggregates({ range: { from: cursor, to: Infinity }, filter: {}, windowSeconds: T, multisets: plan.multisets, signal: ctx.signal })).sort((a, b) => a.start - b.start);
    const newest = aggs.length ? aggs[aggs.length - 1]!.start : -Infinity;
    for (const agg of aggs) {
      if (agg.start >= newest) break;
      await sender.sendFrame(windowFrame(plan, agg, T));
    }
    if (aggs.length) cursor = newest;
    await sleep(interval, ctx.signal);
  }
}

export async function runFeatureStream(req: StreamRequest, instance: FlowlensInstance, ctx: CallContext, sender: StreamSender, pollMs?: number, nowMs: () => number = Date.now): Promise<void> {
  const q = parseStreamPath(req.path);
  const store = instance.requireStore();
  const T = q.windowSeconds;
  const plan = new FeaturePlan(q.features);
  const interval = pollMs ?? Math.min(5000, Math.max(1000, T * 1000));
  if (store.windowAggregates) {
    return runPushedDown(store as FlowStore & Required<Pick<FlowStore, 'windowAggregates'>>, plan, T, ctx, sender, interval, nowMs);
  }
  const stream = new WindowStream(T, plan.aggregatorOptions());
  let cursor = -Infinity;
  let first = true;
  while (!ctx.signal.aborted) {
    const r = await store.read({ from: cursor, to: Infinity }, ctx.signal);
    instance.flowsRead.inc({ store: store.kind }, r.recordsRead);
    let table = r.table;
    if (first && table.length) {
      let max = -Infinity;
      for (let i = 0; i < table.length; i++) if (table.ts[i]! > max) max = table.ts[i]!;
      const start = (Math.floor(max / T) - BACKLOG_WINDOWS) * T;
      const keep = new Uint8Array(table.length);
      for (let i = 0; i < table.length; i++) keep[i] = table.ts[i]! >= start ? 1 : 0;
      table = gatherRows(table, keep);
    }
    first = false;
    // Only rows after the newest one already seen are new; ties at the cursor were taken before.
    let keep: Uint8Array | null = null;
    if (Number.isFinite(cursor)) {
      keep = new Uint8Array(table.length);
      for (let i = 0; i < table.length; i++) keep[i] = table.ts[i]! > cursor ? 1 : 0;
    }
    for (let i = 0; i < table.length; i++) if ((keep === null || keep[i]) && table.ts[i]! > cursor) cursor = table.ts[i]!;
    for (const agg of stream.push(table, keep)) await sender.sendFrame(windowFrame(plan, agg, T));
    await sleep(interval, ctx.signal);
  }
}
