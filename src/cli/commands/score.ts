/**
 * `flowlens score`: how well a trained profile explains every host of some flow files, as CSV
 * (semantics.md §2.5). Also holds the reading/argument helpers `train` and `evaluate` share.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { missingProfileColumn } from '../../engine/discretize/index.js';
import { concatTables, createDictionaries, type FlowTable } from '../../engine/flowTable.js';
import { groupBySource, hostSlot, profileFromJSON, ProfileError, SCORE_METHODS, type Profile, type ScoreMethod, type TimeRange } from '../../engine/profile/index.js';
import { scoreHosts, scoreHostSeries } from '../../engine/scoring/index.js';
import { readFlowFile, type ReadStats } from '../../sources/file/index.js';
import { columnsHelp, fileInput, type FileInput } from '../columnMap.js';
import { DataError, UsageError } from '../errors.js';
import { formatCount, formatIsoSeconds, formatNumber, instantOption } from '../format.js';
import type { CliIO } from '../io.js';
import { fsReason, isNodeError, readError } from '../fsErrors.js';
import { writeStdout } from '../output.js';
import { checkInputFiles, inputSizes, noteNoFlows, reportSkipped, timeZoneOption, tzHelp } from '../inputs.js';
import { ProgressBar } from '../progress.js';
import { CLICKHOUSE_HELP, clickHouseHostFlows, clickHouseInput, refusePasswordOption, resolveInput } from '../sources.js';

export const HELP = `Usage: flowlens score --profile profile.json [options] FILE… | clickhouse://USER@HOST:PORT/DB/TABLE

Scores every host that is a flow source in FILE… against a trained profile (see flowlens train):
its flows in time order are discretized with the profile's discretizer, cut into sliding windows
of the profile's window length, and evaluated by the profile's HMM.

Options:
  --profile FILE        trained profile (JSON from flowlens train or the data source export)
  --method M            mean (default): log-likelihood per window, comparable across hosts;
                        loglik: forward log-likelihood of all windows; viterbi: log-probability
                        of the best state path (the seed notebook's score)
  --bucket S            instead of one score per host, a time series: per bucket of S seconds
                        the mean per-window conditional log-likelihood of the windows ending in it
  --host IP[,IP…]       only these hosts
  --from T, --to T      only flows with from <= ts < to (ISO 8601 or epoch seconds)
  --input-format F      auto (default) or a reader format name (binetflow, netflow-labeled, …)
${columnsHelp(24)}${tzHelp(24)}  -h, --help            this help

${CLICKHOUSE_HELP}
Output (CSV on stdout): host,score,windows,flows,verdict — highest score first; hosts with fewer
flows than the window have an empty score and verdict, are listed last, and the reason is written
on stderr. verdict is the seed's rule: "unlike the profile" when |score − ref| > ref / 2 (ref = the
reference host's own score), else "like the profile" (with ref < 0 every host is "unlike").
With --bucket: time,host,score (time = bucket start, ISO 8601 UTC), by time then host.

FILE may be - for standard input (gzip accepted).

Exit codes: 0 ok, 1 data error (unreadable file or profile, output that cannot be written),
2 usage error.
`;

export function parse(args: string[], options: ParseArgsConfig['options']): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' }, 'input-format': { type: 'string' }, columns: { type: 'string' }, tz: { type: 'string' } } });
    return { values: r.values as Record<string, string | boolean | string[] | undefined>, positionals: r.positionals };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function str(v: string | boolean | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A whole number option within bounds, or its default. */
export function intOption(v: string | boolean | string[] | undefined, name: string, dflt: number, lo: number, hi: number): number {
  const s = str(v);
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`--${name} must be a whole number from ${lo} to ${hi}, got '${s}'`);
  return n;
}

export function timeOption(v: string | boolean | string[] | undefined, name: string): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  return instantOption(name, s);
}

export function listOption(v: string | boolean | string[] | undefined): string[] | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}


/**
 * Reads files of flows into one table (shared dictionaries); skipped lines are reported. `tz` is
 * the command's --tz, checked here.
 */
export async function readFlows(files: readonly string[], input: FileInput, io: CliIO, tz: string | boolean | string[] | undefined): Promise<FlowTable> {
  const timeZone = timeZoneOption(str(tz));
  await checkInputFiles(files);
  const dicts = createDictionaries();
  const stats: ReadStats[] = [];
  const chunks: FlowTable[] = [];
  const { sizes, text } = await inputSizes(files);
  const total = sizes.reduce((a, b) => a + b, 0);
  const bar = new ProgressBar({ stream: io.stderr, total, expected: text, label: 'reading' });
  let before = 0;
  let current = 'input';
  try {
    for (const [k, file] of files.entries()) {
      current = file;
      const reader = readFlowFile(file, {
        format: input.format,
        columnMap: input.columnMap,
        dicts,
        timeZone,
        onProgress: (bytes: number) => bar.update(before + bytes),
      });
      for await (const chunk of reader.chunks) chunks.push(chunk);
      stats.push(reader.stats());
      before += sizes[k]!;
    }
  } catch (err) {
    throw readError(err, current);
  } finally {
    bar.finish();
  }
  reportSkipped(stats, files, io);
  noteNoFlows(stats, io);
  return concatTables(dicts, chunks);
}

/** A profile whose features these flows cannot give (a data error, exit 1). */
export function checkProfileFits(profile: Profile, table: FlowTable): void {
  const why = missingProfileColumn(profile.discretizer, table);
  if (why !== null) throw new DataError(why);
}

export async function loadProfile(path: string): Promise<Profile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read profile ${path}: ${isNodeError(err) ? fsReason(err, 'read') : String(err)}`);
  }
  try {
    return profileFromJSON(text);
  } catch (err) {
    if (err instanceof ProfileError) throw new DataError(`${path} is not a usable profile:\n  ${err.problems.join('\n  ')}`);
    throw err;
  }
}

/** --from/--to as a range; a usage error when from is not before to (as features and train say). */
export function rangeOption(from: string | boolean | string[] | undefined, to: string | boolean | string[] | undefined): { from: number | undefined; to: number | undefined } {
  const range = { from: timeOption(from, 'from'), to: timeOption(to, 'to') };
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) throw new UsageError('--from must be earlier than --to');
  return range;
}

export function methodOption(v: string | boolean | string[] | undefined): ScoreMethod {
  const m = str(v) ?? 'mean';
  if (!(SCORE_METHODS as readonly string[]).includes(m)) throw new UsageError(`--method must be one of ${SCORE_METHODS.join(', ')}, got '${m}'`);
  return m as ScoreMethod;
}

export function bucketOption(v: string | boolean | string[] | undefined): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const b = Number(s);
  if (!(b > 0) || !Number.isFinite(b)) throw new UsageError(`--bucket must be a positive number of seconds, got '${s}'`);
  // bucket times are printed to the millisecond
  if (b < 0.001) throw new UsageError(`--bucket must be at least 0.001 s (bucket times are printed to the millisecond), got '${s}'`);
  return b;
}

export function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Says why hosts have no score: one line per host when there are few, otherwise a count and the
 * first examples (a capture has thousands of one-flow hosts; a line each would bury the output).
 */
export function reportUnscored(scores: readonly { host: string; score: number | null; flows: number; reason?: string }[], io: CliIO, window: number): void {
  const unscored = scores.filter((s) => s.score === null);
  if (unscored.length <= 20) {
    for (const s of unscored) io.stderr.write(`${s.host}: no score (${s.reason ?? 'no windows'})\n`);
    return;
  }
  const examples = unscored.slice(0, 5).map((s) => `${s.host} (${s.flows} flow${s.flows === 1 ? '' : 's'})`);
  io.stderr.write(`${formatCount(unscored.length)} hosts have no score (fewer flows as source than the window of ${window}), e.g. ${examples.join(', ')}\n`);
}

/**
 * Hosts asked for by --host that have no series (no flows as source in the range, or fewer than
 * the window), said on stderr as the table output says it: a series left out is not a quiet host.
 */
function reportWithoutSeries(table: FlowTable, profile: Profile, hosts: readonly string[], series: readonly { host: string }[], range: TimeRange, io: CliIO): void {
  const shown = new Set(series.map((s) => s.host));
  const missing = hosts.map((h) => h.trim().toLowerCase()).filter((h) => !shown.has(h));
  if (missing.length === 0) return;
  const g = groupBySource(table, range);
  const w = profile.spec.window;
  reportUnscored(
    missing.map((host) => {
      const slot = hostSlot(table, g, host);
      const flows = slot < 0 ? 0 : g.start[slot + 1]! - g.start[slot]!;
      return { host, score: null, flows, reason: slot < 0 ? 'no flows with this host as source' : `${flows} flow${flows === 1 ? '' : 's'} as source, fewer than the window of ${w}` };
    }),
    io,
    w,
  );
}

export async function run(args: string[], io: CliIO): Promise<number> {
  refusePasswordOption(args);
  const { values: v, positionals } = parse(args, {
    profile: { type: 'string' },
    method: { type: 'string' },
    bucket: { type: 'string' },
    host: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  });
  if (v.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const profilePath = str(v.profile);
  if (!profilePath) throw new UsageError('--profile is required (a profile from flowlens train)');
  const method = methodOption(v.method);
  const bucket = bucketOption(v.bucket);
  if (bucket !== undefined && v.method !== undefined) throw new UsageError('--method does not apply with --bucket: a bucket is the mean per-window log-likelihood of its windows');
  const hosts = listOption(v.host);
  const range = rangeOption(v.from, v.to);
  if (positionals.length === 0) throw new UsageError('no input FILE given');
  const input = fileInput(str(v['input-format']), str(v.columns), positionals);
  const url = clickHouseInput(positionals);
  const profile = await loadProfile(resolve(io.cwd, profilePath));
  const table = url !== null ? await clickHouseHostFlows(url, { ...range, ...(hosts ? { hosts } : {}) }, io) : await readFlows(positionals.map((f) => resolveInput(io.cwd, f)), input, io, v.tz);
  checkProfileFits(profile, table);
  const opts = { ...(hosts ? { hosts } : {}), range };

  if (bucket !== undefined) {
    const series = scoreHostSeries(table, profile, bucket, opts);
    if (hosts) reportWithoutSeries(table, profile, hosts, series, range, io);
    const rows: { t: number; host: string; value: number }[] = [];
    for (const s of series) for (let i = 0; i < s.time.length; i++) rows.push({ t: s.time[i]!, host: s.host, value: s.value[i]! });
    rows.sort((a, b) => a.t - b.t || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    const out = ['time,host,score\n'];
    for (const r of rows) out.push(`${formatIsoSeconds(r.t)},${csvField(r.host)},${formatNumber(r.value)}\n`);
    await writeStdout(io, out.join(''));
    return 0;
  }
  const scores = scoreHosts(table, profile, { method, ...opts });
  const out = ['host,score,windows,flows,verdict\n'];
  for (const s of scores) out.push(`${csvField(s.host)},${s.score === null ? '' : formatNumber(s.score)},${s.windows},${s.flows},${s.verdict ?? ''}\n`);
  await writeStdout(io, out.join(''));
  reportUnscored(scores, io, profile.spec.window);
  return 0;
}
