/**
 * The common seed line in one pass: `YYYY-MM-DD HH:MM:SS,proto,state,a.b.c.d,port,a.b.c.d,port,n,n`
 * with no padding, integer ports and byte counts. Each field is parsed while it is scanned (no
 * separate comma pass), the timestamp's date-and-minute prefix is decoded once per minute, and an
 * IPv4 address goes to its code by value. Any line outside that shape is left to the general
 * SeedParser, so every value read here is one that parser would read identically.
 */
import { NO_CODE, NO_PORT, type FlowTableBuilder } from '../../../engine/flowTable.js';
import { REJECTED } from '../interner.js';
import type { SkipReasonId } from '../skips.js';
import { parseDateTime } from '../time.js';
import type { ParseContext } from './types.js';

/** Returned by `parse` when the line is not of the common shape: the general parser decides. */
export const NOT_FAST = 'not-fast';

const COMMA = 44;

function blank(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

export class SeedFastPath {
  /** The 17 bytes `YYYY-MM-DD HH:MM:` of the last minute decoded, and its epoch second. */
  private readonly prefix = new Uint8Array(17);
  private prefixValid = false;
  private prefixBase = 0;
  private readonly scratch = new Uint8Array(19);

  constructor(private readonly ctx: ParseContext) {}

  parse(buf: Uint8Array, s: number, e: number, b: FlowTableBuilder): SkipReasonId | null | typeof NOT_FAST {
    // Timestamp: exactly 19 bytes then a comma; the minute prefix compared from its end (the
    // minute digits change first).
    if (e - s < 36 || buf[s + 19] !== COMMA) return NOT_FAST;
    const s0 = buf[s + 17]! - 48;
    const s1 = buf[s + 18]! - 48;
    if (s0 < 0 || s0 > 5 || s1 < 0 || s1 > 9) return NOT_FAST;
    const prefix = this.prefix;
    let same = this.prefixValid;
    if (same) {
      for (let k = 16; k >= 0; k--) {
        if (prefix[k] !== buf[s + k]) {
          same = false;
          break;
        }
      }
    }
    if (!same && !this.newMinute(buf, s)) return NOT_FAST;
    const ts = this.prefixBase + s0 * 10 + s1;

    // Text fields (protocol, state) end at the next comma; padded ones go to the general parser.
    let i = s + 20;
    const pa = i;
    while (i < e && buf[i] !== COMMA) i++;
    const pz = i++;
    if (i >= e || (pz > pa && (blank(buf[pa]) || blank(buf[pz - 1])))) return NOT_FAST;
    const sa = i;
    while (i < e && buf[i] !== COMMA) i++;
    const sz = i++;
    if (i >= e || (sz > sa && (blank(buf[sa]) || blank(buf[sz - 1])))) return NOT_FAST;

    // Source address: dotted IPv4 by value, or any other text for the address interner.
    const ia = i;
    let v = 0;
    let part = 0;
    let digits = 0;
    let dots = 0;
    let v4 = true;
    for (; i < e; i++) {
      const c = buf[i]!;
      if (c === COMMA) break;
      if (!v4) continue;
      if (c === 46) {
        if (digits === 0 || dots === 3) v4 = false;
        v = (v << 8) | part;
        dots++;
        part = 0;
        digits = 0;
      } else {
        const d = c - 48;
        if (d < 0 || d > 9 || (digits === 1 && part === 0)) v4 = false;
        part = part * 10 + d;
        if (part > 255) v4 = false;
        digits++;
      }
    }
    const iz = i++;
    if (i >= e || iz === ia || blank(buf[ia]) || blank(buf[iz - 1])) return NOT_FAST;
    const srcIsV4 = v4 && dots === 3 && digits > 0;
    const srcV4 = srcIsV4 ? (v << 8) | part : 0;

    // Source port: 1–5 digits, or empty (no port).
    let sport = NO_PORT;
    if (buf[i] !== COMMA) {
      sport = 0;
      const pa0 = i;
      for (; i < e; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        sport = sport * 10 + d;
      }
      if (i >= e || buf[i] !== COMMA || i - pa0 > 5 || sport > 65535) return NOT_FAST;
    }
    i++;

    const da = i;
    v = 0;
    part = 0;
    digits = 0;
    dots = 0;
    v4 = true;
    for (; i < e; i++) {
      const c = buf[i]!;
      if (c === COMMA) break;
      if (!v4) continue;
      if (c === 46) {
        if (digits === 0 || dots === 3) v4 = false;
        v = (v << 8) | part;
        dots++;
        part = 0;
        digits = 0;
      } else {
        const d = c - 48;
        if (d < 0 || d > 9 || (digits === 1 && part === 0)) v4 = false;
        part = part * 10 + d;
        if (part > 255) v4 = false;
        digits++;
      }
    }
    const dz = i++;
    if (i >= e || dz === da || blank(buf[da]) || blank(buf[dz - 1])) return NOT_FAST;
    const dstIsV4 = v4 && dots === 3 && digits > 0;
    const dstV4 = dstIsV4 ? (v << 8) | part : 0;

    let dport = NO_PORT;
    if (buf[i] !== COMMA) {
      dport = 0;
      const pa0 = i;
      for (; i < e; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        dport = dport * 10 + d;
      }
      if (i >= e || buf[i] !== COMMA || i - pa0 > 5 || dport > 65535) return NOT_FAST;
    }
    i++;

    // Byte counts: plain integers of at most 15 digits (exact doubles), or empty (missing).
    let up = NaN;
    if (buf[i] !== COMMA) {
      up = 0;
      const ua = i;
      for (; i < e; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        up = up * 10 + d;
      }
      if (i >= e || buf[i] !== COMMA || i === ua || i - ua > 15) return NOT_FAST;
    }
    i++;
    let down = NaN;
    if (i < e) {
      down = 0;
      const wa = i;
      for (; i < e; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        down = down * 10 + d;
      }
      if (i !== e || i - wa > 15) return NOT_FAST;
    }

    // Every number is valid: intern in the general parser's order, with its skip reasons.
    const ctx = this.ctx;
    const src = srcIsV4 ? ctx.ip.codeV4(srcV4) : ctx.ip.code(buf, ia, iz);
    if (src === REJECTED) return 'bad-ip';
    const dst = dstIsV4 ? ctx.ip.codeV4(dstV4) : ctx.ip.code(buf, da, dz);
    if (dst === REJECTED) return 'bad-ip';
    const proto = ctx.proto.code(buf, pa, pz);
    if (proto === REJECTED) return 'bad-protocol';
    const state = sa === sz ? NO_CODE : ctx.state.code(buf, sa, sz);
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

  /**
   * Decodes a new `YYYY-MM-DD HH:MM:` prefix with the general timestamp parser. It is cached only
   * when the zone maps the whole minute linearly (no offset change inside it), so base + seconds
   * is what the general parser gives for every second of that minute.
   */
  private newMinute(buf: Uint8Array, s: number): boolean {
    const scratch = this.scratch;
    for (let k = 0; k < 17; k++) scratch[k] = buf[s + k]!;
    scratch[17] = 48;
    scratch[18] = 48;
    const base = parseDateTime(scratch, 0, 19, this.ctx.zone);
    // A fixed layout (`HH` right after one space), so the last two bytes are the seconds.
    if (Number.isNaN(base) || scratch[10] !== 32 || scratch[11]! < 48 || scratch[11]! > 57) return false;
    scratch[17] = 53;
    scratch[18] = 57;
    if (parseDateTime(scratch, 0, 19, this.ctx.zone) !== base + 59) return false;
    this.prefix.set(scratch.subarray(0, 17));
    this.prefixBase = base;
    this.prefixValid = true;
    return true;
  }
}
