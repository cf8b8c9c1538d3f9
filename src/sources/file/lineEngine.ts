/**
 * The synchronous heart of every reader: takes the file's bytes in pieces of any size, cuts them
 * into lines, detects the format from the first lines, parses rows into bounded FlowTable chunks,
 * and counts every line that is not a flow (blank, header, summary, or skipped with a reason).
 */
import { Buffer } from 'node:buffer';
import { FlowTableBuilder, type FlowDictionaries, type FlowTable } from '../../engine/flowTable.js';
import { chooseFormat, FlowFormatError, FORMATS_TRIED, type FormatChoice } from './detect.js';
import type { ColumnMap } from './formats/headerCsv.js';
import { createContext, RUN_SLACK, type FileFormat, type RowParser } from './formats/types.js';
import { SkipCounter, type SkipReason } from './skips.js';
import type { TimeZoneResolver } from './time.js';

export interface ReadStats {
  format: FileFormat;
  /** Physical lines seen (header, blank and skipped lines included). */
  lines: number;
  flows: number;
  skipped: Record<string, SkipReason>;
  /** Input bytes consumed (compressed bytes for gzip files). */
  bytes: number;
  /** Empty or blank lines (no data, not counted as skipped). */
  blankLines: number;
  /** Lines that belong to the format but carry no flow: the header, nfdump's summary block. */
  nonDataLines: number;
}

export interface EngineOptions {
  format: FileFormat | 'auto';
  dicts: FlowDictionaries;
  chunkRows: number;
  zone: TimeZoneResolver;
  columnMap: ColumnMap | undefined;
  /** Name used in error messages (the file path, or "input"). */
  name: string;
}

/** Lines sampled for format detection. */
const SNIFF_LINES = 64;
const SNIFF_BYTES = 1 << 20;
/** The garbage check looks at this many data lines (or all of a shorter file). */
const GARBAGE_SAMPLE = 1000;
/** A "line" longer than this is not text: it is skipped as a whole up to its end. */
const MAX_LINE = 1 << 20;

function isBinaryLine(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c < 9 || (c > 13 && c < 32) || c === 127) return true;
  }
  return false;
}

/**
 * A line's shape without its content (length, fields), for messages that must not quote a file:
 * enough to see a wrong separator or a header of another tool.
 */
export function lineShape(line: Uint8Array): string {
  if (isBinaryLine(line, 0, line.length)) return 'binary data';
  const text = new TextDecoder('utf-8').decode(line).trim();
  const commas = text.split(',').length;
  const words = text.split(/\s+/).length;
  const fields = (n: number, sep: string): string => `${n} ${sep}-separated field${n === 1 ? '' : 's'}`;
  return `${text.length} characters, ${commas > 1 || words === 1 ? fields(commas, 'comma') : fields(words, 'whitespace')} (not quoted here)`;
}

export class LineEngine {
  private parser: RowParser | null = null;
  private builder: FlowTableBuilder | null = null;
  private headerLine = -1;
  private readonly skips = new SkipCounter();
  private lineNo = 0;
  private flows = 0;
  private blank = 0;
  private nonData = 0;
  private examined = 0;
  private decided = false;
  private atStart = true;
  /** The first bytes, held until there are three to test for a BOM. */
  private head: Uint8Array = new Uint8Array(0);
  /** The number of the input's last line when the end of the data, not a newline, ended it (-1: none). */
  private unfinishedLine = -1;
  /** Bytes of an unfinished line carried to the next piece. */
  private rest: Uint8Array = new Uint8Array(0);
  private restOverflow = false;
  /** Lines held back until the format is known. */
  private sniffed: Uint8Array[] = [];
  private sniffedBytes = 0;
  private out: FlowTable[] = [];
  private held: FlowTable[] = [];
  /** A chunk its consumer gave back (`release`): the next full builder fills its arrays. */
  private spare: FlowTable | null = null;
  private readonly overlongMarkers = new WeakSet<Uint8Array>();
  bytesRead = 0;

  constructor(private readonly opts: EngineOptions) {}

  get format(): FileFormat | null {
    return this.parser?.format ?? null;
  }

  /** Feeds the next piece of the decoded input; returns the chunks completed by it. */
  push(piece: Uint8Array): FlowTable[] {
    // Every piece and every joined line is a Buffer (a view, not a copy, of a plain Uint8Array):
    // the per-line parsers then see one array shape and are optimized once (a second shape cost
    // a deoptimization and a second compile of the seed fast path), and line ends are found by
    // Buffer's indexOf, a memchr, where Uint8Array's is an element loop (lines: 12 → 104 ms).
    let buf: Uint8Array = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (this.atStart) {
      // The BOM test needs the first three bytes, which may arrive in more than one piece.
      if (this.head.length > 0) {
        const joined = Buffer.allocUnsafe(this.head.length + buf.length);
        joined.set(this.head);
        joined.set(buf, this.head.length);
        buf = joined;
        this.head = new Uint8Array(0);
      }
      if (buf.length < 3) {
        this.head = Buffer.from(buf);
        return [];
      }
      this.atStart = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    let pos = 0;
    if (this.rest.length > 0 || this.restOverflow) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        this.appendRest(buf, 0, buf.length);
        return this.take();
      }
      this.appendRest(buf, 0, nl);
      const line = this.rest;
      this.rest = new Uint8Array(0);
      const overflow = this.restOverflow;
      this.restOverflow = false;
      if (overflow) this.overlong();
      else if (this.parser === null) this.line(line, 0, line.length);
      else this.heldLine(line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, line.length - 1) : line, ++this.lineNo);
      pos = nl + 1;
    }
    pos = this.lines(buf, pos);
    if (pos < buf.length) this.appendRest(buf, pos, buf.length);
    return this.take();
  }

  /**
   * The complete lines of `buf` from `pos`; returns where the unfinished rest starts. A method of
   * its own so its loop stays optimized from piece to piece (inside push it was optimized
   * on-stack and discarded at the loop exit for every piece). Runs of common lines go to the
   * parser's `parseRun` (flows only: no line of a run is blank, a header or skipped), and each
   * line it leaves takes the general way.
   */
  private lines(buf: Uint8Array, pos: number): number {
    for (;;) {
      const parser = this.parser;
      if (parser?.parseRun) {
        const b = this.builder!;
        const before = b.length;
        // until the garbage check has run, a run stops where it is due, as a line-by-line read would
        const limit = this.opts.chunkRows - before;
        const maxRows = this.decided ? limit : Math.min(limit, GARBAGE_SAMPLE - this.examined);
        pos = parser.parseRun(buf, pos, buf.length, b, maxRows);
        const n = b.length - before;
        if (n > 0) {
          this.lineNo += n;
          this.flows += n;
          this.examined += n;
          const full = b.length >= this.opts.chunkRows;
          this.afterDataLine();
          // stopped at its row limit: the next run starts at once (a new chunk, or the check passed)
          if (full || n === maxRows) continue;
        }
      }
      const nl = buf.indexOf(10, pos);
      if (nl < 0) return pos;
      this.line(buf, pos, nl);
      pos = nl + 1;
    }
  }

  /** Ends the input: the last line (without a newline) and the remaining rows. */
  end(): FlowTable[] {
    if (this.atStart && this.head.length > 0) {
      // Fewer than three bytes in the whole input: no BOM to strip.
      const head = this.head;
      this.head = new Uint8Array(0);
      this.atStart = false;
      this.push(head);
    }
    if (this.restOverflow) {
      this.restOverflow = false;
      this.overlong();
    } else if (this.rest.length > 0) {
      const line = this.rest;
      this.rest = new Uint8Array(0);
      this.unfinishedLine = this.lineNo + 1;
      this.line(line, 0, line.length);
    }
    if (!this.parser) this.decide(true);
    this.checkGarbage();
    if (this.builder && this.builder.length > 0) this.out.push(this.takeChunk());
    return this.take();
  }

  stats(): ReadStats {
    return {
      format: this.parser?.format ?? (this.opts.format === 'auto' ? 'seed' : this.opts.format),
      lines: this.lineNo,
      flows: this.flows,
      skipped: this.skips.snapshot(),
      bytes: this.bytesRead,
      blankLines: this.blank,
      nonDataLines: this.nonData,
    };
  }

  /** The consumer is done with `chunk` (it copied what it keeps): its arrays may hold the next rows. */
  release(chunk: FlowTable): void {
    this.spare = chunk;
  }

  private take(): FlowTable[] {
    const t = this.out;
    this.out = [];
    return t;
  }

  private appendRest(buf: Uint8Array, s: number, e: number): void {
    if (this.restOverflow) return;
    const n = this.rest.length + (e - s);
    if (n > MAX_LINE) {
      this.restOverflow = true;
      this.rest = new Uint8Array(0);
      return;
    }
    const joined = Buffer.allocUnsafe(n);
    joined.set(this.rest);
    joined.set(buf.subarray(s, e), this.rest.length);
    this.rest = joined;
  }

  private overlong(): void {
    this.lineNo++;
    if (!this.parser) {
      // Still sniffing: an overlong first "line" means this is not a text flow file.
      const marker = new Uint8Array([0]);
      this.overlongMarkers.add(marker);
      this.sniffed.push(marker);
      return;
    }
    this.examined++;
    this.skips.add('line-too-long', this.lineNo);
    this.afterDataLine();
  }

  private line(buf: Uint8Array, s: number, e: number): void {
    if (e > s && buf[e - 1] === 13) e--;
    if (!this.parser) {
      this.lineNo++;
      // a copy: the piece's memory is not ours to keep
      this.sniffed.push(Buffer.from(buf.subarray(s, e)));
      this.sniffedBytes += e - s;
      if (this.sniffed.length >= SNIFF_LINES || this.sniffedBytes >= SNIFF_BYTES) this.decide(false);
      return;
    }
    this.lineNo++;
    this.dataLine(buf, s, e, this.lineNo);
  }

  private dataLine(buf: Uint8Array, s: number, e: number, lineNo: number): void {
    let blank = true;
    for (let i = s; i < e; i++) {
      const c = buf[i];
      if (c !== 32 && c !== 9) {
        blank = false;
        break;
      }
    }
    if (blank) {
      this.blank++;
      return;
    }
    const parser = this.parser!;
    if (lineNo === this.headerLine || (parser.isNonData && parser.isNonData(buf, s, e))) {
      this.nonData++;
      return;
    }
    this.examined++;
    const b = this.builder!;
    const reason = parser.parse(buf, s, e, b);
    if (reason === null) this.flows++;
    else this.skips.add(isBinaryLine(buf, s, e) ? 'binary' : lineNo === this.unfinishedLine ? 'unfinished-last-line' : reason, lineNo);
    this.afterDataLine();
  }

  private afterDataLine(): void {
    if (!this.decided && this.examined >= GARBAGE_SAMPLE) this.checkGarbage();
    const b = this.builder!;
    if (b.length >= this.opts.chunkRows) {
      // Until the garbage check has passed, finished chunks wait: a file rejected as garbage yields nothing.
      (this.decided ? this.out : this.held).push(this.takeChunk());
    }
  }

  /**
   * The rows so far as a table. A full builder hands its arrays over (no copy) and is replaced;
   * a partial one is copied out and reused.
   */
  private takeChunk(): FlowTable {
    const b = this.builder!;
    if (b.ts.length !== b.length) {
      const t = b.finish();
      b.reset();
      return t;
    }
    const t: FlowTable = {
      length: b.length,
      dicts: b.dicts,
      ts: b.ts,
      srcIp: b.srcIp,
      dstIp: b.dstIp,
      srcPort: b.srcPort,
      dstPort: b.dstPort,
      proto: b.proto,
      state: b.state,
      bytes: b.bytes,
      packets: b.packets,
      srcBytes: b.srcBytes,
      dstBytes: b.dstBytes,
      duration: b.duration,
      label: b.label,
    };
    this.builder = new FlowTableBuilder(this.opts.dicts, this.parser!.columns, this.opts.chunkRows, this.spare);
    this.spare = null;
    return t;
  }

  /** A file that is mostly unparseable is the wrong format (or not flows at all): one clear error. */
  private checkGarbage(): void {
    if (this.decided) return;
    this.decided = true;
    const held = this.held;
    this.held = [];
    if (this.examined > 0 && this.skips.total * 2 > this.examined) {
      const fmt = this.parser?.format ?? this.opts.format;
      throw new FlowFormatError(
        `${this.opts.name}: not readable as ${fmt}: ${this.skips.total} of the first ${this.examined} data lines could not be parsed ` +
          `(${this.skips.describe()}). Formats tried: ${this.opts.format === 'auto' ? FORMATS_TRIED : fmt}.`,
      );
    }
    this.out.push(...held);
  }

  private decide(atEnd: boolean): void {
    const lines = this.sniffed;
    this.sniffed = [];
    const hasContent = lines.some((l) => l.some((c) => c !== 32 && c !== 9));
    if (!hasContent) {
      if (!atEnd) {
        // Only blank lines so far: count them and keep sniffing with the next ones.
        this.blank += lines.length;
        this.sniffedBytes = 0;
        return;
      }
      // An empty (or all-blank) file is a valid file with no flows.
      const fmt: FileFormat = this.opts.format === 'auto' ? 'seed' : this.opts.format;
      this.install({ format: fmt, headerIndex: -1, make: () => emptyParser(fmt) }, lines);
      return;
    }
    const choice = chooseFormat(lines, this.opts.format, this.opts.columnMap, this.opts.zone);
    if (!choice) {
      const first = lines.find((l) => l.some((c) => c !== 32 && c !== 9))!;
      const shown = isBinaryLine(first, 0, first.length)
        ? 'binary data'
        : `"${new TextDecoder('utf-8').decode(first.subarray(0, 120))}${first.length > 120 ? '…' : ''}"`;
      const what = this.opts.format === 'auto' ? 'an unknown format' : `not ${this.opts.format}`;
      const tried = `Formats tried: ${this.opts.format === 'auto' ? FORMATS_TRIED : this.opts.format}.`;
      throw new FlowFormatError(`${this.opts.name}: ${what}; first line: ${shown}. ${tried}`, {
        redacted: `${this.opts.name}: ${what}; first line: ${lineShape(first)}. ${tried}`,
      });
    }
    this.install(choice, lines);
  }

  private install(choice: FormatChoice, lines: Uint8Array[]): void {
    const ctx = createContext(this.opts.dicts, this.opts.zone);
    this.parser = choice.make(ctx);
    this.builder = new FlowTableBuilder(this.opts.dicts, this.parser.columns, this.opts.chunkRows <= 1 << 20 ? this.opts.chunkRows : 65536);
    // Sniffed lines are numbered from 1 in order (the reader counted them already).
    const firstNo = this.lineNo - lines.length + 1;
    this.headerLine = choice.headerIndex >= 0 ? firstNo + choice.headerIndex : -1;
    for (let k = 0; k < lines.length; k++) {
      const l = lines[k]!;
      if (this.overlongMarkers.has(l)) {
        this.examined++;
        this.skips.add('line-too-long', firstNo + k);
        this.afterDataLine();
        continue;
      }
      this.heldLine(l, firstNo + k);
    }
  }

  /**
   * A data line held apart from the pieces (sniffed, or joined across two pieces): copied with
   * room after it and offered to a run of one when the parser has runs, else read the general
   * way. Without this the general parser saw a few hundred lines per file, enough for V8 to
   * spend 10 ms optimizing it.
   */
  private heldLine(l: Uint8Array, lineNo: number): void {
    const parser = this.parser!;
    // `l` has already lost its one CR before the newline, as every line does. A run strips the CR
    // before the newline it is given, so a line that still ends in CR (`…\r\r\n` in the file)
    // would lose a second one there: it takes the general way, as it does inside a piece.
    if (parser.parseRun && lineNo !== this.headerLine && !(l.length > 0 && l[l.length - 1] === 13)) {
      const padded = Buffer.alloc(l.length + 1 + RUN_SLACK);
      padded.set(l);
      padded[l.length] = 10;
      if (parser.parseRun(padded, 0, padded.length, this.builder!, 1) > 0) {
        this.flows++;
        this.examined++;
        this.afterDataLine();
        return;
      }
    }
    this.dataLine(l, 0, l.length, lineNo);
  }

}

/** The parser for a file without lines: none of its methods is ever called. */
function emptyParser(format: FileFormat): RowParser {
  return { format, columns: [], parse: () => 'wrong-field-count' };
}
