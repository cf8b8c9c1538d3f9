/**
 * A one-line progress bar on stderr, shown only when stderr is a terminal and the input is large
 * enough for the wait to be noticeable; otherwise every call is a no-op, so commands call it
 * unconditionally and pipes/logs stay clean.
 */
import { formatBytes } from './format.js';

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Total amount of work (usually input bytes). */
  total: number;
  label?: string;
  /** Below this total no bar is drawn. Default 32 MB. */
  minTotal?: number;
  /** The work `minTotal` is judged on when `total` counts something smaller (compressed bytes). Default `total`. */
  expected?: number;
  /** Redraw at most this often. Default 100 ms. */
  intervalMs?: number;
  /** For tests: draw even when the stream is not a TTY. */
  force?: boolean;
  now?: () => number;
}

export class ProgressBar {
  readonly enabled: boolean;
  private readonly opts: Required<Omit<ProgressOptions, 'force' | 'expected'>>;
  private last = -Infinity;
  private drawn = false;
  private readonly started: number;

  constructor(opts: ProgressOptions) {
    this.opts = { label: '', minTotal: 32e6, intervalMs: 100, now: () => Date.now(), ...opts };
    this.enabled = (opts.force === true || opts.stream.isTTY === true) && (opts.expected ?? opts.total) >= this.opts.minTotal && opts.total > 0;
    this.started = this.opts.now();
  }

  /** Reports `done` units of `total`; redraws when the interval has passed. */
  update(done: number): void {
    if (!this.enabled) return;
    const t = this.opts.now();
    if (t - this.last < this.opts.intervalMs) return;
    this.last = t;
    const { total, label, stream } = this.opts;
    const frac = Math.min(1, Math.max(0, done / total));
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const full = Math.round(frac * width);
    const elapsed = (t - this.started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : NaN;
    const etaText = Number.isFinite(eta) ? ` ${Math.ceil(eta)}s left` : '';
    stream.write(`\r${label ? `${label} ` : ''}[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(done)}/${formatBytes(total)}${etaText}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the bar so later messages start on a clean line. */
  finish(): void {
    if (this.drawn) this.opts.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
