/**
 * CSV files whose header says which column holds what: nfdump's two header generations and
 * generic CSV with a user column map. Times may be calendar text or epoch numbers; protocols names
 * or numbers (mapped to names).
 */
import { NO_CODE, type FlowTableBuilder, type OptionalColumn } from '../../../engine/flowTable.js';
import { FieldSplitter } from '../fields.js';
import { REJECTED } from '../interner.js';
import { BAD_PORT, parseDecimal, parsePort } from '../numbers.js';
import type { SkipReasonId } from '../skips.js';
import { parseAnyTime } from '../time.js';
import { roleOfField } from '../columnRoles.js';
import type { FileFormat, ParseContext, RowParser } from './types.js';

/** Generic CSV: the header name of each field. */
export interface ColumnMap {
  ts: string;
  srcIp: string;
  dstIp: string;
  srcPort?: string;
  dstPort?: string;
  proto?: string;
  state?: string;
  bytes?: string;
  packets?: string;
  srcBytes?: string;
  dstBytes?: string;
  duration?: string;
  label?: string;
}

/** Column indices (-1 = absent); `bytes`/`packets` may sum several columns (nfdump in + out). */
export interface CsvLayout {
  ts: number;
  srcIp: number;
  dstIp: number;
  srcPort: number;
  dstPort: number;
  proto: number;
  state: number;
  bytes: number[];
  packets: number[];
  srcBytes: number;
  dstBytes: number;
  duration: number;
  label: number;
}

function finder(names: readonly string[]): (n: string) => number {
  const lower = names.map((x) => x.toLowerCase());
  return (n) => {
    const exact = names.indexOf(n);
    return exact >= 0 ? exact : lower.indexOf(n.toLowerCase());
  };
}

/** nfdump ≤ 1.7.4 (`ts,te,td,sa,da,sp,dp,pr,flg,…,ipkt,ibyt,opkt,obyt`) or ≥ 1.7.5 (`firstSeen,…`). */
export function nfdumpLayout(names: readonly string[]): CsvLayout | null {
  const at = finder(names);
  if (at('ts') >= 0 && at('sa') >= 0 && at('da') >= 0 && at('te') >= 0) {
    const ibyt = at('ibyt');
    const obyt = at('obyt');
    return {
      ts: at('ts'),
      srcIp: at('sa'),
      dstIp: at('da'),
      srcPort: at('sp'),
      dstPort: at('dp'),
      proto: at('pr'),
      state: at('flg'),
      bytes: [ibyt, obyt].filter((i) => i >= 0),
      packets: [at('ipkt'), at('opkt')].filter((i) => i >= 0),
      srcBytes: ibyt,
      dstBytes: obyt,
      duration: at('td'),
      label: -1,
    };
  }
  if (at('firstSeen') >= 0 && at('srcAddr') >= 0 && at('dstAddr') >= 0) {
    const inB = at('inBytes');
    const outB = at('outBytes');
    const bytes = at('bytes');
    return {
      ts: at('firstSeen'),
      srcIp: at('srcAddr'),
      dstIp: at('dstAddr'),
      srcPort: at('srcPort'),
      dstPort: at('dstPort'),
      proto: at('proto'),
      state: at('flags'),
      bytes: bytes >= 0 ? [bytes] : [inB, outB].filter((i) => i >= 0),
      packets: at('packets') >= 0 ? [at('packets')] : [at('inPackets'), at('outPackets')].filter((i) => i >= 0),
      srcBytes: inB,
      dstBytes: outB,
      duration: at('duration'),
      label: -1,
    };
  }
  return null;
}

/** The layout a column map gives for this header, or the mapped names the header lacks. */
export function columnMapLayout(names: readonly string[], map: ColumnMap): CsvLayout | { missing: string[] } {
  const at = finder(names);
  const missing: string[] = [];
  const idx = (field: keyof ColumnMap): number => {
    const name = map[field];
    if (name === undefined || name === '') return -1;
    const i = at(name);
    // in the role words the user wrote the map in (settings and --columns), not the reader's
    if (i < 0) missing.push(`${roleOfField(field)}='${name}'`);
    return i;
  };
  const layout: CsvLayout = {
    ts: idx('ts'),
    srcIp: idx('srcIp'),
    dstIp: idx('dstIp'),
    srcPort: idx('srcPort'),
    dstPort: idx('dstPort'),
    proto: idx('proto'),
    state: idx('state'),
    bytes: [idx('bytes')].filter((i) => i >= 0),
    packets: [idx('packets')].filter((i) => i >= 0),
    srcBytes: idx('srcBytes'),
    dstBytes: idx('dstBytes'),
    duration: idx('duration'),
    label: idx('label'),
  };
  return missing.length ? { missing } : layout;
}

export class HeaderCsvParser implements RowParser {
  readonly columns: OptionalColumn[] = [];
  private readonly f = new FieldSplitter();
  private inSummary = false;
  private readonly protoMissing: number;

  constructor(
    private readonly ctx: ParseContext,
    readonly format: FileFormat,
    private readonly layout: CsvLayout,
    private readonly nFields: number,
  ) {
    const L = layout;
    if (L.state >= 0) this.columns.push('state');
    if (L.bytes.length) this.columns.push('bytes');
    if (L.packets.length) this.columns.push('packets');
    if (L.srcBytes >= 0) this.columns.push('srcBytes');
    if (L.dstBytes >= 0) this.columns.push('dstBytes');
    if (L.duration >= 0) this.columns.push('duration');
    if (L.label >= 0) this.columns.push('label');
    // A file without a protocol column still needs a protocol code per row: "unknown" is one value.
    this.protoMissing = L.proto >= 0 ? -1 : ctx.proto.code(new TextEncoder().encode('unknown'), 0, 7);
  }

  /** nfdump ≤ 1.7.4 ends with a "Summary" block (and prints "No matched flows" when empty). */
  isNonData(buf: Uint8Array, s: number, e: number): boolean {
    if (this.format !== 'nfdump') return false;
    if (this.inSummary) return true;
    const c = buf[s]! | 0x20;
    if (c !== 115 && c !== 110) return false; // neither "Summary" nor "No matched flows": a data line
    const text = new TextDecoder('latin1').decode(buf.subarray(s, Math.min(e, s + 16)));
    if (/^summary\b/i.test(text)) {
      this.inSummary = true;
      return true;
    }
    return /^no matched flows/i.test(text);
  }

  private num(buf: Uint8Array, i: number): number {
    if (i < 0) return NaN;
    const s = this.f.start[i]!;
    const e = this.f.end[i]!;
    if (s === e) return NaN;
    const v = parseDecimal(buf, s, e);
    return Number.isNaN(v) ? -Infinity : v;
  }

  private sum(buf: Uint8Array, cols: readonly number[]): number {
    let total = 0;
    for (const c of cols) {
      const v = this.num(buf, c);
      if (v === -Infinity) return v;
      if (!Number.isNaN(v)) total += v;
      else if (cols.length === 1) return NaN;
    }
    return total;
  }

  parse(buf: Uint8Array, s: number, e: number, b: FlowTableBuilder): SkipReasonId | null {
    const f = this.f;
    if (f.split(buf, s, e, 44, this.format === 'csv') !== this.nFields) return 'wrong-field-count';
    const fs = f.start;
    const fe = f.end;
    const L = this.layout;
    const ctx = this.ctx;
    const ts = parseAnyTime(buf, fs[L.ts]!, fe[L.ts]!, ctx.zone);
    if (Number.isNaN(ts)) return 'bad-timestamp';
    const sport = L.srcPort < 0 ? -1 : parsePort(buf, fs[L.srcPort]!, fe[L.srcPort]!);
    const dport = L.dstPort < 0 ? -1 : parsePort(buf, fs[L.dstPort]!, fe[L.dstPort]!);
    if (sport === BAD_PORT || dport === BAD_PORT) return 'bad-port';
    const bytes = this.sum(buf, L.bytes);
    const pkts = this.sum(buf, L.packets);
    const up = this.num(buf, L.srcBytes);
    const down = this.num(buf, L.dstBytes);
    const dur = this.num(buf, L.duration);
    if (bytes === -Infinity || pkts === -Infinity || up === -Infinity || down === -Infinity || dur === -Infinity) return 'bad-number';
    const src = ctx.ip.code(buf, fs[L.srcIp]!, fe[L.srcIp]!);
    if (src === REJECTED) return 'bad-ip';
    const dst = ctx.ip.code(buf, fs[L.dstIp]!, fe[L.dstIp]!);
    if (dst === REJECTED) return 'bad-ip';
    const proto = L.proto < 0 ? this.protoMissing : ctx.proto.code(buf, fs[L.proto]!, fe[L.proto]!);
    if (proto === REJECTED) return 'bad-protocol';
    const r = b.addRow();
    b.ts[r] = ts;
    b.srcIp[r] = src;
    b.dstIp[r] = dst;
    b.srcPort[r] = sport;
    b.dstPort[r] = dport;
    b.proto[r] = proto;
    if (b.state) b.state[r] = fs[L.state]! === fe[L.state]! ? NO_CODE : ctx.state.code(buf, fs[L.state]!, fe[L.state]!);
    if (b.bytes) b.bytes[r] = bytes;
    if (b.packets) b.packets[r] = pkts;
    if (b.srcBytes) b.srcBytes[r] = up;
    if (b.dstBytes) b.dstBytes[r] = down;
    if (b.duration) b.duration[r] = dur;
    if (b.label) b.label[r] = fs[L.label]! === fe[L.label]! ? NO_CODE : ctx.label.code(buf, fs[L.label]!, fe[L.label]!);
    return null;
  }
}
