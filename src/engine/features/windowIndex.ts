/**
 * Buckets rows by tumbling window without sorting rows: one pass computes each row's window
 * number, a counting sort (stable, so rows keep input order inside a window) groups them.
 */
import { lowerBound } from '../search.js';
import { runSteps, type Steps } from '../steps.js';

/** Rows of a table grouped by window, windows ascending. */
export interface WindowBuckets {
  /** Window numbers `floor(ts / T)`, ascending, one per non-empty window. */
  windows: Float64Array;
  /** `offsets[k]…offsets[k+1]` index into `rows` for window k. */
  offsets: Int32Array;
  /** Row indices grouped by window; null when the input was already in window order (identity). */
  rows: Int32Array | null;
}

/** `floor(ts / T)`; a timestamp that is not finite is a reader bug, so it fails loudly. */
export function windowNumber(ts: number, windowSeconds: number): number {
  const w = Math.floor(ts / windowSeconds);
  if (!Number.isFinite(w)) throw new RangeError(`flow timestamp ${ts} is not a finite number of seconds`);
  return w;
}

export function checkWindowSeconds(windowSeconds: number): void {
  if (!(windowSeconds > 0) || !Number.isFinite(windowSeconds)) {
    throw new RangeError(`window length must be a positive number of seconds, got ${windowSeconds}`);
  }
}

/**
 * Groups the rows `keep` selects (all when null) by window. Dense window ranges use a counting
 * sort over the range; sparse ranges (years of data with few flows) rank the distinct window
 * numbers first so memory stays proportional to the rows. `scratch`, when long enough, holds the
 * per-row window numbers instead of a new array (a stream buckets every chunk).
 */
export function bucketByWindow(ts: Float64Array, length: number, windowSeconds: number, keep: Uint8Array | null = null, scratch: Float64Array | null = null): WindowBuckets {
  return runSteps(bucketByWindowSteps(ts, length, windowSeconds, keep, scratch));
}

/**
 * `bucketByWindow` with a pause point between its passes over the rows: out-of-order millions of
 * rows take several passes, each a step of its own on a server that must answer other requests.
 */
export function* bucketByWindowSteps(ts: Float64Array, length: number, windowSeconds: number, keep: Uint8Array | null = null, scratch: Float64Array | null = null): Steps<WindowBuckets> {
  checkWindowSeconds(windowSeconds);
  // the window number of each row; only read here, so a caller's scratch can hold it
  const win = scratch !== null && scratch.length >= length ? scratch : new Float64Array(length);
  numberWindows(ts, length, windowSeconds, keep, win, scan);
  const kept = scan[0]!;
  const min = scan[1]!;
  const max = scan[2]!;
  const ordered = scan[3] === 1;
  if (kept === 0) return { windows: new Float64Array(0), offsets: new Int32Array(1), rows: null };
  if (ordered) return runsOf(win, length);
  yield;

  // rank of each row's window among the window numbers present
  const range = max - min + 1;
  const rank = new Int32Array(length);
  let windows: Float64Array;
  if (range <= Math.max(4096, 2 * kept)) {
    const present = new Uint8Array(range);
    for (let i = 0; i < length; i++) if (win[i] === win[i]) present[win[i]! - min] = 1;
    const rankOf = new Int32Array(range);
    let k = 0;
    for (let j = 0; j < range; j++) if (present[j]) rankOf[j] = k++;
    windows = new Float64Array(k);
    for (let j = 0, m = 0; j < range; j++) if (present[j]) windows[m++] = min + j;
    for (let i = 0; i < length; i++) rank[i] = win[i] === win[i] ? rankOf[win[i]! - min]! : -1;
  } else {
    const sorted = new Float64Array(kept);
    for (let i = 0, m = 0; i < length; i++) if (win[i] === win[i]) sorted[m++] = win[i]!;
    sorted.sort();
    let k = 0;
    for (let j = 0; j < kept; j++) if (j === 0 || sorted[j] !== sorted[j - 1]) sorted[k++] = sorted[j]!;
    windows = sorted.slice(0, k);
    for (let i = 0; i < length; i++) rank[i] = win[i] === win[i] ? lowerBound(windows, win[i]!) : -1;
  }
  yield;
  const nw = windows.length;
  const offsets = new Int32Array(nw + 1);
  for (let i = 0; i < length; i++) if (rank[i]! >= 0) offsets[rank[i]! + 1]!++;
  for (let j = 0; j < nw; j++) offsets[j + 1]! += offsets[j]!;
  const cursor = offsets.slice(0, nw);
  const rows = new Int32Array(kept);
  for (let i = 0; i < length; i++) {
    const r = rank[i]!;
    if (r >= 0) rows[cursor[r]!++] = i;
  }
  return { windows, offsets, rows };
}

/** [kept rows, min window, max window, 1 when in window order]: the result of `numberWindows`. */
const scan = new Float64Array(4);

/**
 * The per-row pass, in a function of its own: the stream calls bucketByWindow once per chunk, and
 * a hot loop inside it was optimized on-stack and thrown away at the loop exit on every call
 * (the code after it had no type feedback yet), costing a recompilation per chunk. See also
 * `primeFeedback` below.
 */
function numberWindows(ts: Float64Array, length: number, windowSeconds: number, keep: Uint8Array | null, win: Float64Array, out: Float64Array): void {
  let kept = 0;
  let min = Infinity;
  let max = -Infinity;
  let ordered = 1;
  let prev = -Infinity;
  // rows often share a timestamp (whole seconds): the division is done once per distinct run
  let lastTs = NaN;
  let w = NaN;
  for (let i = 0; i < length; i++) {
    if (keep !== null && keep[i] === 0) {
      win[i] = NaN;
      ordered = 0;
      continue;
    }
    const t = ts[i]!;
    if (t !== lastTs) {
      w = windowNumber(t, windowSeconds);
      lastTs = t;
    }
    win[i] = w;
    kept++;
    if (w < prev) ordered = 0;
    prev = w;
    if (w < min) min = w;
    if (w > max) max = w;
  }
  out[0] = kept;
  out[1] = min;
  out[2] = max;
  out[3] = ordered;
}

function runsOf(win: Float64Array, length: number): WindowBuckets {
  let n = 0;
  for (let i = 0; i < length; i++) if (i === 0 || win[i] !== win[i - 1]) n++;
  const windows = new Float64Array(n);
  const offsets = new Int32Array(n + 1);
  let k = -1;
  for (let i = 0; i < length; i++) {
    if (i === 0 || win[i] !== win[i - 1]) {
      k++;
      windows[k] = win[i]!;
      offsets[k] = i;
    }
  }
  offsets[n] = length;
  return { windows, offsets, rows: null };
}

/**
 * Runs the per-chunk loops once on one row at load. A loop that is long on its first call is
 * compiled on-stack with type feedback only for what has run so far; the statements after the
 * loop had none, and that compiled loop deoptimized at its exit on every later call — twice per
 * chunk, 32 times per million flows (`node --trace-deopt`). Once every statement has run, the
 * compiled loop exits cleanly.
 */
function primeFeedback(): void {
  const one = new Float64Array(1);
  for (let k = 0; k < 20; k++) {
    numberWindows(one, 1, 1, null, new Float64Array(1), new Float64Array(4));
    runsOf(one, 1);
  }
}
primeFeedback();
