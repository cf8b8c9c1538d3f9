/**
 * FlowFilter (src/query/filter.ts) → a WHERE condition with the engine's semantics
 * (src/engine/filter/flowFilter.ts): networks match IPv4 and IPv4-mapped addresses for IPv4
 * CIDRs and only IPv6 addresses for IPv6 CIDRs; missing ports and protocols never match. Every value
 * goes through the Binder.
 */
import { parseCidr, type Cidr } from '../../query/ip.js';
import { normalizeFilter, type FlowFilter } from '../../query/filter.js';
import { protocolAliases, protocolNumber } from '../../engine/protocols.js';
import type { Binder } from './binder.js';
import type { Capabilities } from './capabilities.js';
import { address16, protocolText, type Address16 } from './expressions.js';
import type { AddressColumn, TableSchema, ValueColumn } from './schema.js';

/** Lowest and highest 16-byte address of a network (IPv4 networks as their mapped range). */
export function cidrBounds(cidr: Cidr): { lo: Uint8Array; hi: Uint8Array } {
  const lo = new Uint8Array(16);
  let offset = 0;
  let prefix = cidr.prefix;
  if (cidr.family === 4) {
    lo[10] = 0xff;
    lo[11] = 0xff;
    offset = 12;
    prefix += 96;
  }
  lo.set(cidr.bytes, offset);
  const hi = lo.slice();
  for (let bit = prefix; bit < 128; bit++) hi[bit >> 3]! |= 0x80 >> (bit & 7);
  return { lo, hi };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function networkCondition(addr: Address16, col: AddressColumn, cidr: Cidr, b: Binder): string {
  const { lo, hi } = cidrBounds(cidr);
  const range = `${addr.bytes} BETWEEN unhex(${b.string(hex(lo))}) AND unhex(${b.string(hex(hi))})`;
  if (cidr.family === 4) return `(${range})`;
  // junk strings (MACs) parse to zeros on old servers; the all-zero address never matches a network
  const notJunk = col.address === 'string' ? ` AND ${addr.bytes} != unhex('00000000000000000000000000000000')` : '';
  return `(NOT ${addr.isV4} AND ${range}${notJunk})`;
}

function networks(list: readonly string[], col: AddressColumn, schema: TableSchema, caps: Capabilities, b: Binder): string {
  const addr = address16(col, schema, caps);
  const parts = list.map((text) => {
    const r = parseCidr(text);
    if (!r.ok) throw new RangeError(r.error);
    return networkCondition(addr, col, r.value, b);
  });
  return `(${parts.join(' OR ')})`;
}

function portIn(col: ValueColumn | null, ports: readonly number[], b: Binder): string {
  if (col === null) return '0';
  return `(${col.sql} IN (${ports.map((p) => b.int(p, 0, 65535)).join(', ')}))`;
}

function protocolsIn(col: ValueColumn | null, names: readonly string[], b: Binder): string {
  if (col === null) return '0';
  if (col.value === 'text') return `(${protocolText(col)} IN (${[...new Set(names.flatMap(protocolAliases))].map((n) => b.string(n)).join(', ')}))`;
  const numbers = [...new Set(names.map(protocolNumber).filter((n): n is number => n !== undefined))];
  if (numbers.length === 0) return '0';
  return `(${col.sql} IN (${numbers.map((n) => b.int(n, 0, 255)).join(', ')}))`;
}

/** The filter as AND-ed conditions (empty list: keep everything). */
export function filterConditions(filter: FlowFilter | undefined, schema: TableSchema, caps: Capabilities, b: Binder): string[] {
  const f = normalizeFilter(filter);
  const out: string[] = [];
  if (f.protocols) out.push(protocolsIn(schema.proto, f.protocols, b));
  if (f.srcCidrs) out.push(networks(f.srcCidrs, schema.srcIp, schema, caps, b));
  if (f.dstCidrs) out.push(networks(f.dstCidrs, schema.dstIp, schema, caps, b));
  if (f.srcPorts) out.push(portIn(schema.srcPort, f.srcPorts, b));
  if (f.dstPorts) out.push(portIn(schema.dstPort, f.dstPorts, b));
  if (f.ports) out.push(`(${portIn(schema.srcPort, f.ports, b)} OR ${portIn(schema.dstPort, f.ports, b)})`);
  return out;
}
