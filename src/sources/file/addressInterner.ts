/**
 * Address field → dictionary code. Dotted IPv4 (most flows) is parsed to its 32-bit value in the
 * same pass that validates it and looked up in an integer hash table, so the common case reads
 * each byte once; IPv6, MAC and anything unusual go through the byte interner. IPv4 with leading
 * zeros is not accepted by the fast path, so every value has exactly one spelling per code.
 */
import type { StringDictionary } from '../../engine/flowTable.js';
import { admitAddress } from './addresses.js';
import { ByteInterner } from './interner.js';

function slot(value: number, mask: number): number {
  let h = Math.imul(value ^ (value >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return h & mask;
}

export class AddressInterner {
  private readonly other: ByteInterner;
  private keys: Int32Array;
  private codes: Int32Array; // -1 = empty slot
  private mask: number;
  private count = 0;

  constructor(private readonly dict: StringDictionary) {
    this.other = new ByteInterner(dict, true, admitAddress);
    this.keys = new Int32Array(4096);
    this.codes = new Int32Array(4096).fill(-1);
    this.mask = 4095;
  }

  /** The code of `buf[s, e)`, or -1 when it is not an address. */
  code(buf: Uint8Array, s: number, e: number): number {
    let value = 0;
    let part = 0;
    let digits = 0;
    let dots = 0;
    let i = s;
    for (; i < e; i++) {
      const c = buf[i]!;
      if (c === 46) {
        if (digits === 0 || dots === 3) break;
        value = (value << 8) | part;
        dots++;
        part = 0;
        digits = 0;
      } else {
        const d = c - 48;
        if (d < 0 || d > 9 || (digits === 1 && part === 0)) break; // not a digit, or a leading zero
        part = part * 10 + d;
        if (part > 255) break;
        digits++;
      }
    }
    if (i !== e || dots !== 3 || digits === 0) return this.other.code(buf, s, e);
    return this.codeV4((value << 8) | part);
  }

  /** The code of the IPv4 address with this 32-bit value (as an int32), added when new. */
  codeV4(value: number): number {
    const mask = this.mask;
    let p = slot(value, mask);
    for (;;) {
      const code = this.codes[p]!;
      if (code < 0) break;
      if (this.keys[p] === value) return code;
      p = (p + 1) & mask;
    }
    const text = `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
    const code = this.dict.code(text);
    this.keys[p] = value;
    this.codes[p] = code;
    if (++this.count * 2 > this.codes.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const size = this.codes.length * 2;
    const keys = new Int32Array(size);
    const codes = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let j = 0; j < this.codes.length; j++) {
      const code = this.codes[j]!;
      if (code < 0) continue;
      const key = this.keys[j]!;
      let p = slot(key, mask);
      while (codes[p]! >= 0) p = (p + 1) & mask;
      keys[p] = key;
      codes[p] = code;
    }
    this.keys = keys;
    this.codes = codes;
    this.mask = mask;
  }
}
