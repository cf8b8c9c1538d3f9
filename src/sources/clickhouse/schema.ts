/**
 * The table's columns, checked against the roles the preset and overrides ask for: which flow
 * fields exist, of which kind, and whether they may be NULL. Problems come back as sentences a user
 * can act on (health check), never as SQL errors later.
 */
import type { ClickHousePreset, ColumnRole } from '../../query/settings.js';
import { quoteIdentifier } from './literal.js';
import { PRESETS, REQUIRED_ROLES, roleColumns, type Ipv4Layout } from './presets.js';

export type TimeKind = { kind: 'datetime' } | { kind: 'datetime64'; scale: number } | { kind: 'epoch'; divisor: number };
export type AddressKind = 'string' | 'ipv4' | 'ipv6' | 'fixed16';
export type ValueKind = 'number' | 'text';

export interface ParsedType {
  /** Type without Nullable/LowCardinality wrappers, e.g. `DateTime64(9, 'UTC')`. */
  base: string;
  nullable: boolean;
}

export function parseType(type: string): ParsedType {
  let t = type.trim();
  let nullable = false;
  for (;;) {
    const m = /^(Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) break;
    if (m[1] === 'Nullable') nullable = true;
    t = m[2]!.trim();
  }
  return { base: t, nullable };
}

const INTEGER = /^U?Int(8|16|32|64|128|256)$/;
const NUMBER = /^(U?Int(8|16|32|64|128|256)|Float(32|64)|Decimal(32|64|128)?\(.*\))$/;
const TEXT = /^(String|FixedString\(\d+\)|Enum(8|16)?\(.*\))$/;

export interface ColumnInfo {
  role: ColumnRole;
  column: string;
  /** Backtick-quoted, validated identifier. */
  sql: string;
  type: string;
  nullable: boolean;
  scaleBy: string | null;
}

export interface TimeColumn extends ColumnInfo {
  time: TimeKind;
}
export interface AddressColumn extends ColumnInfo {
  address: AddressKind;
}
export interface ValueColumn extends ColumnInfo {
  value: ValueKind;
}

export interface TableSchema {
  ts: TimeColumn;
  srcIp: AddressColumn;
  dstIp: AddressColumn;
  srcPort: ValueColumn | null;
  dstPort: ValueColumn | null;
  proto: ValueColumn | null;
  state: ValueColumn | null;
  bytes: ValueColumn | null;
  packets: ValueColumn | null;
  srcBytes: ValueColumn | null;
  dstBytes: ValueColumn | null;
  duration: ValueColumn | null;
  label: ValueColumn | null;
  ipv4Layout: Ipv4Layout;
}

export type SchemaResult = { ok: true; schema: TableSchema } | { ok: false; problems: string[] };

function epochDivisor(column: string): number {
  if (/(_ns|Ns|Nano|nanos?)$/.test(column)) return 1e9;
  if (/(_us|Us|Micro|micros?)$/.test(column)) return 1e6;
  if (/(_ms|Ms|Milli|millis?)$/.test(column)) return 1e3;
  return 1;
}

function timeKind(base: string, column: string): TimeKind | null {
  if (/^DateTime(\(.*\))?$/.test(base)) return { kind: 'datetime' };
  const m = /^DateTime64\((\d+)/.exec(base);
  if (m) return { kind: 'datetime64', scale: Number(m[1]) };
  if (NUMBER.test(base)) return { kind: 'epoch', divisor: epochDivisor(column) };
  return null;
}

function addressKind(base: string): AddressKind | null {
  if (base === 'String') return 'string';
  if (base === 'IPv4' || base === 'UInt32') return 'ipv4';
  if (base === 'IPv6') return 'ipv6';
  if (base === 'FixedString(16)') return 'fixed16';
  return null;
}

const EXPECTED: Record<ColumnRole, string> = {
  ts: 'DateTime, DateTime64 or epoch seconds (a number; names ending in _ms/_us/_ns are milli/micro/nanoseconds)',
  src_ip: 'String, IPv4, IPv6, UInt32 or FixedString(16)',
  dst_ip: 'String, IPv4, IPv6, UInt32 or FixedString(16)',
  src_port: 'an integer (Nullable allowed)',
  dst_port: 'an integer (Nullable allowed)',
  proto: 'a protocol number or name',
  state: 'a string or enum',
  bytes: 'a number',
  packets: 'a number',
  src_bytes: 'a number',
  dst_bytes: 'a number',
  duration: 'a number',
  label: 'a string or enum',
};

/**
 * Resolves the roles of `preset` (+ overrides) against the table's `columns` (name → type as
 * `system.columns` reports it).
 */
export function resolveSchema(columns: ReadonlyMap<string, string>, preset: ClickHousePreset, overrides: Partial<Record<ColumnRole, string>>, where: string): SchemaResult {
  const roles = roleColumns(preset, overrides);
  const problems: string[] = [];
  const infos: Partial<Record<ColumnRole, ColumnInfo & { base: string }>> = {};
  for (const [role, spec] of Object.entries(roles) as [ColumnRole, NonNullable<(typeof roles)[ColumnRole]>][]) {
    const type = columns.get(spec.column);
    if (type === undefined) {
      if (REQUIRED_ROLES.includes(role) || spec.explicit) {
        problems.push(`Column '${spec.column}' (${role}) is missing from ${where}: add it or map ${role} to an existing column in the data source settings.`);
      }
      continue;
    }
    const parsed = parseType(type);
    let scaleBy: string | null = null;
    if (spec.scaleBy !== undefined && columns.has(spec.scaleBy) && NUMBER.test(parseType(columns.get(spec.scaleBy)!).base)) scaleBy = spec.scaleBy;
    infos[role] = { role, column: spec.column, sql: quoteIdentifier(spec.column), type, nullable: parsed.nullable, scaleBy, base: parsed.base };
  }
  const wrongType = (info: ColumnInfo): void => {
    problems.push(`Column '${info.column}' (${info.role}) in ${where} has type ${info.type}, but ${info.role} must be ${EXPECTED[info.role]}: map ${info.role} to another column or change the column type.`);
  };

  let ts: TimeColumn | null = null;
  const tsInfo = infos.ts;
  if (tsInfo) {
    const time = timeKind(tsInfo.base, tsInfo.column);
    if (!time || tsInfo.nullable) wrongType(tsInfo);
    else ts = { ...strip(tsInfo), time };
  }
  const address = (info: (ColumnInfo & { base: string }) | undefined): AddressColumn | null => {
    if (!info) return null;
    const kind = addressKind(info.base);
    if (!kind) {
      wrongType(info);
      return null;
    }
    return { ...strip(info), address: kind };
  };
  const srcIp = address(infos.src_ip);
  const dstIp = address(infos.dst_ip);
  const value = (info: (ColumnInfo & { base: string }) | undefined, allowed: readonly ValueKind[], integer = false): ValueColumn | null => {
    if (!info) return null;
    const isNumber = integer ? INTEGER.test(info.base) : NUMBER.test(info.base);
    const kind: ValueKind | null = isNumber ? 'number' : TEXT.test(info.base) ? 'text' : null;
    if (kind === null || !allowed.includes(kind)) {
      wrongType(info);
      return null;
    }
    return { ...strip(info), value: kind };
  };
  const schema = {
    srcPort: value(infos.src_port, ['number'], true),
    dstPort: value(infos.dst_port, ['number'], true),
    proto: value(infos.proto, ['number', 'text']),
    state: value(infos.state, ['text']),
    bytes: value(infos.bytes, ['number']),
    packets: value(infos.packets, ['number']),
    srcBytes: value(infos.src_bytes, ['number']),
    dstBytes: value(infos.dst_bytes, ['number']),
    duration: value(infos.duration, ['number']),
    label: value(infos.label, ['text']),
  };
  let ipv4Layout = PRESETS[preset].ipv4Layout;
  if (ipv4Layout.kind === 'leading' && !columns.has(ipv4Layout.etypeColumn)) ipv4Layout = { kind: 'mapped' };
  if (problems.length || !ts || !srcIp || !dstIp) return { ok: false, problems };
  return { ok: true, schema: { ts, srcIp, dstIp, ...schema, ipv4Layout } };
}

function strip(info: ColumnInfo & { base: string }): ColumnInfo {
  const { base: _base, ...rest } = info;
  return rest;
}
