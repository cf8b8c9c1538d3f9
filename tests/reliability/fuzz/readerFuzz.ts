/**
 * Generated hostile inputs for the flow readers and the check every input must pass: the reader
 * either returns a table whose every physical line is accounted for (flow, blank, header/summary,
 * or skipped with a reason), or refuses the whole input with a FlowFormatError. Anything else
 * thrown is a crash. Inputs are a pure function of (reader, seed, index), so a failure replays.
 * Shared by the bounded test in `npm test` and the million-input script `bench/fuzz/run.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FlowFormatError, readFlowBuffer, type ColumnMap, type ReadOptions, type ReadStats } from '../../../src/sources/file/index.js';
import { LineEngine } from '../../../src/sources/file/lineEngine.js';
import { timeZoneResolver } from '../../../src/sources/file/time.js';
import { generateText } from '../../../src/sources/synthetic/index.js';
import { createDictionaries } from '../../../src/engine/flowTable.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'readers');
const fixtureLines = (name: string): string[] => readFileSync(join(FIXTURES, name), 'utf8').split('\n').filter((l) => l !== '');

export interface FuzzReader {
  name: string;
  options: ReadOptions;
  /** The header line(s) the format starts with ('' when it has none). */
  header: string;
  /** Well-formed (and some deliberately damaged) data lines the mutations start from. */
  lines: string[];
}

const MAPPED: ColumnMap = { ts: 'when', srcIp: 'from', dstIp: 'to', srcPort: 'sp', dstPort: 'dp', proto: 'protocol', bytes: 'octets' };

function generated(format: 'seed' | 'binetflow' | 'netflow-labeled'): { header: string; lines: string[] } {
  const all = generateText({ format, flows: 60, seed: 7, bots: 1, normalHosts: 3 }).split('\n').filter((l) => l !== '');
  return format === 'seed' ? { header: '', lines: all } : { header: all[0]!, lines: all.slice(1) };
}

function fromFixture(name: string, headerLines: number): { header: string; lines: string[] } {
  const all = fixtureLines(name);
  return { header: all.slice(0, headerLines).join('\n'), lines: all.slice(headerLines) };
}

/** One entry per reader (format); `format` is forced so each parser is reached, not only detection. */
export function fuzzReaders(): FuzzReader[] {
  const seed = generated('seed');
  const bin = generated('binetflow');
  const nfl = generated('netflow-labeled');
  const binFix = fromFixture('extra-columns.binetflow', 1);
  const nflFix = fromFixture('sample.netflow-labeled', 1);
  const oldNf = fromFixture('old.nfdump.csv', 1);
  const mapped = fromFixture('mapped.csv', 1);
  return [
    { name: 'seed', options: { format: 'seed' }, header: '', lines: [...seed.lines, ...fixtureLines('seed-malformed.csv')] },
    { name: 'binetflow', options: { format: 'binetflow' }, header: bin.header, lines: [...bin.lines, ...binFix.lines] },
    { name: 'netflow-labeled', options: { format: 'netflow-labeled' }, header: nfl.header, lines: [...nfl.lines, ...nflFix.lines] },
    { name: 'nfdump', options: { format: 'nfdump' }, header: oldNf.header, lines: oldNf.lines },
    { name: 'csv', options: { format: 'csv', columnMap: MAPPED }, header: mapped.header, lines: mapped.lines },
    { name: 'auto', options: {}, header: '', lines: [...seed.lines.slice(0, 5), bin.header, ...bin.lines.slice(0, 5), nfl.header, ...nfl.lines.slice(0, 5), oldNf.header, ...oldNf.lines, ...fromFixture('new.nfdump.csv', 0).lines] },
  ];
}

/** A small, fast PRNG (mulberry32): the same seed gives the same inputs on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Field values seen in the wild that break naive parsers. */
export const NASTY_FIELDS = [
  '', ' ', '-', '-1', '-0.5', '0', 'NaN', 'nan', 'inf', '-Infinity', '1e309', '1e-400', '99999999999999999999', '0x', '0x1g', '0xffff', '65536', '70000',
  '1,5', '1.2.3', '1.2 M', '3 G', '=1+2', "'0123", '"', '""', '"a,b"', '"unterminated', '\\N', 'NULL', 'null', '(null)',
  '1970-01-01 00:00:00', '1969-12-31 23:59:59', '2100-01-01 00:00:00', '9999-12-31 23:59:59', '0000-00-00 00:00:00', '2017-02-29 10:00:00', '2017-01-27 24:00:00',
  '2017-01-27T16:24:44+14:00', '2017-01-27T16:24:44-12:00', '1485534282000', '-1485534282', '2011/08/16 10:10:00.002013', '16/08/2011 10:10', '2017-01-27 16:24:42.9999999999',
  '256.1.1.1', '10.0.0', '10.0.0.1.', '::', '::1', '::ffff:10.0.0.1', 'fe80::1%eth0', '[::1]', '[2001:db8::1]:443', '2001:db8::1.443', '2001:db8::1:443', '10.0.0.1:80', '10.0.0.1:', '0.0.0.0',
  '00:1a:2b:3c:4d:5e', 'ff:ff:ff:ff:ff:ff', 'TCP', 'tcp ', 'ICMP6', '6', '255', '-6', 'ipv6-icmp', 'Botnet', 'flow=From-Botnet-V42-TCP-CC6-IRC',
  '\u0000', '\u0000\u0000\u0000', '\u00ff\u00fe', 'é', '\ufeff', '\ud83d\ude00', '\t', '\r', 'a\u2028b', 'Summary', 'flows,bytes,packets',
];

const encoder = new TextEncoder();

function mutateLine(rng: Rng, line: string): string {
  const fields = line.split(line.includes(',') ? ',' : /\s+/);
  const sep = line.includes(',') ? ',' : ' ';
  switch (rng.int(9)) {
    case 0: // one field replaced by a nasty value
      fields[rng.int(fields.length)] = rng.pick(NASTY_FIELDS);
      return fields.join(sep);
    case 1: // a field dropped or duplicated
      if (rng.chance(0.5)) fields.splice(rng.int(fields.length), 1);
      else fields.splice(rng.int(fields.length), 0, fields[rng.int(fields.length)]!);
      return fields.join(sep);
    case 2: // truncated mid-line
      return line.slice(0, rng.int(line.length + 1));
    case 3: { // a character flipped to something hostile
      const at = rng.int(line.length + 1);
      return line.slice(0, at) + rng.pick(['\u0000', '\r', ',', '"', ' ', '\t', ':', '.', '-', '\u00ff', '\ufffd', '[', ']']) + line.slice(at + 1);
    }
    case 4: // two fields swapped
    {
      const a = rng.int(fields.length);
      const b = rng.int(fields.length);
      [fields[a], fields[b]] = [fields[b]!, fields[a]!];
      return fields.join(sep);
    }
    case 5: // Excel: every field quoted, sometimes with a leading apostrophe or formula sign
      return fields.map((f) => (rng.chance(0.2) ? `"'${f}"` : rng.chance(0.1) ? `"=${f}"` : `"${f}"`)).join(sep);
    case 6: // a long field (kept under the reader's line limit except rarely)
      fields[rng.int(fields.length)] = 'A'.repeat(rng.chance(0.05) ? 70000 : rng.pick([100, 4096]));
      return fields.join(sep);
    case 7: // separators changed (semicolons, tabs)
      return fields.join(rng.pick([';', '\t', ', ', '  ']));
    default:
      return line;
  }
}

function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = c & 0xff;
    out[3 + 2 * i] = c >> 8;
  }
  return out;
}

/**
 * Input number `index` of `reader` for `seed`. `huge` allows the rare multi-megabyte input (an
 * over-long line), which the bounded test keeps to a handful.
 */
export function makeInput(reader: FuzzReader, seed: number, index: number, huge: boolean): Uint8Array {
  const rng = new Rng((seed * 0x9e3779b1) ^ (index * 0x85ebca6b) ^ reader.name.length);
  const kind = rng.int(20);
  if (kind === 0) {
    // Pure noise.
    const n = rng.int(400);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = rng.int(256);
    if (n >= 2 && rng.chance(0.2)) [b[0], b[1]] = [0x1f, 0x8b];
    return b;
  }
  if (kind === 1 && huge) {
    // A line longer than any reader keeps (1 MiB), between good lines.
    const good = Array.from({ length: 3 }, () => rng.pick(reader.lines));
    return encoder.encode([reader.header, good[0], 'x'.repeat((1 << 20) + rng.int(4096)), ...good.slice(1)].filter((l) => l !== '').join('\n'));
  }
  const n = rng.int(rng.chance(0.05) ? 200 : 12);
  const lines: string[] = [];
  if (reader.header && !rng.chance(0.1)) lines.push(rng.chance(0.1) ? mutateLine(rng, reader.header) : reader.header);
  for (let i = 0; i < n; i++) {
    const base = rng.pick(reader.lines);
    if (rng.chance(0.15)) lines.push(rng.pick(['', ' ', '\t', 'Summary', 'flows,bytes,packets,avg_bps,avg_pps,avg_bpp', '#comment', reader.header]));
    lines.push(rng.chance(0.4) ? mutateLine(rng, rng.chance(0.2) ? mutateLine(rng, base) : base) : base);
  }
  let eol = '\n';
  const e = rng.int(10);
  if (e === 0) eol = '\r\n';
  let text = lines.join(eol);
  if (e === 1) text = lines.map((l) => l + rng.pick(['\n', '\r\n', '\r'])).join('');
  if (rng.chance(0.5)) text += eol;
  if (rng.chance(0.05)) text = '\ufeff' + text;
  if (rng.chance(0.05)) text = text.slice(0, rng.int(text.length + 1));
  const wrap = rng.int(40);
  if (wrap === 0) return utf16le(text);
  let bytes = encoder.encode(text);
  if (wrap === 1 || wrap === 2) {
    bytes = new Uint8Array(gzipSync(bytes));
    if (wrap === 2) bytes = bytes.subarray(0, rng.int(bytes.length + 1));
  }
  if (wrap === 3 && bytes.length > 0) {
    // Raw byte damage after encoding (invalid UTF-8, stray NULs).
    bytes = bytes.slice();
    for (let k = 0; k < 3; k++) bytes[rng.int(bytes.length)] = rng.pick([0, 0xff, 0xc3, 0x0a, 0x0d, 0x80]);
  }
  return bytes;
}

/** Physical lines as the readers define them: `\n`-terminated, plus an unterminated last one. */
export function physicalLines(bytes: Uint8Array): number {
  let start = 0;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  let n = 0;
  for (let i = start; i < bytes.length; i++) if (bytes[i] === 10) n++;
  if (bytes.length > start && bytes[bytes.length - 1] !== 10) n++;
  return n;
}

export type Outcome = { kind: 'read'; stats: ReadStats; rows: number } | { kind: 'refused'; message: string };

/** Thrown when a reader breaks its contract; carries what is needed to replay the input. */
export class FuzzFailure extends Error {}

export function skippedTotal(stats: ReadStats): number {
  return Object.values(stats.skipped).reduce((a, r) => a + r.count, 0);
}

/** Runs one input and checks the contract; throws FuzzFailure when it is broken. */
export async function checkInput(reader: FuzzReader, bytes: Uint8Array, expectLines: number | null): Promise<Outcome> {
  let result: Awaited<ReturnType<typeof readFlowBuffer>>;
  try {
    result = await readFlowBuffer(bytes, { ...reader.options, chunkRows: 64 });
  } catch (err) {
    if (err instanceof FlowFormatError) {
      if (!err.message) throw new FuzzFailure('FlowFormatError without a message');
      return { kind: 'refused', message: err.message };
    }
    throw new FuzzFailure(`crash: ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`);
  }
  const { stats, table } = result;
  const accounted = stats.flows + stats.blankLines + stats.nonDataLines + skippedTotal(stats);
  if (accounted !== stats.lines) throw new FuzzFailure(`lines not accounted: lines ${stats.lines} ≠ flows ${stats.flows} + blank ${stats.blankLines} + nonData ${stats.nonDataLines} + skipped ${skippedTotal(stats)}`);
  if (expectLines !== null && stats.lines !== expectLines) throw new FuzzFailure(`reader counted ${stats.lines} lines, the input has ${expectLines}`);
  if (table.length !== stats.flows) throw new FuzzFailure(`table has ${table.length} rows, stats say ${stats.flows} flows`);
  for (let i = 0; i < table.length; i++) {
    if (!Number.isFinite(table.ts[i]!)) throw new FuzzFailure(`row ${i} has a non-finite timestamp ${table.ts[i]}`);
  }
  return { kind: 'read', stats, rows: table.length };
}

/** The line count to expect: only knowable from the raw bytes when they are plain UTF-8 text. */
export function expectedLines(bytes: Uint8Array): number | null {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return null;
  return physicalLines(bytes);
}

/**
 * The same bytes fed to the line engine in random-sized pieces (as a stream delivers them) must
 * give the same accounting and rows as one buffer: line ends, `\r\n` pairs and the BOM may fall on
 * any piece boundary.
 */
export function checkSplitInvariance(reader: FuzzReader, bytes: Uint8Array, whole: Outcome, rng: Rng): void {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return;
  const engine = new LineEngine({
    format: reader.options.format ?? 'auto',
    dicts: createDictionaries(),
    chunkRows: 64,
    zone: timeZoneResolver(reader.options.timeZone),
    columnMap: reader.options.columnMap,
    name: 'input',
  });
  let rows = 0;
  let outcome: Outcome;
  try {
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + rng.int(rng.chance(0.1) ? 4 : 300);
      for (const t of engine.push(bytes.subarray(at, Math.min(bytes.length, at + n)))) rows += t.length;
      at += n;
    }
    for (const t of engine.end()) rows += t.length;
    outcome = { kind: 'read', stats: engine.stats(), rows };
  } catch (err) {
    if (!(err instanceof FlowFormatError)) throw new FuzzFailure(`crash when fed in pieces: ${err instanceof Error ? err.stack : String(err)}`);
    outcome = { kind: 'refused', message: err.message };
  }
  if (outcome.kind !== whole.kind) throw new FuzzFailure(`fed in pieces the input was ${outcome.kind}, as one buffer ${whole.kind}`);
  if (outcome.kind === 'read' && whole.kind === 'read') {
    const a = { ...outcome.stats, bytes: 0 };
    const b = { ...whole.stats, bytes: 0 };
    if (JSON.stringify(a) !== JSON.stringify(b) || outcome.rows !== whole.rows) {
      throw new FuzzFailure(`fed in pieces: ${JSON.stringify(a)} rows ${outcome.rows}; as one buffer: ${JSON.stringify(b)} rows ${whole.rows}`);
    }
  }
}
