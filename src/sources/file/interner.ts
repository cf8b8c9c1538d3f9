/**
 * Byte slice → dictionary code without making a string per row. A small open-addressing hash
 * table keyed by the (optionally lower-cased) bytes remembers the code of every value already
 * seen by this reader; only a value never seen before is decoded, checked and added to the shared
 * `StringDictionary`. Flow files repeat the same few thousand addresses millions of times, so the
 * steady state is one hash and one byte compare per field.
 */
import type { StringDictionary } from '../../engine/flowTable.js';

/** Returns the stored text for a new raw value, or null when the value is invalid. */
export type Admit = (text: string) => string | null;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** -1 from `code` when `admit` rejected the value. */
export const REJECTED = -1;

export class ByteInterner {
  private slots: Int32Array; // entry index + 1, 0 = empty
  private mask: number;
  private count = 0;
  private keyStart: Int32Array;
  private keyLen: Int32Array;
  private keyHash: Int32Array;
  private keyCode: Int32Array;
  private arena: Uint8Array;
  private arenaUsed = 0;

  constructor(
    private readonly dict: StringDictionary,
    private readonly foldCase: boolean,
    private readonly admit: Admit | null = null,
    private readonly decodeUtf8 = false,
  ) {
    this.slots = new Int32Array(1024);
    this.mask = 1023;
    this.keyStart = new Int32Array(512);
    this.keyLen = new Int32Array(512);
    this.keyHash = new Int32Array(512);
    this.keyCode = new Int32Array(512);
    this.arena = new Uint8Array(16384);
  }

  /** The dictionary code of `buf[s, e)`, or REJECTED. */
  code(buf: Uint8Array, s: number, e: number): number {
    const fold = this.foldCase;
    let h = 0x811c9dc5 | 0;
    // The hash folds with `| 0x20` (cheaper than a range test; it only adds collisions between
    // non-letters, which the exact comparison below tells apart).
    const f = fold ? 0x20 : 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ (buf[i]! | f), 0x01000193);
    h ^= h >>> 15;
    const len = e - s;
    const slots = this.slots;
    const mask = this.mask;
    let p = h & mask;
    for (;;) {
      const entry = slots[p]! - 1;
      if (entry < 0) break;
      if (this.keyHash[entry] === h && this.keyLen[entry] === len && this.sameBytes(entry, buf, s, len)) return this.keyCode[entry]!;
      p = (p + 1) & mask;
    }
    return this.insert(buf, s, e, h, p);
  }

  private sameBytes(entry: number, buf: Uint8Array, s: number, len: number): boolean {
    const arena = this.arena;
    const k = this.keyStart[entry]!;
    if (this.foldCase) {
      for (let i = 0; i < len; i++) {
        let c = buf[s + i]!;
        if (c >= 65 && c <= 90) c += 32;
        if (arena[k + i] !== c) return false;
      }
    } else {
      for (let i = 0; i < len; i++) if (arena[k + i] !== buf[s + i]) return false;
    }
    return true;
  }

  private insert(buf: Uint8Array, s: number, e: number, h: number, slot: number): number {
    let text = (this.decodeUtf8 ? utf8 : latin1).decode(buf.subarray(s, e));
    if (this.foldCase) text = text.toLowerCase();
    if (this.admit) {
      const admitted = this.admit(text);
      if (admitted === null) return REJECTED; // not cached: invalid values are rare
      text = admitted;
    }
    const code = this.dict.code(text);
    const len = e - s;
    if (this.arenaUsed + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    const k = this.arenaUsed;
    for (let i = 0; i < len; i++) {
      let c = buf[s + i]!;
      if (this.foldCase && c >= 65 && c <= 90) c += 32;
      this.arena[k + i] = c;
    }
    this.arenaUsed += len;
    const entry = this.count++;
    if (entry === this.keyStart.length) this.growEntries();
    this.keyStart[entry] = k;
    this.keyLen[entry] = len;
    this.keyHash[entry] = h;
    this.keyCode[entry] = code;
    this.slots[slot] = entry + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return code;
  }

  private growEntries(): void {
    const n = this.keyStart.length * 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.keyStart = grow(this.keyStart);
    this.keyLen = grow(this.keyLen);
    this.keyHash = grow(this.keyHash);
    this.keyCode = grow(this.keyCode);
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let p = this.keyHash[entry]! & mask;
      while (slots[p] !== 0) p = (p + 1) & mask;
      slots[p] = entry + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
