/**
 * CTU-13 `*.pcap.netflow.labeled` (nfdump-style text with a label column): a header line, then
 * blank-separated fields `date time duration proto src -> dst flags tos packets bytes flows label`,
 * addresses as `IP:port`. The first data line is a flow like any other (the seed dropped it).
 */
import { NO_CODE, NO_PORT, type FlowTableBuilder, type OptionalColumn } from '../../../engine/flowTable.js';
import { FieldSplitter } from '../fields.js';
import { REJECTED } from '../interner.js';
import { BAD_PORT, parseDecimal, parsePort } from '../numbers.js';
import type { SkipReasonId } from '../skips.js';
import { parseDateTime } from '../time.js';
import type { ParseContext, RowParser } from './types.js';

export const NETFLOW_LABELED_HEADER = 'Date flow start          Durat Prot    Src IP Addr:Port          Dst IP Addr:Port   Flags Tos Packets Bytes Flows  Label';

export function isNetflowLabeledHeader(line: string): boolean {
  return /^\s*date\s+(flow\s+start|first\s+seen)\b/i.test(line);
}

/**
 * Where the port starts in an `address[:port]` token, or -1 when it has none. IPv4 `a.b.c.d:p`
 * splits at its one colon; IPv6 and MAC tokens contain colons, so for them nfdump's `addr.port`
 * form is recognised by the dots instead (one dot, or four with an embedded IPv4).
 */
export function portStart(buf: Uint8Array, s: number, e: number): number {
  let colons = 0;
  let dots = 0;
  let lastColon = -1;
  let lastDot = -1;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 58) {
      colons++;
      lastColon = i;
    } else if (c === 46) {
      dots++;
      lastDot = i;
    }
  }
  if (colons === 1) return lastColon + 1;
  if (colons >= 2 && (dots === 1 || dots === 4)) return lastDot + 1;
  return -1;
}

const UNIT_SCALE: Record<number, number> = { 75: 1e3, 77: 1e6, 71: 1e9, 84: 1e12 };

function isDirection(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c !== 45 && c !== 60 && c !== 62 && c !== 63 && c !== 124) return false;
  }
  return e > s;
}

export class NetflowLabeledParser implements RowParser {
  readonly format = 'netflow-labeled' as const;
  readonly columns: readonly OptionalColumn[] = ['state', 'bytes', 'packets', 'duration', 'label'];
  private readonly f = new FieldSplitter();

  constructor(private readonly ctx: ParseContext) {}

  parse(buf: Uint8Array, s: number, e: number, b: FlowTableBuilder): SkipReasonId | null {
    const f = this.f;
    const n = f.splitBlanks(buf, s, e);
    const fs = f.start;
    const fe = f.end;
    if (n < 12 || n > 256 || !isDirection(buf, fs[5]!, fe[5]!)) return 'wrong-field-count';
    const ctx = this.ctx;
    const ts = parseDateTime(buf, fs[0]!, fe[1]!, ctx.zone);
    if (Number.isNaN(ts)) return 'bad-timestamp';
    const srcP = portStart(buf, fs[4]!, fe[4]!);
    const dstP = portStart(buf, fs[6]!, fe[6]!);
    const sport = srcP < 0 ? NO_PORT : parsePort(buf, srcP, fe[4]!);
    const dport = dstP < 0 ? NO_PORT : parsePort(buf, dstP, fe[6]!);
    if (sport === BAD_PORT || dport === BAD_PORT) return 'bad-port';
    const dur = parseDecimal(buf, fs[2]!, fe[2]!);
    // nfdump prints large counters scaled, as two tokens ("1.2 M"): fold the unit into the number.
    const pkts = this.counter(buf, 9, n);
    const bytes = this.counter(buf, this.next, n);
    if (this.next >= n) return 'wrong-field-count';
    const labelAt = this.next + 1;
    if (Number.isNaN(dur) || Number.isNaN(pkts) || Number.isNaN(bytes)) return 'bad-number';
    const src = ctx.ip.code(buf, fs[4]!, srcP < 0 ? fe[4]! : srcP - 1);
    if (src === REJECTED) return 'bad-ip';
    const dst = ctx.ip.code(buf, fs[6]!, dstP < 0 ? fe[6]! : dstP - 1);
    if (dst === REJECTED) return 'bad-ip';
    const proto = ctx.proto.code(buf, fs[3]!, fe[3]!);
    if (proto === REJECTED) return 'bad-protocol';
    const r = b.addRow();
    b.ts[r] = ts;
    b.srcIp[r] = src;
    b.dstIp[r] = dst;
    b.srcPort[r] = sport;
    b.dstPort[r] = dport;
    b.proto[r] = proto;
    b.state![r] = ctx.state.code(buf, fs[7]!, fe[7]!);
    b.bytes![r] = bytes;
    b.packets![r] = pkts;
    b.duration![r] = dur;
    // Everything after the flows count is the label (some exports split it into two columns).
    b.label![r] = n > labelAt ? ctx.label.code(buf, fs[labelAt]!, fe[n - 1]!) : NO_CODE;
    return null;
  }

  /** Index of the token after the last `counter` read. */
  private next = 0;

  /** The counter at token `k`, times 1000^i when the next token is a unit K, M, G or T. */
  private counter(buf: Uint8Array, k: number, n: number): number {
    const fs = this.f.start;
    const fe = this.f.end;
    if (k >= n) {
      this.next = n;
      return NaN;
    }
    const v = parseDecimal(buf, fs[k]!, fe[k]!);
    if (k + 1 < n && fe[k + 1]! - fs[k + 1]! === 1) {
      const scale = UNIT_SCALE[buf[fs[k + 1]!]!];
      if (scale !== undefined) {
        this.next = k + 2;
        return Math.round(v * scale);
      }
    }
    this.next = k + 1;
    return v;
  }
}
