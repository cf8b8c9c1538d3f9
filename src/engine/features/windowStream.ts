/**
 * Tumbling-window features from a growing stream of chunks (live streaming, and bounded memory
 * for sorted files). Rows wait until their window is complete — the stream's newest timestamp
 * has passed the window's end by `lateness` seconds — and only then are aggregated, so the
 * result equals `aggregateWindows` over all the data whenever no row arrives later than that.
 */
import { FlowTableBuilder, NO_CODE, OPTIONAL_COLUMNS, sliceTable, type FlowTable, type OptionalColumn } from '../flowTable.js';
import type { MultisetKey, WindowAggregate } from './windowAggregate.js';
import { aggregateWindows, WindowAggregator } from './aggregate.js';
import { checkWindowSeconds, windowNumber } from './windowIndex.js';

export interface WindowStreamOptions {
  /** Seconds the stream waits past a window's end before closing it (out-of-order tolerance). Default 0; Infinity = only at flush(). */
  lateness?: number;
  /** Compute the `distinct_*` multisets (default true); false when no distinct feature is wanted. */
  distinct?: boolean;
  /** Only these multisets in the emitted aggregates (default all): `FeaturePlan.multisets`. */
  multisets?: ReadonlySet<MultisetKey>;
  /** Sum the byte columns (default true): `FeaturePlan.needsBytes`. */
  bytes?: boolean;
}

export class WindowStream {
  readonly windowSeconds: number;
  readonly lateness: number;
  /** Rows dropped because their window had already been emitted (input more out of order than `lateness`). */
  lateRows = 0;
  private pending: FlowTableBuilder | null = null;
  private maxTs = -Infinity;
  /** Windows numbered below this have been emitted. */
  private closedBelow = -Infinity;
  private readonly aggregator: WindowAggregator;
  /** Whether the pending rows are in time order (so a sorted chunk can continue them). */
  private pendingSorted = true;
  /** Scratch for `emitBelow`: which pending rows are complete (reused, grown on demand). */
  private done = new Uint8Array(0);

  constructor(windowSeconds: number, opts: WindowStreamOptions = {}) {
    checkWindowSeconds(windowSeconds);
    const lateness = opts.lateness ?? 0;
    // Infinity holds every row until flush(): the batch result for input in any order
    if (!(lateness >= 0)) throw new RangeError(`lateness must be ≥ 0 seconds, got ${lateness}`);
    this.windowSeconds = windowSeconds;
    this.lateness = lateness;
    this.aggregator = new WindowAggregator({ distinct: opts.distinct ?? true, bytes: opts.bytes ?? true, ...(opts.multisets ? { multisets: opts.multisets } : {}) });
  }

  /** Rows waiting for their window to complete. */
  get pendingRows(): number {
    return this.pending?.length ?? 0;
  }

  /** Adds a chunk (rows with `keep[i] === 0` are ignored) and returns the windows it completed. */
  push(chunk: FlowTable, keep: Uint8Array | null = null): WindowAggregate[] {
    if (this.pendingRows === 0) this.pendingSorted = true;
    if (keep === null && this.pendingSorted && chunk.length > 0 && sortedFrom(chunk.ts, chunk.length, this.maxTs)) return this.pushSorted(chunk);
    this.pendingSorted = false;
    const b = this.builderFor(chunk);
    const T = this.windowSeconds;
    if (keep === null && this.noLateRows(chunk)) {
      // the common case (ordered input, no filter): column-wise copy
      b.appendTable(chunk);
    } else {
      for (let i = 0; i < chunk.length; i++) {
        if (keep !== null && keep[i] === 0) continue;
        const ts = chunk.ts[i]!;
        if (windowNumber(ts, T) < this.closedBelow) {
          this.lateRows++;
          continue;
        }
        if (ts > this.maxTs) this.maxTs = ts;
        copyRow(b, chunk, i);
      }
    }
    return this.emitBelow(Math.floor((this.maxTs - this.lateness) / T));
  }

  /**
   * A chunk in time order that starts at or after every row seen (time-ordered files, the common
   * case): its complete windows are aggregated where they lie, as views of the chunk, and only the
   * window the pending rows had open and the rows still open are copied. No row can be late: each
   * is at or after the newest seen, whose window is at or past the closed ones.
   */
  private pushSorted(chunk: FlowTable): WindowAggregate[] {
    const T = this.windowSeconds;
    const n = chunk.length;
    this.maxTs = chunk.ts[n - 1]!;
    const bound = Math.floor((this.maxTs - this.lateness) / T);
    // chunk rows [0, k) are in windows below `bound`: complete
    const k = firstWindowAtLeast(chunk.ts, n, T, bound);
    const pending = this.pending;
    if (k === 0 || bound <= this.closedBelow) {
      // nothing of the chunk completes: the pending rows may, as in any stream
      this.builderFor(chunk).appendTable(chunk);
      return this.emitBelow(bound);
    }
    this.closedBelow = bound;
    const out: WindowAggregate[] = [];
    let from = 0;
    if (pending !== null && pending.length > 0) {
      // every pending row is before chunk row 0, so complete; the window of the last one may go on
      // in the chunk: those rows join it, so that window is aggregated once, whole
      const open = windowNumber(pending.ts[pending.length - 1]!, T);
      from = firstWindowAtLeast(chunk.ts, k, T, open + 1);
      const b = this.builderFor(chunk);
      b.appendTable(chunk, 0, from);
      out.push(...aggregateWindows(sliceTable(b, 0, b.length), T, {}, this.aggregator));
      b.length = 0;
    }
    if (from < k) out.push(...aggregateWindows(sliceTable(chunk, from, k), T, {}, this.aggregator));
    if (k < n) this.builderFor(chunk).appendTable(chunk, k, n);
    return out;
  }

  /** Whether no row of `chunk` is late; updates the newest timestamp when so. */
  private noLateRows(chunk: FlowTable): boolean {
    const T = this.windowSeconds;
    const closedBelow = this.closedBelow;
    let max = this.maxTs;
    let lastTs = NaN;
    for (let i = 0; i < chunk.length; i++) {
      const ts = chunk.ts[i]!;
      // a repeated timestamp has the window just checked
      if (ts !== lastTs && windowNumber(ts, T) < closedBelow) return false;
      lastTs = ts;
      if (ts > max) max = ts;
    }
    this.maxTs = max;
    return true;
  }

  /** Closes every remaining window (end of input). */
  flush(): WindowAggregate[] {
    return this.emitBelow(Infinity);
  }

  private emitBelow(bound: number): WindowAggregate[] {
    if (bound <= this.closedBelow) return [];
    this.closedBelow = bound;
    const b = this.pending;
    if (b === null || b.length === 0) return [];
    const T = this.windowSeconds;
    const n = b.length;
    if (this.done.length < n) this.done = new Uint8Array(Math.max(n, 2 * this.done.length));
    const done = this.done;
    done.fill(0, 0, n); // markBelow only sets the complete rows
    const marked = markBelow(b.ts, n, T, bound, done);
    const count = Math.floor(marked / 2);
    const prefix = marked % 2 === 1;
    if (count === 0) return [];
    if (prefix) {
      // ordered input: the complete rows are a prefix, aggregated as a view, the rest moved down
      // when every pending row goes (flush, or lateness Infinity) the rows may be reordered in place
      const out = aggregateWindows(sliceTable(b, 0, count), T, { reorderInPlace: count === n }, this.aggregator);
      shiftDown(b, count);
      return out;
    }
    const out = aggregateWindows(b, T, { keep: done }, this.aggregator);
    compactKeeping(b, done);
    return out;
  }

  private builderFor(chunk: FlowTable): FlowTableBuilder {
    const cur = this.pending;
    const missing = OPTIONAL_COLUMNS.some((c) => chunk[c] !== null && !(cur?.columns.has(c) ?? false));
    if (cur !== null && cur.dicts !== chunk.dicts) throw new Error('WindowStream: every chunk must share the dictionaries of the first');
    if (cur !== null && !missing) return cur;
    const cols = new Set<OptionalColumn>(cur?.columns ?? []);
    for (const c of OPTIONAL_COLUMNS) if (chunk[c] !== null) cols.add(c);
    const next = new FlowTableBuilder(chunk.dicts, cols, Math.max(1024, (cur?.length ?? 0) + chunk.length));
    if (cur !== null) next.appendTable(cur);
    this.pending = next;
    return next;
  }
}

function copyRow(b: FlowTableBuilder, t: FlowTable, i: number): void {
  const j = b.addRow();
  b.ts[j] = t.ts[i]!;
  b.srcIp[j] = t.srcIp[i]!;
  b.dstIp[j] = t.dstIp[i]!;
  b.srcPort[j] = t.srcPort[i]!;
  b.dstPort[j] = t.dstPort[i]!;
  b.proto[j] = t.proto[i]!;
  if (b.state) b.state[j] = t.state ? t.state[i]! : NO_CODE;
  if (b.bytes) b.bytes[j] = t.bytes ? t.bytes[i]! : NaN;
  if (b.packets) b.packets[j] = t.packets ? t.packets[i]! : NaN;
  if (b.srcBytes) b.srcBytes[j] = t.srcBytes ? t.srcBytes[i]! : NaN;
  if (b.dstBytes) b.dstBytes[j] = t.dstBytes ? t.dstBytes[i]! : NaN;
  if (b.duration) b.duration[j] = t.duration ? t.duration[i]! : NaN;
  if (b.label) b.label[j] = t.label ? t.label[i]! : NO_CODE;
}

function columnsOf(b: FlowTableBuilder): (Float64Array | Int32Array | null)[] {
  return [b.ts, b.srcIp, b.dstIp, b.srcPort, b.dstPort, b.proto, b.state, b.bytes, b.packets, b.srcBytes, b.dstBytes, b.duration, b.label];
}

/** Drops the first `k` rows of the builder. */
function shiftDown(b: FlowTableBuilder, k: number): void {
  if (k < b.length) for (const c of columnsOf(b)) if (c !== null) c.copyWithin(0, k, b.length);
  b.length -= k;
}

/** Keeps the rows with `drop[i] === 0`, in order, at the front of the builder. */
function compactKeeping(b: FlowTableBuilder, drop: Uint8Array): void {
  const cols = columnsOf(b);
  let j = 0;
  for (let i = 0; i < b.length; i++) {
    if (drop[i] === 1) continue;
    if (i !== j) for (const c of cols) if (c !== null) c[j] = c[i]!;
    j++;
  }
  b.length = j;
}

/** Whether `ts[0…n)` never decreases and starts at or after `after` (NaN anywhere: false). */
function sortedFrom(ts: Float64Array, n: number, after: number): boolean {
  let prev = after;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (!(t >= prev)) return false;
    prev = t;
  }
  return true;
}

/** The first index of the sorted `ts[0…n)` whose window number is at least `w` (n when none). */
function firstWindowAtLeast(ts: Float64Array, n: number, T: number, w: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (windowNumber(ts[mid]!, T) >= w) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Marks the rows whose window is below `bound`; returns `count * 2 + (1 when they are the first
 * count rows)`. A function of its own so its loop stays optimized across calls (inside
 * emitBelow it was optimized on-stack and discarded at the loop exit on every chunk).
 */
function markBelow(ts: Float64Array, n: number, T: number, bound: number, done: Uint8Array): number {
  let count = 0;
  let prefix = 1;
  let lastTs = NaN;
  let below = false;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    // a repeated timestamp is in the window just numbered
    if (t !== lastTs) {
      below = windowNumber(t, T) < bound;
      lastTs = t;
    }
    if (below) {
      done[i] = 1;
      count++;
      if (count !== i + 1) prefix = 0;
    }
  }
  return count * 2 + prefix;
}
