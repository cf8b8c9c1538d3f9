/**
 * Seed-000 CSV: `ts,ip_protocol,state,src_ip,src_port,dst_ip,dst_port,src_tx,dst_tx`, no header
 * (a header with these names is tolerated and counted as a non-data line by the reader).
 */
import { NO_CODE, type FlowTableBuilder, type OptionalColumn } from '../../../engine/flowTable.js';
import { FieldSplitter } from '../fields.js';
import { REJECTED } from '../interner.js';
import { BAD_PORT, parseDecimal, parsePort } from '../numbers.js';
import type { SkipReasonId } from '../skips.js';
import { parseDateTime } from '../time.js';
import { SeedFastPath } from './seedFast.js';
import type { ParseContext, RowParser } from './types.js';

export const SEED_FIELDS = ['ts', 'ip_protocol', 'state', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'src_tx', 'dst_tx'] as const;

export class SeedParser implements RowParser {
  readonly format = 'seed' as const;
  readonly columns: readonly OptionalColumn[] = ['state', 'srcBytes', 'dstBytes'];
  private readonly f = new FieldSplitter();
  private readonly fast: SeedFastPath;

  constructor(private readonly ctx: ParseContext) {
    this.fast = new SeedFastPath(ctx);
  }

  parseRun(buf: Uint8Array, pos: number, limit: number, b: FlowTableBuilder, maxRows: number): number {
    return this.fast.parseRun(buf, pos, limit, b, maxRows);
  }

  /** Any seed line: padded fields, fractional seconds, zone suffixes, hex ports, decimals. */
  parse(buf: Uint8Array, s: number, e: number, b: FlowTableBuilder): SkipReasonId | null {
    const f = this.f;
    const fs = f.start;
    const fe = f.end;
    // The hot path: seed files are unpadded, so one pass finds the 8 commas; padded fields are
    // trimmed afterwards only when a field starts or ends with a blank.
    let n = 0;
    let from = s;
    for (let i = s; i < e; i++) {
      if (buf[i] === 44) {
        if (n === 8) return 'wrong-field-count';
        fs[n] = from;
        fe[n++] = i;
        from = i + 1;
      }
    }
    if (n !== 8) return 'wrong-field-count';
    fs[8] = from;
    fe[8] = e;
    for (let k = 0; k < 9; k++) {
      let a = fs[k]!;
      let z = fe[k]!;
      if (a < z && (buf[a] === 32 || buf[a] === 9 || buf[z - 1] === 32 || buf[z - 1] === 9)) {
        while (a < z && (buf[a] === 32 || buf[a] === 9)) a++;
        while (z > a && (buf[z - 1] === 32 || buf[z - 1] === 9)) z--;
        fs[k] = a;
        fe[k] = z;
      }
    }
    const ctx = this.ctx;
    const ts = parseDateTime(buf, fs[0]!, fe[0]!, ctx.zone);
    if (Number.isNaN(ts)) return 'bad-timestamp';
    // Cheap checks before interning, so a skipped line rarely leaves a value in the dictionaries.
    const sport = parsePort(buf, fs[4]!, fe[4]!);
    const dport = parsePort(buf, fs[6]!, fe[6]!);
    if (sport === BAD_PORT || dport === BAD_PORT) return 'bad-port';
    const up = fs[7]! === fe[7]! ? NaN : parseDecimal(buf, fs[7]!, fe[7]!);
    const down = fs[8]! === fe[8]! ? NaN : parseDecimal(buf, fs[8]!, fe[8]!);
    if ((Number.isNaN(up) && fs[7]! !== fe[7]!) || (Number.isNaN(down) && fs[8]! !== fe[8]!)) return 'bad-number';
    const src = ctx.ip.code(buf, fs[3]!, fe[3]!);
    if (src === REJECTED) return 'bad-ip';
    const dst = ctx.ip.code(buf, fs[5]!, fe[5]!);
    if (dst === REJECTED) return 'bad-ip';
    const proto = ctx.proto.code(buf, fs[1]!, fe[1]!);
    if (proto === REJECTED) return 'bad-protocol';
    const state = fs[2]! === fe[2]! ? NO_CODE : ctx.state.code(buf, fs[2]!, fe[2]!);
    const r = b.addRow();
    b.ts[r] = ts;
    b.proto[r] = proto;
    b.state![r] = state;
    b.srcIp[r] = src;
    b.srcPort[r] = sport;
    b.dstIp[r] = dst;
    b.dstPort[r] = dport;
    b.srcBytes![r] = up;
    b.dstBytes![r] = down;
    return null;
  }
}
