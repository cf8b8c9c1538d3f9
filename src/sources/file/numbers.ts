/**
 * Number parsing straight from the bytes of a line (no substring, no `Number(string)` in the common
 * case). Every function returns NaN (or -2 for ports) on anything it does not accept, so callers
 * decide the skip reason.
 */
import { NO_PORT } from '../../engine/flowTable.js';

/** Marks an unparseable port; NO_PORT (-1) means "field empty", which is a legal missing value. */
export const BAD_PORT = -2;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const decoder = new TextDecoder('latin1');

/**
 * A decimal number `[-+]digits[.digits][e±digits]` in `buf[s, e)`. With at most 15 significant
 * digits and no exponent, `mantissa / 10^k` is the correctly rounded double (both operands are
 * exact and IEEE division rounds once), i.e. the same value as `Number(text)`; anything longer
 * falls back to `Number` on the decoded text. NaN when the text is not a number.
 */
export function parseDecimal(buf: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
  let i = s;
  let neg = false;
  const c0 = buf[i]!;
  if (c0 === 45 /* - */ || c0 === 43 /* + */) {
    neg = c0 === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let any = false;
  for (; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    if (mant !== 0) digits++;
    any = true;
  }
  if (i < e && buf[i] === 46 /* . */) {
    i++;
    for (; i < e; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      if (mant !== 0) digits++;
      frac++;
      any = true;
    }
  }
  if (!any) return NaN;
  if (i < e) {
    const c = buf[i]!;
    if (c !== 101 && c !== 69) return NaN; // only an exponent may follow
    const v = Number(decoder.decode(buf.subarray(s, e)));
    return v;
  }
  if (digits > 15) return Number(decoder.decode(buf.subarray(s, e)));
  const v = frac === 0 ? mant : mant / POW10[frac]!;
  return neg ? -v : v;
}

/** A non-negative decimal integer of at most 15 digits, or NaN. */
export function parseUint(buf: Uint8Array, s: number, e: number): number {
  if (s >= e || e - s > 15) return NaN;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * A port: empty → NO_PORT; decimal `0…65535`; hexadecimal `0x…` (Argus writes ICMP type/code so,
 * `0x0303` = 771); nfdump's ICMP `type.code` (`3.3`) as `type·256 + code`, the same number Argus
 * writes in hex. Anything else, or out of range, → BAD_PORT (see `isPortlessId` for Argus).
 */
export function parsePort(buf: Uint8Array, s: number, e: number): number {
  if (s >= e) return NO_PORT;
  let v = 0;
  if (e - s > 2 && buf[s] === 48 && (buf[s + 1] === 120 || buf[s + 1] === 88)) {
    if (e - s > 10) return BAD_PORT;
    for (let i = s + 2; i < e; i++) {
      const c = buf[i]!;
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else return BAD_PORT;
      v = v * 16 + d;
    }
    return v <= 65535 ? v : BAD_PORT;
  }
  let i = s;
  for (; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    if (v > 65535) return BAD_PORT;
  }
  if (i === e) return i > s ? v : BAD_PORT;
  if (buf[i] !== 46 || i === s) return BAD_PORT;
  const type = v;
  let code = 0;
  let j = i + 1;
  if (j === e) return BAD_PORT;
  for (; j < e; j++) {
    const d = buf[j]! - 48;
    if (d < 0 || d > 9) return BAD_PORT;
    code = code * 10 + d;
    if (code > 255) return BAD_PORT;
  }
  return type <= 255 ? type * 256 + code : BAD_PORT;
}

/**
 * Whether a port field holds what Argus writes in place of a port for a protocol without ports:
 * a 32-bit identifier in hex above 0xffff, such as an ESP tunnel's SPI (`0x2020597d`). The
 * reader keeps such a flow without a port; for TCP or UDP the same text is a bad port.
 */
export function isPortlessId(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s < 7 || e - s > 10 || buf[s] !== 48 || (buf[s + 1] !== 120 && buf[s + 1] !== 88)) return false;
  for (let i = s + 2; i < e; i++) {
    const c = buf[i]! | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp', 'udt']);

/** Whether the protocol field names a protocol whose flows have ports (case-insensitive). */
export function hasPorts(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s > 8) return false;
  let name = '';
  for (let i = s; i < e; i++) name += String.fromCharCode(buf[i]! | 0x20);
  return PORT_PROTOCOLS.has(name.trim());
}
