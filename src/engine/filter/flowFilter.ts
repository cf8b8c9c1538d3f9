/**
 * Applies a FlowFilter (src/query/filter.ts) to flow tables. Address networks are evaluated once
 * per dictionary code and cached, never by parsing a flow's address per row; ports use a 64 K
 * lookup table; protocols compare codes.
 */
import { cidrContains, parseCidr, parseIp, type Cidr } from '../../query/ip.js';
import { isEmptyFilter, normalizeFilter, type FlowFilter } from '../../query/filter.js';
import { NO_PORT, type FlowDictionaries, type FlowTable, type StringDictionary } from '../flowTable.js';
import { gatherRows } from './gather.js';
import { protocolAliases } from '../protocols.js';

const UNKNOWN = 0;
const MATCH = 1;
const NO_MATCH = 2;

/** Whether each address code lies in any of the networks, decided once per code. */
class CidrCache {
  private verdicts = new Uint8Array(256);
  private dict: StringDictionary | null = null;

  constructor(private readonly networks: readonly Cidr[]) {}

  matches(dict: StringDictionary, code: number): boolean {
    if (code < 0) return false;
    if (dict !== this.dict) {
      this.dict = dict;
      this.verdicts = new Uint8Array(Math.max(256, dict.size));
    }
    if (code >= this.verdicts.length) {
      const grown = new Uint8Array(Math.max(code + 1, this.verdicts.length * 2));
      grown.set(this.verdicts);
      this.verdicts = grown;
    }
    let v = this.verdicts[code]!;
    if (v === UNKNOWN) {
      // MAC addresses and other non-IP strings parse to null and never match a network
      const addr = parseIp(dict.value(code));
      v = addr !== null && this.networks.some((n) => cidrContains(n, addr)) ? MATCH : NO_MATCH;
      this.verdicts[code] = v;
    }
    return v === MATCH;
  }
}

function portSet(ports: readonly number[] | undefined): Uint8Array | null {
  if (!ports || ports.length === 0) return null;
  const set = new Uint8Array(65536);
  for (const p of ports) set[p] = 1;
  return set;
}

function parseNetworks(list: readonly string[] | undefined, what: string): Cidr[] | null {
  if (!list || list.length === 0) return null;
  return list.map((text) => {
    const r = parseCidr(text);
    if (!r.ok) throw new RangeError(`${what}: ${r.error}`);
    return r.value;
  });
}

/** A filter compiled for repeated use over chunks that share dictionaries. */
export class CompiledFilter {
  readonly isEmpty: boolean;
  private readonly src: CidrCache | null;
  private readonly dst: CidrCache | null;
  private readonly srcPorts: Uint8Array | null;
  private readonly dstPorts: Uint8Array | null;
  private readonly anyPorts: Uint8Array | null;
  private readonly protocols: ReadonlySet<string> | null;

  /** Throws RangeError with a user-readable message when a network is invalid. */
  constructor(filter: FlowFilter | undefined) {
    const f = normalizeFilter(filter);
    this.isEmpty = isEmptyFilter(f);
    const src = parseNetworks(f.srcCidrs, 'source network');
    const dst = parseNetworks(f.dstCidrs, 'destination network');
    this.src = src ? new CidrCache(src) : null;
    this.dst = dst ? new CidrCache(dst) : null;
    this.srcPorts = portSet(f.srcPorts);
    this.dstPorts = portSet(f.dstPorts);
    this.anyPorts = portSet(f.ports);
    this.protocols = f.protocols ? new Set(f.protocols.flatMap(protocolAliases)) : null;
  }

  /** 1 for rows the filter keeps, 0 otherwise; null when the filter keeps everything. */
  keepMask(table: FlowTable): Uint8Array | null {
    if (this.isEmpty) return null;
    const n = table.length;
    const keep = new Uint8Array(n).fill(1);
    const dicts = table.dicts;
    if (this.protocols) this.applyProtocols(table, dicts, keep);
    if (this.src) this.applyCidr(this.src, dicts.ip, table.srcIp, keep);
    if (this.dst) this.applyCidr(this.dst, dicts.ip, table.dstIp, keep);
    if (this.srcPorts) applyPorts(this.srcPorts, table.srcPort, keep);
    if (this.dstPorts) applyPorts(this.dstPorts, table.dstPort, keep);
    const any = this.anyPorts;
    if (any) {
      const sp = table.srcPort;
      const dp = table.dstPort;
      for (let i = 0; i < n; i++) {
        if (keep[i] === 0) continue;
        const a = sp[i]!;
        const b = dp[i]!;
        if (!((a !== NO_PORT && a >= 0 && any[a] === 1) || (b !== NO_PORT && b >= 0 && any[b] === 1))) keep[i] = 0;
      }
    }
    return keep;
  }

  /** The rows the filter keeps, as a new table (the same table when the filter is empty). */
  apply(table: FlowTable): FlowTable {
    const keep = this.keepMask(table);
    return keep === null ? table : gatherRows(table, keep);
  }

  private applyCidr(cache: CidrCache, dict: StringDictionary, codes: Int32Array, keep: Uint8Array): void {
    for (let i = 0; i < codes.length; i++) if (keep[i] === 1 && !cache.matches(dict, codes[i]!)) keep[i] = 0;
  }

  private applyProtocols(table: FlowTable, dicts: FlowDictionaries, keep: Uint8Array): void {
    const wanted = this.protocols!;
    const ok = new Uint8Array(dicts.proto.size);
    dicts.proto.values.forEach((name, code) => {
      ok[code] = wanted.has(name.toLowerCase()) ? 1 : 0;
    });
    const p = table.proto;
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c < 0 || ok[c] !== 1) keep[i] = 0;
    }
  }
}

function applyPorts(set: Uint8Array, ports: Int32Array, keep: Uint8Array): void {
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i]!;
    if (keep[i] === 1 && !(p !== NO_PORT && p >= 0 && set[p] === 1)) keep[i] = 0;
  }
}

/** One-shot helper: the rows of `table` that `filter` keeps. */
export function filterTable(table: FlowTable, filter: FlowFilter | undefined): FlowTable {
  return new CompiledFilter(filter).apply(table);
}
