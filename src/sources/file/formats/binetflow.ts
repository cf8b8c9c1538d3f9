/**
 * Argus bidirectional flows as exported by CTU-13 (`*.binetflow`): CSV with a header naming the
 * columns (`StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,
 * SrcBytes,Label`, sometimes with `srcUdata,dstUdata` too). Columns are found by name, so extra or
 * reordered columns are fine.
 */
import { NO_CODE, NO_PORT, type FlowTableBuilder, type OptionalColumn } from '../../../engine/flowTable.js';
import { FieldSplitter } from '../fields.js';
import { REJECTED } from '../interner.js';
import { BAD_PORT, hasPorts, isPortlessId, parseDecimal, parsePort } from '../numbers.js';
import type { SkipReasonId } from '../skips.js';
import { parseDateTime } from '../time.js';
import type { ParseContext, RowParser } from './types.js';

export const BINETFLOW_HEADER = 'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label';

/** True when a header line names the Argus columns this reader needs. */
export function isBinetflowHeader(names: readonly string[]): boolean {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  return ['starttime', 'proto', 'srcaddr', 'dstaddr'].every((n) => lower.has(n));
}

export class BinetflowParser implements RowParser {
  readonly format = 'binetflow' as const;
  readonly columns: OptionalColumn[] = [];
  private readonly f = new FieldSplitter();
  private readonly nFields: number;
  private readonly iTime: number;
  private readonly iDur: number;
  private readonly iProto: number;
  private readonly iSrc: number;
  private readonly iSport: number;
  private readonly iDst: number;
  private readonly iDport: number;
  private readonly iState: number;
  private readonly iPkts: number;
  private readonly iBytes: number;
  private readonly iSrcBytes: number;
  private readonly iLabel: number;

  /** `names`: the header's column names (the standard header when the file has none). */
  constructor(
    private readonly ctx: ParseContext,
    names: readonly string[] = BINETFLOW_HEADER.split(','),
  ) {
    const at = (n: string): number => names.findIndex((x) => x.toLowerCase() === n);
    this.nFields = names.length;
    this.iTime = at('starttime');
    this.iDur = at('dur');
    this.iProto = at('proto');
    this.iSrc = at('srcaddr');
    this.iSport = at('sport');
    this.iDst = at('dstaddr');
    this.iDport = at('dport');
    this.iState = at('state');
    this.iPkts = at('totpkts');
    this.iBytes = at('totbytes');
    this.iSrcBytes = at('srcbytes');
    this.iLabel = at('label');
    if (this.iState >= 0) this.columns.push('state');
    if (this.iBytes >= 0) this.columns.push('bytes');
    if (this.iPkts >= 0) this.columns.push('packets');
    if (this.iSrcBytes >= 0) this.columns.push('srcBytes');
    if (this.iSrcBytes >= 0 && this.iBytes >= 0) this.columns.push('dstBytes');
    if (this.iDur >= 0) this.columns.push('duration');
    if (this.iLabel >= 0) this.columns.push('label');
  }

  private num(buf: Uint8Array, i: number): number {
    if (i < 0) return NaN;
    const s = this.f.start[i]!;
    const e = this.f.end[i]!;
    if (s === e) return NaN;
    const v = parseDecimal(buf, s, e);
    return Number.isNaN(v) ? -Infinity : v; // -Infinity marks "present but not a number"
  }

  parse(buf: Uint8Array, s: number, e: number, b: FlowTableBuilder): SkipReasonId | null {
    const f = this.f;
    if (f.split(buf, s, e, 44, false) !== this.nFields) return 'wrong-field-count';
    const fs = f.start;
    const fe = f.end;
    const ctx = this.ctx;
    const ts = parseDateTime(buf, fs[this.iTime]!, fe[this.iTime]!, ctx.zone);
    if (Number.isNaN(ts)) return 'bad-timestamp';
    let sport = this.iSport < 0 ? -1 : parsePort(buf, fs[this.iSport]!, fe[this.iSport]!);
    let dport = this.iDport < 0 ? -1 : parsePort(buf, fs[this.iDport]!, fe[this.iDport]!);
    if (sport === BAD_PORT || dport === BAD_PORT) {
      // an ESP tunnel's SPI where the port would be: the flow is real traffic, kept without a port
      if (hasPorts(buf, fs[this.iProto]!, fe[this.iProto]!)) return 'bad-port';
      if (sport === BAD_PORT && isPortlessId(buf, fs[this.iSport]!, fe[this.iSport]!)) sport = NO_PORT;
      if (dport === BAD_PORT && isPortlessId(buf, fs[this.iDport]!, fe[this.iDport]!)) dport = NO_PORT;
      if (sport === BAD_PORT || dport === BAD_PORT) return 'bad-port';
    }
    const dur = this.num(buf, this.iDur);
    const pkts = this.num(buf, this.iPkts);
    const bytes = this.num(buf, this.iBytes);
    const srcBytes = this.num(buf, this.iSrcBytes);
    if (dur === -Infinity || pkts === -Infinity || bytes === -Infinity || srcBytes === -Infinity) return 'bad-number';
    const src = ctx.ip.code(buf, fs[this.iSrc]!, fe[this.iSrc]!);
    if (src === REJECTED) return 'bad-ip';
    const dst = ctx.ip.code(buf, fs[this.iDst]!, fe[this.iDst]!);
    if (dst === REJECTED) return 'bad-ip';
    const proto = ctx.proto.code(buf, fs[this.iProto]!, fe[this.iProto]!);
    if (proto === REJECTED) return 'bad-protocol';
    const r = b.addRow();
    b.ts[r] = ts;
    b.srcIp[r] = src;
    b.dstIp[r] = dst;
    b.srcPort[r] = sport;
    b.dstPort[r] = dport;
    b.proto[r] = proto;
    if (b.state) b.state[r] = fs[this.iState]! === fe[this.iState]! ? NO_CODE : ctx.state.code(buf, fs[this.iState]!, fe[this.iState]!);
    if (b.bytes) b.bytes[r] = bytes;
    if (b.packets) b.packets[r] = pkts;
    if (b.srcBytes) b.srcBytes[r] = srcBytes;
    if (b.dstBytes) b.dstBytes[r] = bytes - srcBytes;
    if (b.duration) b.duration[r] = dur;
    if (b.label) b.label[r] = fs[this.iLabel]! === fe[this.iLabel]! ? NO_CODE : ctx.label.code(buf, fs[this.iLabel]!, fe[this.iLabel]!);
    return null;
  }
}
