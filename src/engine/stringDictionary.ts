/**
 * An append-only string ↔ code dictionary. Codes are dense, starting at 0, in order of first
 * appearance — the same order pandas' `unique()` reports values in.
 */
export class StringDictionary {
  private readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  /** The code of `value`, adding it when new. */
  code(value: string): number {
    const known = this.index.get(value);
    if (known !== undefined) return known;
    const code = this.list.length;
    this.list.push(value);
    this.index.set(value, code);
    return code;
  }

  /** The code of `value`, or undefined when it was never added. */
  lookup(value: string): number | undefined {
    return this.index.get(value);
  }

  value(code: number): string {
    const v = this.list[code];
    if (v === undefined) throw new RangeError(`dictionary code ${code} out of range (size ${this.list.length})`);
    return v;
  }

  get size(): number {
    return this.list.length;
  }

  get values(): readonly string[] {
    return this.list;
  }
}
