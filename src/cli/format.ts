import { UsageError } from './errors.js';

/**
 * How the CLI prints numbers and times, so every command's CSV/JSON looks the same and other tools
 * can rely on it: shortest round-trip numbers, ISO-8601 UTC times.
 */

/** Shortest text that parses back to the same double (`String` in JS); integers without `.0`; NaN → ''. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === 0) return '0'; // also -0
  return String(x);
}

/** A number for JSON: NaN and ±Infinity have no JSON form and become null. */
export function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Epoch seconds → `2017-01-27T16:24:40Z` (milliseconds shown only when not zero). */
export function formatIsoSeconds(epochSeconds: number): string {
  const ms = Math.round(epochSeconds * 1000);
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

/**
 * Parses a user-given instant: epoch seconds (`1485534280`, `1485534280.5`) or ISO 8601
 * (`2017-01-27T16:24:40Z`, `2017-01-27 16:24:40`; no zone means UTC). Returns epoch seconds or
 * null when the text is neither.
 */
export function parseInstant(text: string): number | null {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!m) return null;
  const iso = `${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms / 1000;
}

/** 9999-12-31T23:59:59Z: later instants have no ISO 8601 form and no flow is stamped there. */
const LAST_INSTANT = 253402300799;

/**
 * The `--name` option's instant (epoch seconds), or a usage error that says why: not a time, or
 * a number past the year 9999, which is nearly always epoch milliseconds (13 digits) given where
 * seconds belong.
 */
export function instantOption(name: string, text: string, example = '2011-08-16T10:10:00Z'): number {
  const t = parseInstant(text);
  if (t === null) throw new UsageError(`--${name} '${text}' is not a time: use ISO 8601 such as ${example} or epoch seconds`);
  if (Math.abs(t) > LAST_INSTANT) {
    const ms = Math.abs(t) < LAST_INSTANT * 1000 ? ` — it looks like epoch milliseconds: ${text.trim()} ms is ${formatIsoSeconds(t / 1000)}` : '';
    throw new UsageError(`--${name} '${text}' is past the year 9999 as epoch seconds${ms}; give epoch seconds or ISO 8601 such as ${example}`);
  }
  return t;
}

/** `12345678` → `12.3 MB` for progress and summaries. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** `1234567` → `1,234,567` for counts in human-facing messages. */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
