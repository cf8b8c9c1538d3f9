/**
 * Field boundaries of one line, written into shared Int32Arrays (no strings, no arrays per line).
 * Boundaries exclude surrounding blanks, so padded fields (Argus's `   ->`) need no trimming later.
 */
export const MAX_FIELDS = 256;

export class FieldSplitter {
  readonly start = new Int32Array(MAX_FIELDS);
  readonly end = new Int32Array(MAX_FIELDS);
  /** True when a field was quoted: its bounds exclude the quotes; `""` escapes are left as is. */
  quoted = false;

  /**
   * Splits at `sep` (a byte). Returns the number of fields, or MAX_FIELDS + 1 when there are more.
   * With `quotes`, a field that starts with `"` runs to the matching `"` (RFC 4180 style).
   */
  split(buf: Uint8Array, s: number, e: number, sep: number, quotes: boolean): number {
    let n = 0;
    let i = s;
    const start = this.start;
    const end = this.end;
    this.quoted = false;
    for (;;) {
      if (n === MAX_FIELDS) return MAX_FIELDS + 1;
      while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
      if (quotes && i < e && buf[i] === 34) {
        const fs = ++i;
        while (i < e) {
          if (buf[i] === 34) {
            if (i + 1 < e && buf[i + 1] === 34) i += 2;
            else break;
          } else i++;
        }
        start[n] = fs;
        end[n] = i;
        this.quoted = true;
        if (i < e) i++; // closing quote
        while (i < e && buf[i] !== sep) i++;
      } else {
        const fs = i;
        while (i < e && buf[i] !== sep) i++;
        let fe = i;
        while (fe > fs && (buf[fe - 1] === 32 || buf[fe - 1] === 9)) fe--;
        start[n] = fs;
        end[n] = fe;
      }
      n++;
      if (i >= e) return n;
      i++; // separator
      if (i === e) {
        // trailing separator: one more empty field
        start[n] = e;
        end[n] = e;
        return n + 1;
      }
    }
  }

  /** Splits at runs of spaces and tabs (CTU-13 netflow files). */
  splitBlanks(buf: Uint8Array, s: number, e: number): number {
    let n = 0;
    let i = s;
    for (;;) {
      while (i < e && (buf[i] === 32 || buf[i] === 9)) i++;
      if (i >= e) return n;
      if (n === MAX_FIELDS) return MAX_FIELDS + 1;
      this.start[n] = i;
      while (i < e && buf[i] !== 32 && buf[i] !== 9) i++;
      this.end[n] = i;
      n++;
    }
  }
}
