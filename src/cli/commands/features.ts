/**
 * `flowlens features`: per-window batch features of flow files as CSV or JSON lines on stdout
 * (semantics.md §1). The output format is a contract other tools rely on — see HELP.
 */
import { parseArgs } from 'node:util';
import { createDictionaries, type FlowDictionaries, type FlowTable } from '../../engine/flowTable.js';
import { emptyAggregate } from '../../engine/features/aggregate.js';
import { FeaturePlan } from '../../engine/features/compute.js';
import { WindowStream } from '../../engine/features/windowStream.js';
import type { WindowAggregate } from '../../engine/features/windowAggregate.js';
import { CompiledFilter } from '../../engine/filter/flowFilter.js';
import { protocolAliases } from '../../engine/protocols.js';
import { ALL_FEATURES, SEED_FEATURES, isFeatureName, orderFeatures } from '../../query/featureCatalog.js';
import { parseFilterArgs, type FlowFilter } from '../../query/filter.js';
import { nearest } from '../../query/nearest.js';
import { isRegularFile, readFlowFile, STDIN, type ColumnMap, type FileFormat, type ReadStats } from '../../sources/file/index.js';
import { columnsHelp, fileInput } from '../columnMap.js';
import { DataError, UsageError } from '../errors.js';
import { formatCount, formatIsoSeconds, formatNumber, instantOption, jsonNumber } from '../format.js';
import type { CliIO } from '../io.js';
import { readError } from '../fsErrors.js';
import { checkInputFiles, inputSizes, noteNoFlows, reportSkipped, timeZoneOption, tzHelp } from '../inputs.js';
import { openOutput, writeStdout } from '../output.js';
import { ProgressBar } from '../progress.js';
import { CLICKHOUSE_HELP, clickHouseInput, clickHouseWindows, refusePasswordOption, resolveInput } from '../sources.js';

export const HELP = `Usage: flowlens features [options] FILE… | clickhouse://USER@HOST:PORT/DB/TABLE

Per-window traffic features of flow files (the seed notebook's 56 batch features, pandas-exact),
over tumbling windows aligned to the epoch: a flow at time ts belongs to the window starting at
floor(ts / T) * T. Several files are read in order as one data set (shared dictionaries). Input
order does not matter; time-ordered input is processed in bounded memory.

Options:
  --window T          window length in seconds (default 10; fractions allowed)
  --format csv|json   csv (default): header "time,<features>", one row per window;
                      json: one JSON object per line (NDJSON) {"time": "…", "<feature>": value, …}
  --features LIST     comma-separated feature names, or "all" (the 56 seed features + extras);
                      default: the 56 seed features. Columns always follow catalog order (seed
                      order, then extras) whatever order LIST uses.
  --list-features     print every feature name, one per line, and exit
  --filter KEY=VALUES only flows matching (repeatable; different keys combine with AND, values of
                      one key with OR). Keys: src, dst (IPv4/IPv6 CIDR or address), sport, dport,
                      port (either side), proto (tcp, udp, icmp, …). Example:
                      --filter src=10.0.0.0/8 --filter dport=53,443 --filter proto=udp
  --from T, --to T    only flows with from <= ts < to; T is ISO 8601 (no zone = UTC, e.g.
                      2017-01-27T16:24:40Z or "2017-01-27 16:24:40") or epoch seconds
  --fill-empty        also print windows without flows (between the first and last window, or
                      over --from/--to when given): counts 0, distributions empty (blank)
${tzHelp(22)}  --input-format F    auto (default: detected from content), seed, netflow-labeled, binetflow,
                      nfdump or csv
${columnsHelp(22)}  -h, --help          this help

${CLICKHOUSE_HELP}(windows are aggregated by the server; --tz and --input-format do not apply)

Output: time = window start, ISO 8601 UTC ("2017-01-27T16:24:40Z"). Numbers are printed in the
shortest form that reads back to the same double; integers without ".0". A value that does not
exist (a describe() of an empty set, byte features when the format has no byte columns) is an
empty CSV field / JSON null. Features (names, definitions): docs/semantics.md §1; extras are
entries_per_flow_*, distinct_<a>_per_<b>_* and bytes_up, bytes_down, bytes_total.

FILE may be gzip-compressed, and - reads standard input (a pipe is read once: input out of time
order must be a file). Lines that cannot be parsed are skipped and counted per reason on stderr,
with their first line numbers. A progress bar is drawn on stderr when it is a terminal and the input is large.

Exit codes: 0 ok, 1 data error (unreadable file, unknown format, output that cannot be written),
2 usage error.
`;

/** The shortest window: times are printed to the millisecond. */
const MIN_WINDOW_SECONDS = 0.001;
/** The most windows --fill-empty prints: each is a row held until the end, and nobody reads 10 M empty rows. */
const MAX_FILLED_WINDOWS = 10_000_000;

function checkFillEmpty(windows: number): void {
  if (windows > MAX_FILLED_WINDOWS) {
    throw new UsageError(`--fill-empty would print ${formatCount(windows)} windows (more than ${formatCount(MAX_FILLED_WINDOWS)}): narrow --from/--to or use a longer --window`);
  }
}

interface Options {
  windowSeconds: number;
  format: 'csv' | 'json';
  features: string[];
  filter: FlowFilter;
  from: number;
  to: number;
  fillEmpty: boolean;
  timeZone: string;
  inputFormat: FileFormat | 'auto';
  columnMap: ColumnMap | undefined;
  files: string[];
}

function parseOptions(args: string[], cwd: string): Options | 'help' | 'list' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        window: { type: 'string' },
        format: { type: 'string' },
        features: { type: 'string' },
        filter: { type: 'string', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        'fill-empty': { type: 'boolean' },
        tz: { type: 'string' },
        'input-format': { type: 'string' },
        columns: { type: 'string' },
        'list-features': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v['list-features']) return 'list';
  const windowSeconds = v.window === undefined ? 10 : Number(v.window);
  if (!(windowSeconds > 0) || !Number.isFinite(windowSeconds)) throw new UsageError(`--window must be a positive number of seconds, got '${v.window}'`);
  // window starts are printed to the millisecond: shorter windows would print equal times
  if (windowSeconds < MIN_WINDOW_SECONDS) throw new UsageError(`--window must be at least ${MIN_WINDOW_SECONDS} s (window times are printed to the millisecond), got '${v.window}'`);
  const format = v.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, got '${format}'`);
  let features: string[];
  if (v.features === undefined) features = [...SEED_FEATURES];
  else if (v.features.trim().toLowerCase() === 'all') features = [...ALL_FEATURES];
  else {
    const names = v.features.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const unknown = names.filter((n) => !isFeatureName(n));
    if (unknown.length) {
      const described = unknown.map((n) => {
        const near = nearest(n, ALL_FEATURES);
        return near ? `${n} (did you mean ${near}?)` : n;
      });
      throw new UsageError(`unknown feature(s): ${described.join(', ')}. \`flowlens features --list-features\` prints the ${ALL_FEATURES.length} names`);
    }
    if (names.length === 0) throw new UsageError('--features lists no feature');
    features = orderFeatures(names);
  }
  let filter: FlowFilter = {};
  try {
    filter = parseFilterArgs(v.filter ?? []);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const instant = (name: string, text: string | undefined, dflt: number): number => {
    if (text === undefined) return dflt;
    return instantOption(name, text, '2017-01-27T16:24:40Z');
  };
  const from = instant('from', v.from, -Infinity);
  const to = instant('to', v.to, Infinity);
  if (from >= to) throw new UsageError('--from must be earlier than --to');
  if (v['fill-empty'] && Number.isFinite(from) && Number.isFinite(to)) checkFillEmpty(Math.ceil(to / windowSeconds) - Math.floor(from / windowSeconds));
  const timeZone = timeZoneOption(v.tz);
  const input = fileInput(v['input-format'], v.columns, parsed.positionals);
  if (parsed.positionals.length === 0) throw new UsageError('no input FILE given');
  return {
    windowSeconds,
    format,
    features,
    filter,
    from,
    to,
    fillEmpty: v['fill-empty'] === true,
    timeZone,
    inputFormat: input.format,
    columnMap: input.columnMap,
    files: parsed.positionals.map((f) => resolveInput(cwd, f)),
  };
}

/** Feature rows collected in window order (small: one row of doubles per window). */
class Rows {
  times: number[] = [];
  values: Float64Array[] = [];
  private nextWindow = NaN;
  constructor(
    private readonly plan: FeaturePlan,
    private readonly opts: Options,
  ) {
    if (opts.fillEmpty && Number.isFinite(opts.from)) this.nextWindow = Math.floor(opts.from / opts.windowSeconds);
  }

  add(aggs: readonly WindowAggregate[]): void {
    for (const agg of aggs) {
      const w = Math.round(agg.start / this.opts.windowSeconds);
      if (this.opts.fillEmpty && !Number.isNaN(this.nextWindow)) this.fillUntil(w, agg);
      this.times.push(agg.start);
      this.values.push(this.plan.evaluate(agg));
      this.nextWindow = w + 1;
    }
  }

  /** Zero rows up to (excluding) window `w`; `like` tells which byte columns exist. */
  fillUntil(w: number, like: WindowAggregate | null): void {
    const T = this.opts.windowSeconds;
    const bytes = { up: like?.bytesUp != null, down: like?.bytesDown != null, total: like?.bytesTotal != null };
    if (w > this.nextWindow) checkFillEmpty(this.times.length + (w - this.nextWindow));
    for (let k = this.nextWindow; k < w; k++) {
      this.times.push(k * T);
      this.values.push(this.plan.evaluate(emptyAggregate(k * T, bytes)));
    }
    if (w > this.nextWindow) this.nextWindow = w;
  }

  finish(lastSeen: WindowAggregate | null): void {
    const T = this.opts.windowSeconds;
    if (this.opts.fillEmpty && Number.isFinite(this.opts.to)) {
      if (Number.isNaN(this.nextWindow)) this.nextWindow = Number.isFinite(this.opts.from) ? Math.floor(this.opts.from / T) : Math.floor(this.opts.to / T);
      this.fillUntil(Math.ceil(this.opts.to / T), lastSeen);
    }
  }
}

/** A time-range + filter keep-mask for one chunk (null = keep all). */
function chunkMask(chunk: FlowTable, filter: CompiledFilter, opts: Options): Uint8Array | null {
  let keep = filter.keepMask(chunk);
  if (Number.isFinite(opts.from) || Number.isFinite(opts.to)) {
    keep ??= new Uint8Array(chunk.length).fill(1);
    for (let i = 0; i < chunk.length; i++) {
      const t = chunk.ts[i]!;
      if (t < opts.from || t >= opts.to) keep[i] = 0;
    }
  }
  return keep;
}

interface Pass {
  /** False when a row arrived after its window had been closed (input out of time order). */
  complete: boolean;
  stats: ReadStats[];
  /** The values read, for notes on what the filter named. */
  dicts: FlowDictionaries;
}

/**
 * Reads every file once, handing windows to `onWindows` as they complete. With `ordered` the
 * stream closes windows as soon as the data passes their end (bounded memory) and gives up at
 * the first late row; otherwise every row is held until the end.
 */
async function readPass(opts: Options, io: CliIO, plan: FeaturePlan, filter: CompiledFilter, ordered: boolean, onWindows: (a: WindowAggregate[]) => void): Promise<Pass> {
  const dicts: FlowDictionaries = createDictionaries();
  const stream = new WindowStream(opts.windowSeconds, { lateness: ordered ? 0 : Infinity, ...plan.aggregatorOptions() });
  const { sizes, text } = await inputSizes(opts.files);
  const total = sizes.reduce((a, b) => a + b, 0);
  // the second pass says why the bar starts again
  const bar = new ProgressBar({ stream: io.stderr, total, expected: text, label: ordered ? 'reading' : 're-reading (input out of time order)' });
  let doneBefore = 0;
  const stats: ReadStats[] = [];
  let current = 'input';
  try {
    for (const [k, file] of opts.files.entries()) {
      current = file;
      const reader = readFlowFile(file, {
        format: opts.inputFormat,
        columnMap: opts.columnMap,
        dicts,
        // the window stream copies the rows it keeps: chunk arrays can be refilled
        recycle: true,
        timeZone: opts.timeZone,
        onProgress: (bytes: number) => bar.update(doneBefore + bytes),
      });
      for await (const chunk of reader.chunks) {
        onWindows(stream.push(chunk, chunkMask(chunk, filter, opts)));
        if (stream.lateRows > 0) return { complete: false, stats, dicts };
      }
      stats.push(reader.stats());
      doneBefore += sizes[k]!;
    }
  } catch (err) {
    throw readError(err, current);
  } finally {
    bar.finish();
  }
  onWindows(stream.flush());
  return { complete: true, stats, dicts };
}

/**
 * A protocol filter value no flow has (a typo such as `tpc`, or a protocol the files do not
 * carry) keeps nothing, which looks like quiet traffic: say so, with the protocols present.
 */
function noteUnmatchedProtocols(filter: FlowFilter, dicts: FlowDictionaries, io: CliIO): void {
  if (!filter.protocols?.length) return;
  const present = new Set(dicts.proto.values.map((p) => p.toLowerCase()));
  const missing = filter.protocols.filter((p) => !protocolAliases(p).some((a) => present.has(a)));
  if (missing.length === 0) return;
  const shown = [...present].sort().slice(0, 20).join(', ');
  io.stderr.write(`note: --filter proto=${missing.join(',')} matches no flow in the input (its protocols: ${shown || 'none'})\n`);
}

/** The first input that is a pipe or a device, which a second pass could not read again. */
async function firstUnrereadable(files: readonly string[]): Promise<string | null> {
  for (const f of files) if (!(await isRegularFile(f))) return f;
  return null;
}

async function writeOutput(rows: Rows, names: readonly string[], opts: Options, io: CliIO): Promise<void> {
  const output = await openOutput(io, undefined);
  const out: string[] = [];
  const flush = async (): Promise<boolean> => {
    const more = out.length === 0 || (await output.write(out.join('')));
    out.length = 0;
    return more;
  };
  if (opts.format === 'csv') out.push(`time,${names.join(',')}\n`);
  for (let k = 0; k < rows.times.length; k++) {
    const v = rows.values[k]!;
    const time = formatIsoSeconds(rows.times[k]!);
    if (opts.format === 'csv') {
      let line = time;
      for (let j = 0; j < v.length; j++) line += `,${formatNumber(v[j]!)}`;
      out.push(`${line}\n`);
    } else {
      const obj: Record<string, string | number | null> = { time };
      for (let j = 0; j < names.length; j++) obj[names[j]!] = jsonNumber(v[j]!);
      out.push(`${JSON.stringify(obj)}\n`);
    }
    // `flowlens features … | head`: the reader has gone, the rest is not worth formatting
    if (out.length >= 1024 && !(await flush())) break;
  }
  await flush();
  await output.close();
}

export async function run(args: string[], io: CliIO): Promise<number> {
  refusePasswordOption(args);
  const opts = parseOptions(args, io.cwd);
  if (opts === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  if (opts === 'list') {
    await writeStdout(io, `${ALL_FEATURES.join('\n')}\n`);
    return 0;
  }
  const plan = new FeaturePlan(opts.features);
  const url = clickHouseInput(opts.files);
  if (url !== null) {
    const aggs = await clickHouseWindows(url, { from: opts.from, to: opts.to, filter: opts.filter, windowSeconds: opts.windowSeconds, multisets: plan.multisets }, io);
    const chRows = new Rows(plan, opts);
    chRows.add(aggs);
    chRows.finish(aggs.length ? aggs[aggs.length - 1]! : null);
    await writeOutput(chRows, plan.names, opts, io);
    return 0;
  }
  await checkInputFiles(opts.files);
  const filter = new CompiledFilter(opts.filter);
  // First pass streams (bounded memory for time-ordered input); input that turns out to be out of
  // order is read again holding every row, because a closed window cannot take late rows.
  let rows = new Rows(plan, opts);
  let last: WindowAggregate | null = null;
  const collect = (aggs: WindowAggregate[]): void => {
    rows.add(aggs);
    if (aggs.length) last = aggs[aggs.length - 1]!;
  };
  let pass = await readPass(opts, io, plan, filter, true, collect);
  if (!pass.complete) {
    const once = await firstUnrereadable(opts.files);
    if (once !== null) {
      throw new DataError(`${once === STDIN ? 'standard input' : once}: the flows are not in time order, so they must be read twice, and a pipe can be read only once: save them to a file first`);
    }
    rows = new Rows(plan, opts);
    last = null;
    pass = await readPass(opts, io, plan, filter, false, collect);
  }
  rows.finish(last);
  reportSkipped(pass.stats, opts.files, io);
  noteNoFlows(pass.stats, io);
  noteUnmatchedProtocols(opts.filter, pass.dicts, io);
  await writeOutput(rows, plan.names, opts, io);
  return 0;
}
