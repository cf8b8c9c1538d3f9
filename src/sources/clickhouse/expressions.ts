/**
 * SQL expressions for the flow fields of a resolved schema: time in epoch seconds, addresses as
 * grouping keys, as text and as 16-byte values for network tests, numbers with sampling applied.
 * Column names come from the validated schema (quoted identifiers); no value is written here.
 */
import { PROTOCOL_NAMES } from '../../engine/protocols.js';
import type { Capabilities } from './capabilities.js';
import { stringLiteral } from './literal.js';
import type { AddressColumn, TableSchema, TimeColumn, ValueColumn } from './schema.js';

const ZERO12 = "unhex('00000000000000000000ffff')";

/** Epoch seconds as Float64 — the same double the in-process engine windows by. */
export function tsSeconds(col: TimeColumn): string {
  const c = col.sql;
  switch (col.time.kind) {
    case 'datetime':
      return `toFloat64(toUInt32(${c}))`;
    case 'datetime64':
      // whole-second instants stay exact: k·10⁹ ns is exactly representable below 2⁵³·2⁹
      return `(toFloat64(toUnixTimestamp64Nano(${c})) / 1000000000)`;
    case 'epoch':
      return col.time.divisor === 1 ? `toFloat64(${c})` : `(toFloat64(${c}) / ${col.time.divisor})`;
  }
}

function etype(schema: TableSchema): string | null {
  return schema.ipv4Layout.kind === 'leading' ? `\`${schema.ipv4Layout.etypeColumn}\`` : null;
}

/**
 * The value that identifies an address in GROUP BY and uniqExact. Fixed-size columns are used
 * as they are; text addresses are hashed to UInt64 (cityHash64), which lets the server use its
 * fixed-size hash tables instead of string ones (several times faster on 18.16). Two different
 * addresses share a hash with probability about n²/2⁶⁵ — below 10⁻⁸ for a million distinct
 * addresses in one query — the same kind of bound uniqExact itself relies on for strings.
 */
export function addressKey(col: AddressColumn): string {
  return col.address === 'string' ? `cityHash64(lower(${col.sql}))` : col.sql;
}

/**
 * A small-valued column (port, protocol) as a group key; text protocols are hashed like addresses,
 * in the spelling the readers store (`protocolText`), so "6", "tcp" and "TCP" are one protocol.
 */
export function valueKey(col: ValueColumn): string {
  return col.value === 'text' ? `cityHash64(${protocolText(col)})` : col.sql;
}

/** The IANA numbers with a name, and the names, as SQL array literals for `transform`. */
const PROTOCOL_NUMBERS_SQL = `[${Object.keys(PROTOCOL_NAMES).map((n) => stringLiteral(n)).join(', ')}]`;
const PROTOCOL_NAMES_SQL = `[${Object.values(PROTOCOL_NAMES).map((n) => stringLiteral(n)).join(', ')}]`;

/**
 * A text protocol column as the file readers store it: lower case, IANA numbers as names ("6" and
 * "06" → tcp; a number without a name stays a number, without leading zeros).
 */
export function protocolText(col: ValueColumn): string {
  const text = `replaceRegexpOne(lower(${textValue(col)}), '^0+([0-9])', '\\\\1')`;
  return `transform(${text}, ${PROTOCOL_NUMBERS_SQL}, ${PROTOCOL_NAMES_SQL}, ${text})`;
}

/**
 * The address as text: IPv4 dotted quad (also for IPv4 held in IPv6 columns), IPv6 short form;
 * text columns lower-cased, as the file readers store addresses (`2001:DB8::5` is `2001:db8::5`).
 */
export function addressText(col: AddressColumn, schema: TableSchema): string {
  const c = col.sql;
  switch (col.address) {
    case 'string':
      return `lower(${c})`;
    case 'ipv4':
      return `IPv4NumToString(toUInt32(${c}))`;
    case 'ipv6':
    case 'fixed16': {
      const raw = col.address === 'ipv6' ? `IPv6StringToNum(IPv6NumToString(${c}))` : c;
      const v4mapped = `IPv4NumToString(reinterpretAsUInt32(reverse(substring(${raw}, 13, 4))))`;
      const mapped = `if(substring(${raw}, 1, 12) = ${ZERO12}, ${v4mapped}, IPv6NumToString(${raw}))`;
      const et = etype(schema);
      if (et === null) return mapped;
      return `if(${et} = 2048, IPv4NumToString(reinterpretAsUInt32(reverse(substring(${raw}, 1, 4)))), ${mapped})`;
    }
  }
}

export interface Address16 {
  /** FixedString(16): IPv6 bytes, IPv4 as `::ffff:a.b.c.d`. Junk strings give zeros. */
  bytes: string;
  /** 1 when the address is an IPv4 address (as the engine's parser would read its text). */
  isV4: string;
}

/** The address as 16 bytes for network range tests. */
export function address16(col: AddressColumn, schema: TableSchema, caps: Capabilities): Address16 {
  const c = col.sql;
  switch (col.address) {
    case 'string': {
      if (caps.ipStringOrNull) {
        // modern servers throw on text that is not an address (a MAC); the OrDefault/OrNull forms do not
        const isV4 = `isIPv4String(${c})`;
        const v6 = `ifNull(IPv6StringToNumOrNull(${c}), toFixedString(unhex('00000000000000000000000000000000'), 16))`;
        return { bytes: `if(${isV4}, IPv4ToIPv6(IPv4StringToNumOrDefault(${c})), ${v6})`, isV4 };
      }
      // 18.16 turns junk into 0 / zeros; the round trip tells real IPv4 text apart
      const v4num = `IPv4StringToNum(${c})`;
      const isV4 = `(IPv4NumToString(${v4num}) = ${c})`;
      return { bytes: `if(${isV4}, IPv4ToIPv6(${v4num}), IPv6StringToNum(${c}))`, isV4 };
    }
    case 'ipv4':
      return { bytes: `IPv4ToIPv6(toUInt32(${c}))`, isV4: '1' };
    case 'ipv6':
    case 'fixed16': {
      const raw = col.address === 'ipv6' ? `IPv6StringToNum(IPv6NumToString(${c}))` : c;
      const mappedV4 = `(substring(${raw}, 1, 12) = ${ZERO12})`;
      const et = etype(schema);
      if (et === null) return { bytes: raw, isV4: mappedV4 };
      const leading = `IPv4ToIPv6(reinterpretAsUInt32(reverse(substring(${raw}, 1, 4))))`;
      return { bytes: `if(${et} = 2048, ${leading}, ${raw})`, isV4: `(${et} = 2048 OR ${mappedV4})` };
    }
  }
}

/** A numeric column with the sampling rate applied (`Bytes × SamplingRate`; a 0 rate counts as 1). */
export function numberValue(col: ValueColumn): string {
  if (col.scaleBy === null) return col.sql;
  return `(${col.sql} * greatest(\`${col.scaleBy}\`, 1))`;
}

/** A text column as String (Enums by name, FixedString without its zero padding). */
export function textValue(col: ValueColumn): string {
  const base = col.type.replace(/^(Nullable|LowCardinality)\(|\)$/g, '');
  if (/^Enum/.test(base)) return `toString(${col.sql})`;
  if (/^FixedString/.test(base)) return `replaceRegexpOne(toString(${col.sql}), '\\\\x00+$', '')`;
  return col.sql;
}

/** `NOT NULL` test for a column, or null when the column cannot be NULL. */
export function notNull(col: { sql: string; nullable: boolean }): string | null {
  return col.nullable ? `isNotNull(${col.sql})` : null;
}
