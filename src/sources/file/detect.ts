/**
 * Which format a file is in, decided from its first lines (never from its name): a header that
 * names a format's columns wins; header-less formats are recognised by parsing sample lines with
 * each candidate and keeping the one that accepts the most.
 */
import { createDictionaries, FlowTableBuilder } from '../../engine/flowTable.js';
import { BinetflowParser, isBinetflowHeader } from './formats/binetflow.js';
import { HeaderCsvParser, nfdumpLayout, columnMapLayout, type ColumnMap } from './formats/headerCsv.js';
import { NetflowLabeledParser, isNetflowLabeledHeader } from './formats/netflowLabeled.js';
import { SEED_FIELDS, SeedParser } from './formats/seed.js';
import { createContext, type FileFormat, type ParseContext, type RowParser } from './formats/types.js';
import type { TimeZoneResolver } from './time.js';

export class FlowFormatError extends Error {
  override readonly name = 'FlowFormatError';
  /**
   * For gzip data that ends early (a file still being written, a cut copy): the lines read before
   * it, whose rows the reader has already handed out. A caller may keep them and say so.
   */
  readonly truncatedAfterLine?: number;
  /**
   * The message without any of the file's content (a quoted first line, a header), for answers
   * that reach other people: a dashboard viewer must not read lines of a file that only happens
   * to sit in the flow folder (a key, a config). Unset when the message quotes nothing.
   */
  readonly redacted?: string;

  constructor(message: string, options?: { truncatedAfterLine?: number; redacted?: string }) {
    super(message);
    if (options?.truncatedAfterLine !== undefined) this.truncatedAfterLine = options.truncatedAfterLine;
    if (options?.redacted !== undefined) this.redacted = options.redacted;
  }
}

/** A FlowFormatError's message fit for a response: `redacted` when the message quotes the file. */
export function messageWithoutContent(err: FlowFormatError): string {
  return err.redacted ?? err.message;
}

export const FORMATS_TRIED =
  'seed CSV (9 fields ts,ip_protocol,state,src_ip,src_port,dst_ip,dst_port,src_tx,dst_tx, no header); ' +
  'CTU-13 netflow-labeled (header "Date flow start …", lines "date time duration proto src -> dst flags tos packets bytes flows label"); ' +
  'Argus binetflow (CSV header with StartTime,Proto,SrcAddr,DstAddr,…); ' +
  'nfdump CSV (header "ts,te,td,sa,da,…" or "firstSeen,duration,proto,srcAddr,…"); ' +
  'generic CSV (needs a column map naming the ts, src_ip and dst_ip header columns)';

export interface FormatChoice {
  format: FileFormat;
  /** Index (in the sample) of the header line, or -1 when the file has none. */
  headerIndex: number;
  make: (ctx: ParseContext) => RowParser;
}

function splitHeader(line: string): string[] {
  return line.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
}

/** A header line's format, or null when the line is not a header Flowlens knows. */
function headerChoice(line: string, index: number, columnMap: ColumnMap | undefined, wanted: FileFormat | 'auto'): FormatChoice | null {
  const names = splitHeader(line);
  const allow = (f: FileFormat): boolean => wanted === 'auto' || wanted === f;
  if (columnMap && allow('csv')) {
    const layout = columnMapLayout(names, columnMap);
    if (!('missing' in layout)) return { format: 'csv', headerIndex: index, make: (ctx) => new HeaderCsvParser(ctx, 'csv', layout, names.length) };
    if (wanted === 'csv') {
      const missing = `the column map names columns the header does not have (${layout.missing.join(', ')})`;
      throw new FlowFormatError(`${missing}; the header is: ${names.join(',')}`, { redacted: `${missing}; the header has ${names.length} column${names.length === 1 ? '' : 's'}` });
    }
  }
  if (allow('binetflow') && isBinetflowHeader(names)) {
    return { format: 'binetflow', headerIndex: index, make: (ctx) => new BinetflowParser(ctx, names) };
  }
  if (allow('nfdump')) {
    const layout = nfdumpLayout(names);
    if (layout) return { format: 'nfdump', headerIndex: index, make: (ctx) => new HeaderCsvParser(ctx, 'nfdump', layout, names.length) };
  }
  if (allow('netflow-labeled') && isNetflowLabeledHeader(line)) {
    return { format: 'netflow-labeled', headerIndex: index, make: (ctx) => new NetflowLabeledParser(ctx) };
  }
  if (allow('seed') && names.length === SEED_FIELDS.length && names.every((n, i) => n.toLowerCase() === SEED_FIELDS[i])) {
    return { format: 'seed', headerIndex: index, make: (ctx) => new SeedParser(ctx) };
  }
  return null;
}

const HEADERLESS: readonly { format: FileFormat; make: (ctx: ParseContext) => RowParser }[] = [
  { format: 'seed', make: (ctx) => new SeedParser(ctx) },
  { format: 'netflow-labeled', make: (ctx) => new NetflowLabeledParser(ctx) },
  { format: 'binetflow', make: (ctx) => new BinetflowParser(ctx) },
];

/**
 * Chooses the format for the sample lines (raw bytes per line, BOM and CR already removed).
 * Returns null when nothing fits; `wanted` restricts the choice to one format.
 */
export function chooseFormat(
  lines: readonly Uint8Array[],
  wanted: FileFormat | 'auto',
  columnMap: ColumnMap | undefined,
  zone: TimeZoneResolver,
): FormatChoice | null {
  const decoder = new TextDecoder('utf-8');
  const first = lines.findIndex((l) => l.some((c) => c !== 32 && c !== 9));
  if (first < 0) return null;
  const head = decoder.decode(lines[first]!);
  const byHeader = headerChoice(head, first, columnMap, wanted);
  if (byHeader) return byHeader;
  if (wanted === 'csv' || wanted === 'nfdump') return null; // these need their header
  // Trial parses go into throw-away dictionaries so sniffing leaves no trace in the real ones.
  const ctx = createContext(createDictionaries(), zone);
  let best: (typeof HEADERLESS)[number] | null = null;
  let bestOk = 0;
  for (const cand of HEADERLESS) {
    if (wanted !== 'auto' && wanted !== cand.format) continue;
    const parser = cand.make(ctx);
    const b = new FlowTableBuilder(createDictionaries(), parser.columns, 64);
    let ok = 0;
    for (let i = first; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.length === 0) continue;
      if (parser.parse(l, 0, l.length, b) === null) ok++;
    }
    if (ok > bestOk) {
      best = cand;
      bestOk = ok;
    }
  }
  if (best) return { format: best.format, headerIndex: -1, make: best.make };
  if (wanted !== 'auto') {
    // The caller insisted on a format: use it and let the per-line reasons speak.
    const forced = HEADERLESS.find((c) => c.format === wanted)!;
    const looksLikeHeader = !/^\s*\d/.test(head);
    return { format: forced.format, headerIndex: looksLikeHeader && forced.format !== 'seed' ? first : -1, make: forced.make };
  }
  return null;
}
