/**
 * The flow filter shared by every query type, the CLI (`--filter`) and both stores: which flows a
 * query looks at. Pure model + validation with messages a user understands.
 */
import { parseCidr } from './ip.js';
import { ErrorList } from './errorList.js';

export interface FlowFilter {
  /** Source address must lie in one of these networks (IPv4 or IPv6 CIDR, or a bare address). */
  srcCidrs?: string[];
  dstCidrs?: string[];
  srcPorts?: number[];
  dstPorts?: number[];
  /** Either port equals one of these. */
  ports?: number[];
  /** Lower-case protocol names (`tcp`, `udp`, `icmp`, …). */
  protocols?: string[];
}

export interface FieldError {
  /** Dotted path of the offending field, e.g. `filter.srcCidrs[1]`. */
  field: string;
  message: string;
}

const PORT_KEYS = ['srcPorts', 'dstPorts', 'ports'] as const;
const CIDR_KEYS = ['srcCidrs', 'dstCidrs'] as const;

export function isEmptyFilter(f: FlowFilter | undefined): boolean {
  if (!f) return true;
  return [...CIDR_KEYS, ...PORT_KEYS, 'protocols' as const].every((k) => !f[k] || f[k].length === 0);
}

/** Checks a filter (as parsed from JSON, so anything may be wrong) and lists every problem. */
export function validateFilter(raw: unknown, path = 'filter'): FieldError[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ field: path, message: 'The filter must be an object such as {"srcCidrs": ["10.0.0.0/8"]}.' }];
  }
  const f = raw as Record<string, unknown>;
  const errors = new ErrorList();
  for (const key of CIDR_KEYS) {
    const list = f[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      errors.push({ field: `${path}.${key}`, message: 'Networks must be a list of CIDRs such as ["10.0.0.0/8"].' });
      continue;
    }
    list.forEach((item, i) => {
      const r = typeof item === 'string' ? parseCidr(item) : { ok: false as const, error: `${JSON.stringify(item)} is not a CIDR string` };
      if (!r.ok) errors.push({ field: `${path}.${key}[${i}]`, message: r.error });
    });
  }
  for (const key of PORT_KEYS) {
    const list = f[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      errors.push({ field: `${path}.${key}`, message: 'Ports must be a list of numbers such as [53, 443].' });
      continue;
    }
    list.forEach((item, i) => {
      if (!Number.isInteger(item) || (item as number) < 0 || (item as number) > 65535) {
        errors.push({ field: `${path}.${key}[${i}]`, message: `${JSON.stringify(item)} is not a port: use a whole number from 0 to 65535.` });
      }
    });
  }
  const protocols = f.protocols;
  if (protocols !== undefined) {
    if (!Array.isArray(protocols)) {
      errors.push({ field: `${path}.protocols`, message: 'Protocols must be a list of names such as ["tcp", "udp"].' });
    } else {
      protocols.forEach((item, i) => {
        if (typeof item !== 'string' || !/^[a-z0-9][a-z0-9_.-]*$/i.test(item)) {
          errors.push({ field: `${path}.protocols[${i}]`, message: `${JSON.stringify(item)} is not a protocol name such as tcp, udp or icmp.` });
        }
      });
    }
  }
  const known = new Set<string>([...CIDR_KEYS, ...PORT_KEYS, 'protocols']);
  for (const key of Object.keys(f)) {
    if (!known.has(key)) {
      errors.push({ field: `${path}.${key}`, message: `Unknown filter '${key}'. Use srcCidrs, dstCidrs, srcPorts, dstPorts, ports or protocols.` });
    }
  }
  return errors.list();
}

/** Lower-cases protocols, trims CIDRs and drops empty lists, so equal filters compare equal. */
export function normalizeFilter(f: FlowFilter | undefined): FlowFilter {
  const out: FlowFilter = {};
  if (!f) return out;
  for (const key of CIDR_KEYS) {
    const list = f[key]?.map((s) => s.trim()).filter((s) => s !== '');
    if (list && list.length) out[key] = list;
  }
  for (const key of PORT_KEYS) {
    const list = f[key];
    if (list && list.length) out[key] = [...new Set(list)].sort((a, b) => a - b);
  }
  const protocols = f.protocols?.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  if (protocols && protocols.length) out.protocols = [...new Set(protocols)];
  return out;
}

const ARG_KEYS: Record<string, keyof FlowFilter> = {
  src: 'srcCidrs',
  dst: 'dstCidrs',
  sport: 'srcPorts',
  dport: 'dstPorts',
  port: 'ports',
  proto: 'protocols',
};

/**
 * Parses CLI filter arguments: `src=10.0.0.0/8`, `dst=2001:db8::/32`, `dport=53,443`, `port=22`,
 * `proto=tcp,udp` (repeatable; values of one key accumulate). Throws an Error with a usable message.
 */
export function parseFilterArgs(args: readonly string[]): FlowFilter {
  const f: FlowFilter = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq).trim() : '';
    const target = ARG_KEYS[key];
    if (!target) {
      throw new Error(`bad --filter '${arg}': write key=value with key one of ${Object.keys(ARG_KEYS).join(', ')} (e.g. dport=53,443)`);
    }
    const values = arg.slice(eq + 1).split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (values.length === 0) throw new Error(`bad --filter '${arg}': no value after '='`);
    if (target === 'srcCidrs' || target === 'dstCidrs' || target === 'protocols') {
      f[target] = [...(f[target] ?? []), ...values];
    } else {
      const ports = values.map((v) => {
        const n = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(n <= 65535)) {
          const range = /^\d+-\d+$/.test(v) ? ' (port ranges are not supported: list the ports with commas)' : '';
          throw new Error(`bad --filter '${arg}': '${v}' is not a port: use whole numbers from 0 to 65535${range}`);
        }
        return n;
      });
      f[target] = [...(f[target] ?? []), ...ports];
    }
  }
  const errors = validateFilter(f);
  if (errors.length) throw new Error(`bad --filter: ${errors.map((e) => e.message).join('; ')}`);
  return normalizeFilter(f);
}
