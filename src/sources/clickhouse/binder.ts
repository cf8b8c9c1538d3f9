/**
 * Puts values into SQL: as server-side query parameters (`{p0:String}`) when the server supports
 * them, otherwise as literals from `literal.ts`. Query builders only ever call these methods, so a
 * value never reaches SQL text any other way.
 */
import { floatLiteral, isWellFormedText, integerLiteral, stringLiteral, UnsafeSqlValueError } from './literal.js';

export type ParamValue = string | number;

export interface BoundSql {
  /** SQL text without a FORMAT clause. */
  text: string;
  /** Values for `{name:Type}` placeholders (empty in literal mode). */
  params: Record<string, ParamValue>;
}

export class Binder {
  readonly params: Record<string, ParamValue> = {};
  private next = 0;

  /** `useParams`: the server understands `{name:Type}` (ClickHouse ≥ 19.11). */
  constructor(readonly useParams: boolean) {}

  string(value: string): string {
    if (!this.useParams) return stringLiteral(value);
    if (typeof value !== 'string' || !isWellFormedText(value)) throw new UnsafeSqlValueError('string parameter is not a well-formed string');
    return this.placeholder('String', value);
  }

  float(value: number): string {
    if (!this.useParams) return floatLiteral(value);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UnsafeSqlValueError(`not a finite number: ${String(value)}`);
    return this.placeholder('Float64', value);
  }

  /** An integer in [min, max] (e.g. a port, a protocol number, a row limit). */
  int(value: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): string {
    const literal = integerLiteral(value, min, max); // validates in both modes
    if (!this.useParams) return literal;
    return this.placeholder('Int64', value);
  }

  bound(text: string): BoundSql {
    return { text, params: { ...this.params } };
  }

  private placeholder(type: string, value: ParamValue): string {
    const name = `p${this.next++}`;
    this.params[name] = value;
    return `{${name}:${type}}`;
  }
}
