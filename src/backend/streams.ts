/**
 * Grafana Live: channel `ds/<uid>/features/<windowSeconds>[/<feature,feature…>]`. RunStream replays
 * the last few windows (before the newest flow of the files being written, or before now for a
 * database store), then polls for new flows and sends one frame (data-frame JSON) per window as
 * soon as the window is complete, until Grafana cancels the stream. A store error is logged and the poll retried with backoff (the
 * stream keeps its place); flows stamped more than an hour (or two windows) past the clock are ignored.
 */
import { aggregateWindows, FeaturePlan, WindowAggregator } from '../engine/features/index.js';
import type { FeaturesQuery } from '../query/index.js';
import { validateQuery, describeErrors } from '../query/index.js';
import { badRequest } from './grafana/errors.js';
import type { WindowAggregate } from '../engine/features/windowAggregate.js';
import { frameToJSON } from './grafana/frameJson.js';
import type { CallContext, StreamRequest, StreamSender, SubscribeStreamResult } from './grafana/types.js';
import type { FlowStore, ReadOptions } from './store/store.js';
import type { FlowlensInstance } from './instance.js';
import { checkRows } from './queries/common.js';
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

/** The windows a channel sent last (at most BACKLOG_WINDOWS), for panels that join it later. */
interface RecentWindows {
  names: readonly string[];
  T: number;
  starts: number[];
  values: Float64Array[];
}

/**
 * Per data source instance and channel path. Grafana runs one RunStream per channel: a panel that
 * subscribes while it runs gets only SubscribeStream's initial data, so without these windows it
 * started empty (the replay went to the first panel only).
 */
const recent = new WeakMap<FlowlensInstance, Map<string, RecentWindows>>();

function remember(instance: FlowlensInstance, path: string, plan: FeaturePlan, T: number, start: number, values: Float64Array): void {
  let channels = recent.get(instance);
  if (!channels) recent.set(instance, (channels = new Map()));
  let w = channels.get(path);
  if (!w) channels.set(path, (w = { names: plan.names, T, starts: [], values: [] }));
  w.starts.push(start);
  w.values.push(values);
  if (w.starts.length > BACKLOG_WINDOWS) {
    w.starts.shift();
    w.values.shift();
  }
}

export async function subscribeFeatureStream(req: StreamRequest, instance: FlowlensInstance): Promise<SubscribeStreamResult> {
  try {
    parseStreamPath(req.path);
  } catch {
    return { status: 'NOT_FOUND' };
  }
  if (!instance.store) return { status: 'NOT_FOUND' };
  const w = recent.get(instance)?.get(req.path);
  if (!w || w.starts.length === 0) return { status: 'OK' };
  const columns = w.names.map((_, j) => Float64Array.from(w.values, (v) => v[j]!));
  return { status: 'OK', initialData: frameToJSON(featuresToFrame({ names: w.names, time: Float64Array.from(w.starts), columns }, w.T)) };
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    // a cancel that came while the last poll was finishing: no timer, no extra interval alive
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * How far past the wall clock a flow may be stamped and still move the stream on: one flow from
 * an exporter with a wrong clock (2053) would otherwise close every window up to it, and the
 * real traffic after it would never be sent.
 */
export function futureLimit(nowMs: number, T: number): number {
  return nowMs / 1000 + Math.max(3600, 2 * T);
}

/** Longest wait between polls after store errors (doubling from the poll interval). */
const MAX_BACKOFF_MS = 60_000;

/**
 * One poll, with a store error kept inside the stream: ending RunStream makes Grafana run it
 * again, which replays the backlog into a panel that already has it (windows twice, out of order).
 * Returns whether the poll succeeded; after a cancel the stream ends quietly whatever the poll threw.
 */
async function polled(ctx: CallContext, poll: () => Promise<void>): Promise<boolean> {
  try {
    await poll();
    return true;
  } catch (err) {
    // cancelled meanwhile: whatever the poll failed with, the stream just ends
    if (ctx.signal.aborted) return false;
    ctx.logger.warn('Feature stream poll failed; retrying', { error: err instanceof Error ? err.message : String(err) });
    return false;
  }
}

/** Sends one window as a frame, and remembers it for panels that join the channel later. */
type SendWindow = (agg: WindowAggregate) => Promise<void>;

function windowSender(instance: FlowlensInstance, path: string, plan: FeaturePlan, T: number, sender: StreamSender): SendWindow {
  return async (agg) => {
    const values = Float64Array.from(plan.evaluate(agg));
    remember(instance, path, plan, T, agg.start, values);
    await sender.sendFrame(featuresToFrame({ names: plan.names, time: new Float64Array([agg.start]), columns: [...values].map((v) => new Float64Array([v])) }, T));
  };
}

/**
 * Stores that aggregate themselves (ClickHouse, fed live by collectors): ask for the windows from
 * the cursor on; every window but the newest is complete. Starts BACKLOG_WINDOWS before now.
 */
async function runPushedDown(store: FlowStore & Required<Pick<FlowStore, 'windowAggregates'>>, instance: FlowlensInstance, plan: FeaturePlan, T: number, ctx: CallContext, send: SendWindow, interval: number, nowMs: () => number): Promise<void> {
  let cursor = (Math.floor(nowMs() / 1000 / T) - BACKLOG_WINDOWS) * T;
  const maxSpan = instance.settings!.limits.maxSpanSeconds;
  let wait = interval;
  while (!ctx.signal.aborted) {
    const ok = await polled(ctx, async () => {
      // windows stamped past the clock (a wrong exporter clock) are not news and never move the cursor
      const now = nowMs() / 1000;
      // within the data source's longest span, as any query (fewer backlog windows of a long window),
      // anchored on the clock so the allowance for clocks ahead does not eat the span
      const from = Math.max(cursor, (Math.floor((now - maxSpan) / T) + 1) * T);
      const to = Math.min(futureLimit(nowMs(), T), from + maxSpan);
      const aggs = (await store.windowAggregates({ range: { from, to }, filter: {}, windowSeconds: T, multisets: plan.multisets, signal: ctx.signal })).sort((a, b) => a.start - b.start);
      const newest = aggs.length ? aggs[aggs.length - 1]!.start : -Infinity;
      for (const agg of aggs) {
        if (agg.start >= newest) break;
        await send(agg);
      }
      if (aggs.length) cursor = newest;
    });
    wait = ok ? interval : Math.min(MAX_BACKOFF_MS, wait * 2);
    await sleep(wait, ctx.signal);
  }
}

/**
 * Files modified this long before a stream starts (plus its backlog's span) are left to the
 * archive: an exporter writes a flow within seconds to minutes of its start.
 */
const RECENT_MS = 3_600_000;

/**
 * Where a file-store stream starts: BACKLOG_WINDOWS windows before the newest flow, so a new panel
 * is not empty. It follows the files written lately, when there are any: the archive beside them
 * (months of rotated files) is neither parsed nor counted against 'Max bytes read', at the start
 * or at any poll. A folder with none (an archive, a demo) is replayed from its newest flow. The
 * newest flow is found a file at a time; only the backlog's windows are then read.
 */
async function streamStart(store: FlowStore, T: number, ctx: CallContext, nowMs: number): Promise<{ sentBelow: number; options: ReadOptions } | undefined> {
  const notAfter = futureLimit(nowMs, T);
  const newestIn = async (options: ReadOptions): Promise<number> => {
    if (store.newestFlow) return store.newestFlow(notAfter, ctx.signal, options);
    const { table } = await store.read({ from: -Infinity, to: Infinity }, ctx.signal, undefined, options);
    let newest = -Infinity;
    for (let i = 0; i < table.length; i++) if (table.ts[i]! > newest && table.ts[i]! <= notAfter) newest = table.ts[i]!;
    return newest;
  };
  let options: ReadOptions = { modifiedSinceMs: nowMs - RECENT_MS - BACKLOG_WINDOWS * T * 1000 };
  let newest = await newestIn(options);
  if (newest === -Infinity) {
    options = {};
    newest = await newestIn(options);
  }
  return newest === -Infinity ? undefined : { sentBelow: Math.floor(newest / T) - BACKLOG_WINDOWS, options };
}

/**
 * File stores: every poll reads the flows of the windows not sent yet (the open tail) and
 * aggregates them afresh, then sends the windows the data has passed. Nothing is counted twice and
 * nothing in an open window is lost: flows appended with the same second as the newest, a second
 * file that lags, a half-written last line completed later all land in their window as the
 * features query would count them. A window is sent once; a flow arriving after its window was
 * sent cannot change what the panel already shows.
 */
async function runOverFiles(store: FlowStore, instance: FlowlensInstance, plan: FeaturePlan, T: number, ctx: CallContext, send: SendWindow, interval: number, nowMs: () => number): Promise<void> {
  const aggregator = new WindowAggregator(plan.aggregatorOptions());
  /** Windows numbered below this have been sent (or lie before the backlog); unset before the first flow. */
  let start: { sentBelow: number; options: ReadOptions } | undefined;
  let wait = interval;
  while (!ctx.signal.aborted) {
    const ok = await polled(ctx, async () => {
      start ??= await streamStart(store, T, ctx, nowMs());
      if (!start) return;
      const r = await store.read({ from: start.sentBelow * T, to: Infinity }, ctx.signal, instance.settings!.limits.maxRows, start.options);
      instance.flowsRead.inc({ store: store.kind }, r.recordsRead);
      const table = r.table;
      const limit = futureLimit(nowMs(), T);
      let maxTs = -Infinity;
      for (let i = 0; i < table.length; i++) {
        const ts = table.ts[i]!;
        if (ts > maxTs && ts <= limit) maxTs = ts;
      }
      // complete: every window before the newest flow's
      const closeBelow = Math.floor(maxTs / T);
      if (!(closeBelow > start.sentBelow)) return;
      const from = start.sentBelow * T;
      const to = closeBelow * T;
      const keep = new Uint8Array(table.length);
      let kept = 0;
      for (let i = 0; i < table.length; i++) {
        keep[i] = table.ts[i]! >= from && table.ts[i]! < to ? 1 : 0;
        kept += keep[i]!;
      }
      // the windows aggregated hold no more flows than a query may (refused, logged and retried)
      checkRows(instance, kept);
      const aggs = aggregateWindows(table, T, { keep }, aggregator);
      start.sentBelow = closeBelow;
      for (const agg of aggs) await send(agg);
    });
    wait = ok ? interval : Math.min(MAX_BACKOFF_MS, wait * 2);
    await sleep(wait, ctx.signal);
  }
}

export async function runFeatureStream(req: StreamRequest, instance: FlowlensInstance, ctx: CallContext, sender: StreamSender, pollMs?: number, nowMs: () => number = Date.now): Promise<void> {
  const q = parseStreamPath(req.path);
  const store = instance.requireStore();
  const T = q.windowSeconds;
  const plan = new FeaturePlan(q.features);
  const interval = pollMs ?? Math.min(5000, Math.max(1000, T * 1000));
  const send = windowSender(instance, req.path, plan, T, sender);
  try {
    if (store.windowAggregates) {
      return await runPushedDown(store as FlowStore & Required<Pick<FlowStore, 'windowAggregates'>>, instance, plan, T, ctx, send, interval, nowMs);
    }
    return await runOverFiles(store, instance, plan, T, ctx, send, interval, nowMs);
  } finally {
    // initial data is for panels joining a running channel; a new run replays its own backlog
    recent.get(instance)?.delete(req.path);
  }
}
