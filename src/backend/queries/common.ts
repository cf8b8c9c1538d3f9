/**
 * What every query does before its own work: turn Grafana's time range into seconds, enforce the
 * data source's limits, read the store (counting flows read), and say in a notice what was skipped.
 */
import { CompiledFilter } from '../../engine/filter/index.js';
import type { FlowTable } from '../../engine/flowTable.js';
import type { FlowFilter } from '../../query/index.js';
import { badRequest, PluginError } from '../grafana/errors.js';
import type { Notice } from '../grafana/frame.js';
import type { CallContext, TimeRange } from '../grafana/types.js';
import type { FlowlensInstance } from '../instance.js';
import { SharedWork } from '../sharedWork.js';
import { tooManyFlows, type ReadResult, type TimeRangeSeconds } from '../store/store.js';

export function rangeSeconds(tr: TimeRange): TimeRangeSeconds {
  return { from: tr.fromMs / 1000, to: tr.toMs / 1000 };
}

export interface FlowsInRange extends ReadResult {
  range: TimeRangeSeconds;
  notices: Notice[];
}

/** The query's range in seconds, refused when empty or longer than the data source allows. */
export function checkedRange(instance: FlowlensInstance, timeRange: TimeRange): TimeRangeSeconds {
  const limits = instance.settings!.limits;
  const range = rangeSeconds(timeRange);
  if (!(range.to > range.from)) throw badRequest('The time range is empty: pick a range whose end is after its start.');
  if (range.to - range.from > limits.maxSpanSeconds) {
    throw badRequest(`The time range spans ${formatSpan(range.to - range.from)}, more than this data source allows (${formatSpan(limits.maxSpanSeconds)}): pick a shorter range.`);
  }
  return range;
}

export function checkRows(instance: FlowlensInstance, rows: number): void {
  const max = instance.settings!.limits.maxRows;
  if (rows > max) throw tooManyFlows(max);
}

/** Refuses work over more distinct hosts than the data source allows (`limits.maxHosts`). */
export function checkHosts(instance: FlowlensInstance, hosts: number, listed = false): void {
  const max = instance.settings!.limits.maxHosts;
  if (hosts > max && listed) {
    throw new PluginError(`The query lists ${hosts} hosts, more than this data source allows (${max} hosts): list fewer, or raise 'Max hosts'.`, 413, 'plugin');
  }
  if (hosts > max) {
    throw new PluginError(`The time range holds ${hosts} hosts, more than this data source allows (${max} hosts): narrow the filter or the time range, or raise 'Max hosts'.`, 413, 'plugin');
  }
}

/** Distinct source addresses of a table. */
export function countSources(t: FlowTable): number {
  const seen = new Uint8Array(t.dicts.ip.size);
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.srcIp[i]!;
    if (c >= 0 && !seen[c]) {
      seen[c] = 1;
      n++;
    }
  }
  return n;
}

/**
 * Reads of one query (keyed by its own CallContext), by range: a host-score query trained on its
 * own range reads that range for scoring and for training, and the second read parsed again every
 * file the cache could not hold and concatenated every row again.
 */
const requestReads = new WeakMap<CallContext, Map<string, Promise<ReadResult>>>();

/**
 * Reads in flight per data source, by range: a dashboard's panels ask for one range at once, and
 * each built its own copy of millions of rows (4 panels over 6 M flows held 1.55 GB, one 1 GB).
 */
const inFlight = new WeakMap<FlowlensInstance, SharedWork<ReadResult>>();

function readOnce(instance: FlowlensInstance, range: TimeRangeSeconds, ctx: CallContext): Promise<ReadResult> {
  let reads = requestReads.get(ctx);
  if (!reads) requestReads.set(ctx, (reads = new Map()));
  const key = `${range.from}/${range.to}`;
  let read = reads.get(key);
  if (!read) {
    let shared = inFlight.get(instance);
    if (!shared) inFlight.set(instance, (shared = new SharedWork()));
    const store = instance.requireStore();
    const maxRows = instance.settings!.limits.maxRows;
    const started = performance.now();
    read = shared
      .run(key, ctx.signal, async (signal) => {
        const r = await store.read(range, signal, maxRows);
        instance.flowsRead.inc({ store: store.kind }, r.recordsRead);
        return r;
      })
      .then((r) => {
        const total = readTotals.get(ctx) ?? { files: 0, flows: 0, readMs: 0 };
        readTotals.set(ctx, { files: total.files + r.filesRead, flows: total.flows + r.recordsRead, readMs: total.readMs + Math.round(performance.now() - started) });
        return r;
      });
    reads.set(key, read);
  }
  return read;
}

/** What a query's reads from the store cost, for the log line of a slow query. */
const readTotals = new WeakMap<CallContext, { files: number; flows: number; readMs: number }>();

/** The files and flows a query read and the time the reads took (none: an empty object). */
export function readsOf(ctx: CallContext): { files?: number; flows?: number; readMs?: number } {
  return readTotals.get(ctx) ?? {};
}

/** Reads the flows of the query's time range, within the data source's limits. */
export async function readFlows(instance: FlowlensInstance, timeRange: TimeRange, ctx: CallContext): Promise<FlowsInRange> {
  const range = checkedRange(instance, timeRange);
  const result = await readOnce(instance, range, ctx);
  checkRows(instance, result.table.length);
  const notices: Notice[] = [];
  if (result.skippedLines > 0) {
    const examples = result.skippedExamples.length ? ` First: ${result.skippedExamples.slice(0, 3).join('; ')}` : '';
    notices.push({ severity: 'warning', text: `${result.skippedLines} line${result.skippedLines === 1 ? '' : 's'} in the flow files could not be read and were skipped.${examples}` });
  }
  if (result.unreadableFiles.length) {
    const n = result.unreadableFiles.length;
    notices.push({ severity: 'warning', text: `${n} file${n === 1 ? '' : 's'} in the flow folder could not be read as flows and ${n === 1 ? 'was' : 'were'} left out: ${result.unreadableFiles.slice(0, 3).join('; ')}` });
  }
  if (result.empty) {
    notices.push({ severity: 'warning', text: "The flow folder holds no flows in any file: copy flow files into it, or check 'Root folder' in the data source settings (Save & test lists what it finds)." });
  }
  return { ...result, range, notices };
}

/**
 * The flows sent by `hosts` (every source when absent) that pass `filter`: pulled for just those
 * sources when the store can select them, else read and filtered here.
 */
export async function readHostFlows(instance: FlowlensInstance, timeRange: TimeRange, filter: FlowFilter, hosts: readonly string[] | undefined, ctx: CallContext): Promise<{ table: FlowTable; notices: Notice[] }> {
  const store = instance.requireStore();
  compileFilter(filter);
  if (store.hostFlows) {
    const range = checkedRange(instance, timeRange);
    // one row past the limit is enough to refuse: the server stops there, not at the table's end
    const table = await store.hostFlows({ range, filter, signal: ctx.signal, limit: instance.settings!.limits.maxRows + 1, ...(hosts ? { hosts } : {}) });
    instance.flowsRead.inc({ store: store.kind }, table.length);
    checkRows(instance, table.length);
    return { table, notices: [] };
  }
  const flows = await readFlows(instance, timeRange, ctx);
  return { table: applyFilter(flows.table, filter), notices: flows.notices };
}

/** Compiles a filter, turning a bad network into a 400 the user can act on. */
export function compileFilter(filter: FlowFilter | undefined): CompiledFilter {
  try {
    return new CompiledFilter(filter);
  } catch (err) {
    throw badRequest(`The filter is not valid: ${err instanceof Error ? err.message : String(err)}.`);
  }
}

export function applyFilter(table: FlowTable, filter: FlowFilter | undefined): FlowTable {
  return compileFilter(filter).apply(table);
}

export function formatSpan(seconds: number): string {
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds >= 86400) return unit(+(seconds / 86400).toFixed(1), 'day');
  if (seconds >= 3600) return unit(+(seconds / 3600).toFixed(1), 'hour');
  if (seconds >= 60) return unit(+(seconds / 60).toFixed(1), 'minute');
  return unit(+seconds.toFixed(1), 'second');
}
