/**
 * Runs of common seed lines: `YYYY-MM-DD HH:MM:SS,proto,state,a.b.c.d,port,a.b.c.d,port,n,n` with
 * no padding, integer ports and byte counts, read a word at a time (`fieldWords.ts`): the
 * timestamp's date-and-minute prefix is compared as four words and decoded once per minute, a
 * text field's words key a cache of the code the interner gave those bytes, and numbers are
 * converted four digits at a time.
 *
 * A line outside that shape, or one a skip reason applies to, stops the run; the reader gives it
 * to the general SeedParser. Every value read here is one that parser reads identically, and the
 * dictionaries see the same values in the same order (numbers are checked before any code is
 * looked up, and codes are looked up in the parser's order).
 */
import { createDictionaries, FlowTableBuilder, NO_CODE, NO_PORT } from '../../../engine/flowTable.js';
import { FieldWords, UNSEEN, WORD_SLACK, WordCodes } from '../fieldWords.js';
import type { ByteInterner } from '../interner.js';
import { parseDateTime, timeZoneResolver } from '../time.js';
import { createContext, RUN_SLACK, type ParseContext } from './types.js';

// field scans read WORD_SLACK bytes past a line's end: more than RowParser.parseRun may
if (WORD_SLACK > RUN_SLACK) throw new Error(`a field scan reads ${WORD_SLACK} bytes past a line, parseRun allows ${RUN_SLACK}`);

const COMMA = 44;
/** `parseLine`'s answer for a line it does not take. */
const DECLINE = -3;

function blank(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

export class SeedFastPath {
  /** The 17 bytes `YYYY-MM-DD HH:MM:` of the last minute decoded (four words and a byte), and its epoch second. */
  private readonly prefix = new Int32Array(5);
  private prefixValid = false;
  private prefixBase = 0;
  private readonly scratch = new Uint8Array(19);
  private buf: Uint8Array | null = null;
  private dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private readonly f = new FieldWords();
  private readonly ips = new WordCodes(12);
  private readonly protos = new WordCodes(4);
  private readonly states = new WordCodes(4);

  constructor(private readonly ctx: ParseContext) {}

  /**
   * Parses the lines starting at `pos` (each ended by `\n`, optionally `\r\n`) into `b` while they
   * have the common shape, at most `maxRows`, reading no further than `limit`. Returns the offset
   * after the last line taken: `pos` itself when the first line is not taken.
   */
  parseRun(buf: Uint8Array, pos: number, limit: number, b: FlowTableBuilder, maxRows: number): number {
    if (buf !== this.buf) {
      this.buf = buf;
      this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const room = Math.min(limit, buf.length) - WORD_SLACK;
    for (let rows = 0; rows < maxRows; rows++) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0 || nl > room) break;
      const e = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (!this.parseLine(buf, pos, e, b)) break;
      pos = nl + 1;
    }
    return pos;
  }

  /**
   * One line `buf[s, e)` into a new row of `b`; false (and `b` unchanged) when it is not of the
   * common shape or a skip reason applies. Kept out of `parseRun`'s loop on purpose: as an
   * optimized function of its own it has V8's whole inlining budget for the field helpers.
   */
  private parseLine(buf: Uint8Array, s: number, e: number, b: FlowTableBuilder): boolean {
    if (e - s < 36 || buf[s + 19] !== COMMA) return false;
    const dv = this.dv;
    const f = this.f;
    const s0 = buf[s + 17]! - 48;
    const s1 = buf[s + 18]! - 48;
    if (s0 < 0 || s0 > 5 || s1 < 0 || s1 > 9) return false;
    // the minute prefix compared from its end (the minute digits change first)
    const pf = this.prefix;
    if (
      !this.prefixValid ||
      pf[3] !== dv.getInt32(s + 12, true) ||
      pf[4] !== buf[s + 16] ||
      pf[2] !== dv.getInt32(s + 8, true) ||
      pf[1] !== dv.getInt32(s + 4, true) ||
      pf[0] !== dv.getInt32(s, true)
    ) {
      if (!this.newMinute(buf, dv, s)) return false;
    }
    const ts = this.prefixBase + s0 * 10 + s1;

    // Each field is scanned once, left to right. Code lookups are pure and happen right away;
    // interning a value not seen yet waits until every number is valid, so a line left to the
    // general parser adds no dictionary entry, and values are interned in its order.
    const pa = s + 20;
    const pz = f.scan(dv, pa);
    if (pz <= pa || pz >= e) return false;
    let proto = this.protos.get(f, pz - pa);
    const sa = pz + 1;
    // a state of 16 bytes or more is left to the general parser (no seed state is that long)
    const sz = f.scan(dv, sa);
    if (sz < 0 || sz >= e) return false;
    let state = sz === sa ? NO_CODE : this.states.get(f, sz - sa);
    const ia = sz + 1;
    const iz = this.end(dv, buf, ia, e);
    if (iz <= ia) return false;
    let src = iz - ia < 16 ? this.ips.get(f, iz - ia) : UNSEEN;
    const qa = iz + 1;
    const qz = f.scan(dv, qa);
    if (qz < 0 || qz >= e) return false;
    const sport = this.port(qz - qa);
    if (sport === DECLINE) return false;
    const da = qz + 1;
    const dz = this.end(dv, buf, da, e);
    if (dz <= da) return false;
    let dst = dz - da < 16 ? this.ips.get(f, dz - da) : UNSEEN;
    const ra = dz + 1;
    const rz = f.scan(dv, ra);
    if (rz < 0 || rz >= e) return false;
    const dport = this.port(rz - ra);
    if (dport === DECLINE) return false;
    // byte counts: plain integers of at most 15 digits (exact doubles), or empty (missing)
    const ua = rz + 1;
    const uz = f.scan(dv, ua);
    if (uz < 0 || uz >= e) return false;
    const up = uz === ua ? NaN : f.decimal(uz - ua);
    if (up < 0 || e - uz - 1 > 15) return false;
    f.load(dv, uz + 1, e - uz - 1);
    const down = e === uz + 1 ? NaN : f.decimal(e - uz - 1);
    if (down < 0) return false;

    // the general parser's order; a REJECTED value is a skip, which the run leaves to it
    if (src === UNSEEN) src = this.intern(dv, this.ips, null, buf, ia, iz);
    if (src < 0) return false;
    if (dst === UNSEEN) dst = this.intern(dv, this.ips, null, buf, da, dz);
    if (dst < 0) return false;
    if (proto === UNSEEN) proto = this.intern(dv, this.protos, this.ctx.proto, buf, pa, pz);
    if (proto < 0) return false;
    if (state === UNSEEN) state = this.intern(dv, this.states, this.ctx.state, buf, sa, sz);
    if (state < NO_CODE) return false;

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
    return true;
  }

  /**
   * The comma ending the field at `a`: by words (then in `f`), or by bytes when it is 16 bytes or
   * longer; -1 when none before `e`.
   */
  private end(dv: DataView<ArrayBufferLike>, buf: Uint8Array, a: number, e: number): number {
    let z = this.f.scan(dv, a);
    if (z < 0) {
      z = a + 16;
      while (z < e && buf[z] !== COMMA) z++;
    }
    return z >= e ? -1 : z;
  }

  /** The port field of `n` bytes just scanned: NO_PORT when empty, DECLINE unless 1–5 digits up to 65535. */
  private port(n: number): number {
    if (n === 0) return NO_PORT;
    const v = n > 5 ? -1 : this.f.decimal(n);
    return v < 0 || v > 65535 ? DECLINE : v;
  }

  /**
   * The interner's code for the text field `buf[a, z)` (the address interner when `interner` is
   * null), remembered by its words when it is shorter than 16 bytes. DECLINE for a padded field.
   */
  private intern(dv: DataView<ArrayBufferLike>, cache: WordCodes, interner: ByteInterner | null, buf: Uint8Array, a: number, z: number): number {
    if (blank(buf[a]) || blank(buf[z - 1])) return DECLINE;
    const code = interner === null ? this.ctx.ip.code(buf, a, z) : interner.code(buf, a, z);
    const len = z - a;
    if (len < 16) {
      const f = this.f;
      f.load(dv, a, len);
      if (cache.get(f, len) === UNSEEN) cache.put(f, len, code);
    }
    return code;
  }

  /**
   * Decodes a new `YYYY-MM-DD HH:MM:` prefix with the general timestamp parser. It is cached only
   * when the zone maps the whole minute linearly (no offset change inside it), so base + seconds
   * is what the general parser gives for every second of that minute.
   */
  private newMinute(buf: Uint8Array, dv: DataView<ArrayBufferLike>, s: number): boolean {
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
    const pf = this.prefix;
    pf[0] = dv.getInt32(s, true);
    pf[1] = dv.getInt32(s + 4, true);
    pf[2] = dv.getInt32(s + 8, true);
    pf[3] = dv.getInt32(s + 12, true);
    pf[4] = buf[s + 16]!;
    this.prefixBase = base;
    this.prefixValid = true;
    return true;
  }
}

/**
 * Lines that take every branch of `parseLine`: a new minute, IPv4 and long IPv6 addresses, new
 * and known codes, empty and long numbers. Parsed by `primeFeedback`.
 */
const PRIMER = Buffer.from(
  [
    '2000-01-01 00:00:00,tcp,established,10.0.0.1,1,2001:db8:0:0:0:0:0:1,80,123456789012,1',
    '2000-01-01 00:00:01,udp,,10.0.0.1,,10.0.0.2,65535,,',
    '2000-01-01 00:01:02,tcp,established,2001:db8:0:0:0:0:0:1,1234,10.0.0.2,80,12,12345678',
    '',
  ].join('\n') + ' '.repeat(WORD_SLACK),
);

/**
 * Runs the fast path on PRIMER with throwaway dictionaries until V8 has type feedback for all
 * of `parseLine`. Feedback is only collected once a function has run a while, so code such as a
 * minute change or a long number, first met after V8 optimized the function on the common case,
 * deoptimized it and cost a recompilation (two per 1 M-flow run, `node --trace-deopt`). The
 * real dictionaries never see these lines.
 */
function primeFeedback(): void {
  const dicts = createDictionaries();
  const path = new SeedFastPath(createContext(dicts, timeZoneResolver('UTC')));
  const b = new FlowTableBuilder(dicts, ['state', 'srcBytes', 'dstBytes'], 64);
  const end = PRIMER.length - WORD_SLACK;
  for (let k = 0; k < 16; k++) path.parseRun(PRIMER, 0, end + WORD_SLACK, b, 8);
}
primeFeedback();
