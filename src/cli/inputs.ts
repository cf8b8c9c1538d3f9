/**
 * What every command that reads flow files checks and reports the same way: the files given
 * (each once, each there, before anything is read), the time zone of zone-less timestamps, and
 * the lines that were skipped, per reason with their first line numbers.
 */
import { stat } from 'node:fs/promises';
import { isGzipFile, type ReadStats } from '../sources/file/index.js';
import { timeZoneResolver } from '../sources/file/time.js';
import { UsageError } from './errors.js';
import { formatCount } from './format.js';
import { readError } from './fsErrors.js';
import type { CliIO } from './io.js';

/** The --help line of --tz, aligned to a command's option column (`width` = text indent). */
export function tzHelp(width: number): string {
  const pad = ' '.repeat(width);
  return `${'  --tz ZONE'.padEnd(width)}time zone of timestamps written without one (default UTC): an IANA name\n${pad}such as Europe/Prague, or an offset such as +01:00 (--tz=-03:00)\n`;
}

/** `--tz` checked with the readers' own resolver (UTC by default). */
export function timeZoneOption(text: string | undefined): string {
  const zone = text ?? 'UTC';
  try {
    // UTC costs nothing; ICU zone data (~25 ms) loads for IANA names only
    timeZoneResolver(zone);
  } catch {
    throw new UsageError(`--tz '${zone}' is not a time zone: use UTC, an IANA name such as Europe/Prague, or an offset such as +01:00 (--tz=-03:00 for a negative one)`);
  }
  return zone;
}

/**
 * Refuses a file named twice (its flows would count twice) and finds a missing or unreadable
 * one before any file is read, rather than after reading the ones before it.
 */
export async function checkInputFiles(files: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f)) throw new UsageError(`${f} is given twice: its flows would be counted twice`);
    seen.add(f);
  }
  for (const f of files) {
    try {
      await stat(f);
    } catch (err) {
      throw readError(err, f);
    }
  }
}

/** Skipped lines of each file on stderr: the count, then each reason with its first line numbers. */
export function reportSkipped(stats: readonly ReadStats[], files: readonly string[], io: CliIO): void {
  stats.forEach((s, k) => {
    const reasons = Object.entries(s.skipped).filter(([, r]) => r.count > 0);
    if (reasons.length === 0) return;
    const n = reasons.reduce((acc, [, r]) => acc + r.count, 0);
    io.stderr.write(`${files[k]}: skipped ${formatCount(n)} of ${formatCount(s.lines)} lines:\n`);
    for (const [reason, r] of reasons) {
      io.stderr.write(`  ${reason}: ${formatCount(r.count)} (first at line ${r.firstLines.join(', ')})\n`);
    }
  });
}

/** A note when the files held no flow at all, which would otherwise look like a quiet network. */
export function noteNoFlows(stats: readonly ReadStats[], io: CliIO): void {
  if (stats.length > 0 && stats.every((s) => s.flows === 0)) io.stderr.write(`note: no flows in the input (${formatCount(stats.reduce((n, s) => n + s.lines, 0))} lines read)\n`);
}

/** How much larger flow text is than its gzip, roughly (CSV flows compress 6–10×). */
const GZIP_EXPANSION = 8;

/**
 * Each file's size on disk (0 for a pipe or a file that vanished), and the text it holds, gzip
 * counted at its usual expansion: the progress bar counts bytes read, but whether the wait is long
 * enough for a bar depends on the text to parse.
 */
export async function inputSizes(files: readonly string[]): Promise<{ sizes: number[]; text: number }> {
  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => (s.isFile() ? s.size : 0), () => 0)));
  const gzip = await Promise.all(files.map((f, i) => (sizes[i]! > 0 ? isGzip(f) : false)));
  return { sizes, text: sizes.reduce((t, n, i) => t + (gzip[i] ? n * GZIP_EXPANSION : n), 0) };
}

async function isGzip(path: string): Promise<boolean> {
  // for the progress threshold only: a file that cannot be opened is reported when it is read
  return isGzipFile(path).catch(() => false);
}
