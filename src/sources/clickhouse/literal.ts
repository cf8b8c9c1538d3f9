/**
 * The ONE place where a value becomes SQL text (audited: every other module goes through here or
 * through server-side query parameters). Old servers (18.16) have no `{name:Type}` parameters, so
 * values there are written as literals by these functions; they accept only what they can prove
 * safe and throw otherwise — there is no "raw" escape hatch.
 *
 * ClickHouse string literals: single quotes, backslash escapes (`\\`, `\'`, `\n`, `\xHH` …). We
 * escape the backslash and the quote, and write every byte outside printable ASCII as `\xHH` of
 * its UTF-8 encoding, so the literal is pure printable ASCII and cannot end early or carry a
 * comment, a semicolon outside the quotes, or a control character.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class UnsafeSqlValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeSqlValueError';
  }
}

/** `name` quoted as a ClickHouse identifier; only names matching the allow-list pattern pass. */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length > 128 || !IDENTIFIER.test(name)) {
    throw new UnsafeSqlValueError(`not a safe identifier: ${JSON.stringify(String(name)).slice(0, 80)}`);
  }
  return `\`${name}\``;
}

const encoder = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string encodes to UTF-8 without loss (no lone surrogates). */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** A string literal: printable ASCII inside quotes, everything else as `\xHH` bytes. */
export function stringLiteral(value: string): string {
  if (typeof value !== 'string') throw new UnsafeSqlValueError('string literal of a non-string');
  if (!isWellFormedText(value)) throw new UnsafeSqlValueError('string with a lone surrogate cannot be encoded');
  let out = "'";
  for (const byte of encoder.encode(value)) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x27) out += "\\'";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}'`;
}

/** An integer literal; the value must be a safe integer within [min, max]. */
export function integerLiteral(value: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UnsafeSqlValueError(`not an integer in [${min}, ${max}]: ${String(value).slice(0, 40)}`);
  }
  // parenthesised so a negative value cannot merge with a preceding minus into a comment (`--`)
  return value < 0 ? `(${value})` : String(value);
}

/**
 * A Float64 literal that reads back to exactly `value` (JavaScript prints the shortest round-trip
 * form, which ClickHouse parses to the same double). Always typed, so `1` stays a Float64.
 */
export function floatLiteral(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UnsafeSqlValueError(`not a finite number: ${String(value)}`);
  const text = String(value);
  if (!/^-?(?:\d+)(?:\.\d+)?(?:e[+-]?\d+)?$/.test(text)) throw new UnsafeSqlValueError(`unexpected number text ${text}`);
  return `toFloat64(${value < 0 ? `(${text})` : text})`;
}

/** Lower-case hex of bytes, for `unhex('…')` (addresses and network bounds). */
export function hexLiteral(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return stringLiteral(out);
}
