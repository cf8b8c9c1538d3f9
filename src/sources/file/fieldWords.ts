/**
 * Word-at-a-time reading of short comma-terminated fields, for the fast line paths. A field of
 * up to 15 bytes is loaded as at most four little-endian 32-bit words (one DataView load each);
 * its comma is found with a bit trick on the whole word, and bytes past the comma are masked to
 * zero, so the words themselves are the field's key: a dictionary code is one hash of four
 * integers away, and a number is a few shifts and multiplies per four digits. A byte loop costs a
 * load, a compare and a mispredicted branch at every field end, and a multiply chained to the
 * previous byte for every digit; on 80-byte flow lines that was most of the parse time.
 *
 * These helpers are only fast when V8 inlines them into the per-line function, which it does
 * within a budget per optimized function: keep that function an optimization root of its own
 * (called from a loop, too large to be inlined there) rather than inlined into the reader.
 *
 * A scan reads up to 16 bytes past a field's start, so callers only use this where the buffer
 * has `WORD_SLACK` bytes after the line.
 */

/** Bytes a field scan may read past the line end. */
export const WORD_SLACK = 16;

/** 0x80 in each byte of `w` that is a comma (exact for the lowest one, which is all we use). */
function commaBits(w: number): number {
  const x = w ^ 0x2c2c2c2c;
  return (x - 0x01010101) & ~x & 0x80808080;
}

/** Index (0–3) of the lowest flagged byte of a non-zero `commaBits` result. */
function firstFlag(m: number): number {
  return (31 - Math.clz32(m & -m)) >>> 3;
}

/** The `n` (0–4) low bytes of `w`, the others zero. */
function lowBytes(w: number, n: number): number {
  return n >= 4 ? w : w & ((1 << (n << 3)) - 1);
}

const POW10 = [1, 10, 100, 1000, 10000];

/**
 * The value of the `n` (1–4) ASCII digits in the low bytes of `w` (first digit lowest), or -1
 * when one of them is not a digit.
 */
export function digits4(w: number, n: number): number {
  let v = (w ^ 0x30303030) & (n >= 4 ? -1 : (1 << (n << 3)) - 1);
  // a byte is a digit iff it is now 0–9: above 9 sets its high bit after + 0x76, and bytes that
  // were ≥ 0x80 already have it (their carries only reach bytes above, which no longer matter)
  if (((v | (v + 0x76767676)) & 0x80808080) !== 0) return -1;
  v <<= (4 - n) << 3; // right-align: missing leading digits become zeros
  const t = Math.imul(v, 10) + (v >>> 8); // byte 0: 10·d0 + d1, byte 2: 10·d2 + d3
  return (t & 0xff) * 100 + ((t >>> 16) & 0xff);
}

/**
 * The words of the last field scanned. One instance per parser; `scan` fills it and the lookups
 * read it, so nothing is allocated per field.
 */
export class FieldWords {
  w0 = 0;
  w1 = 0;
  w2 = 0;
  w3 = 0;

  /**
   * Scans the field starting at offset `p` of `dv`: returns the offset of its comma, with the
   * field's masked words in w0–w3, or -1 when no comma comes within 16 bytes.
   */
  scan(dv: DataView<ArrayBufferLike>, p: number): number {
    let w = dv.getInt32(p, true);
    let m = commaBits(w);
    if (m !== 0) {
      const n = firstFlag(m);
      this.w0 = lowBytes(w, n);
      this.w1 = this.w2 = this.w3 = 0;
      return p + n;
    }
    this.w0 = w;
    w = dv.getInt32(p + 4, true);
    m = commaBits(w);
    if (m !== 0) {
      const n = firstFlag(m);
      this.w1 = lowBytes(w, n);
      this.w2 = this.w3 = 0;
      return p + 4 + n;
    }
    this.w1 = w;
    w = dv.getInt32(p + 8, true);
    m = commaBits(w);
    if (m !== 0) {
      const n = firstFlag(m);
      this.w2 = lowBytes(w, n);
      this.w3 = 0;
      return p + 8 + n;
    }
    this.w2 = w;
    w = dv.getInt32(p + 12, true);
    m = commaBits(w);
    if (m !== 0) {
      this.w3 = lowBytes(w, firstFlag(m));
      return p + 12 + firstFlag(m);
    }
    return -1;
  }

  /** Loads the `n` (≤ 15) bytes at `p` as the current field (a last field, which ends at the line end). */
  load(dv: DataView<ArrayBufferLike>, p: number, n: number): void {
    this.w0 = n > 0 ? lowBytes(dv.getInt32(p, true), n) : 0;
    this.w1 = n > 4 ? lowBytes(dv.getInt32(p + 4, true), n - 4) : 0;
    this.w2 = n > 8 ? lowBytes(dv.getInt32(p + 8, true), n - 8) : 0;
    this.w3 = n > 12 ? lowBytes(dv.getInt32(p + 12, true), n - 12) : 0;
  }

  /**
   * The current field as an unsigned decimal of `n` (1–15) digits, or -1 when it is not one.
   * Fifteen digits stay below 2^53, so the value is exact.
   */
  decimal(n: number): number {
    if (n <= 4) return digits4(this.w0, n);
    const a = digits4(this.w0, 4);
    if (n <= 8) {
      const b = digits4(this.w1, n - 4);
      return a < 0 || b < 0 ? -1 : a * POW10[n - 4]! + b;
    }
    const b = digits4(this.w1, 4);
    if (n <= 12) {
      const c = digits4(this.w2, n - 8);
      return a < 0 || b < 0 || c < 0 ? -1 : (a * 1e4 + b) * POW10[n - 8]! + c;
    }
    const c = digits4(this.w2, 4);
    const d = digits4(this.w3, n - 12);
    return a < 0 || b < 0 || c < 0 || d < 0 ? -1 : ((a * 1e4 + b) * 1e4 + c) * POW10[n - 12]! + d;
  }
}

/** `WordCodes.get` when the field has not been seen. */
export const UNSEEN = -2;

function hashWords(len: number, a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ len, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d) ^ Math.imul(d, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

/**
 * Field words → the code an interner gave those exact bytes. A cache in front of the byte
 * interners: a code depends only on the bytes (dictionaries never renumber), so the first answer
 * for a spelling is its answer forever, REJECTED included.
 */
export class WordCodes {
  private k0: Int32Array;
  private k1: Int32Array;
  private k2: Int32Array;
  private k3: Int32Array;
  /** Field length + 1; 0 marks an empty slot. */
  private lens: Int32Array;
  private codes: Int32Array;
  private mask: number;
  private count = 0;
  /** The empty slot where the last unsuccessful `get` stopped, for `put`. */
  private free = 0;

  constructor(bits = 8) {
    const n = 1 << bits;
    this.k0 = new Int32Array(n);
    this.k1 = new Int32Array(n);
    this.k2 = new Int32Array(n);
    this.k3 = new Int32Array(n);
    this.lens = new Int32Array(n);
    this.codes = new Int32Array(n);
    this.mask = n - 1;
  }

  /** The code stored for the field of `len` bytes now in `f`, or UNSEEN. */
  get(f: FieldWords, len: number): number {
    const a = f.w0;
    const b = f.w1;
    const c = f.w2;
    const d = f.w3;
    const mask = this.mask;
    const lens = this.lens;
    let p = hashWords(len, a, b, c, d) & mask;
    for (;;) {
      const l = lens[p]!;
      if (l === 0) {
        this.free = p;
        return UNSEEN;
      }
      if (l === len + 1 && this.k0[p] === a && this.k1[p] === b && this.k2[p] === c && this.k3[p] === d) return this.codes[p]!;
      p = (p + 1) & mask;
    }
  }

  /** Stores `code` for the field of the `get` that just returned UNSEEN. */
  put(f: FieldWords, len: number, code: number): void {
    const p = this.free;
    this.k0[p] = f.w0;
    this.k1[p] = f.w1;
    this.k2[p] = f.w2;
    this.k3[p] = f.w3;
    this.lens[p] = len + 1;
    this.codes[p] = code;
    if (++this.count * 2 > this.lens.length) this.grow();
  }

  private grow(): void {
    const { k0, k1, k2, k3, lens, codes } = this;
    const n = lens.length * 2;
    this.k0 = new Int32Array(n);
    this.k1 = new Int32Array(n);
    this.k2 = new Int32Array(n);
    this.k3 = new Int32Array(n);
    this.lens = new Int32Array(n);
    this.codes = new Int32Array(n);
    const mask = (this.mask = n - 1);
    for (let j = 0; j < lens.length; j++) {
      if (lens[j] === 0) continue;
      let p = hashWords(lens[j]! - 1, k0[j]!, k1[j]!, k2[j]!, k3[j]!) & mask;
      while (this.lens[p] !== 0) p = (p + 1) & mask;
      this.k0[p] = k0[j]!;
      this.k1[p] = k1[j]!;
      this.k2[p] = k2[j]!;
      this.k3[p] = k3[j]!;
      this.lens[p] = lens[j]!;
      this.codes[p] = codes[j]!;
    }
  }
}
