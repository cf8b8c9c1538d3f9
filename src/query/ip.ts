/**
 * IP address and CIDR parsing shared by the query validator (UI and backend) and the engine's
 * filters. Pure: no Node built-ins, so it runs in the browser too.
 */

export interface Cidr {
  /** 4 for IPv4, 6 for IPv6. */
  family: 4 | 6;
  /** Network address bytes (4 or 16), host bits cleared. */
  bytes: Uint8Array;
  prefix: number;
  /** Canonical text, e.g. `10.0.0.0/8`. */
  text: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses dotted-quad IPv4; null when not one. */
export function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

/** Parses IPv6 (with `::` compression and an optional trailing dotted quad); null when not one. */
export function parseIpv6(text: string): Uint8Array | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (!v4) return null;
        groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return null;
        groups.push(parseInt(item, 16));
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** An address as 4 or 16 bytes, or null when the text is not an IP address (e.g. a MAC). */
export function parseIp(text: string): Uint8Array | null {
  return parseIpv4(text) ?? parseIpv6(text);
}

/** Parses `a.b.c.d/n` or `x::y/n`; a bare address is a /32 or /128. */
export function parseCidr(input: string): ParseResult<Cidr> {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'empty CIDR: write a network such as 10.0.0.0/8 or 2001:db8::/32' };
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : null;
  const v4 = parseIpv4(addrText);
  const addr = v4 ?? parseIpv6(addrText);
  if (!addr) {
    return { ok: false, error: `'${input}' is not a valid CIDR: '${addrText}' is not an IPv4 or IPv6 address` };
  }
  const family: 4 | 6 = v4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
      return { ok: false, error: `'${input}' is not a valid CIDR: IPv${family} prefix length must be 0–${max}` };
    }
    prefix = Number(prefixText);
  }
  const bytes = addr.slice();
  for (let bit = prefix; bit < max; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { ok: true, value: { family, bytes, prefix, text: `${formatIp(bytes)}/${prefix}` } };
}

/** Whether an address (4 or 16 bytes) lies in the network. IPv4-mapped IPv6 matches IPv4 networks. */
export function cidrContains(cidr: Cidr, addr: Uint8Array): boolean {
  let a = addr;
  if (cidr.family === 4 && a.length === 16 && isV4Mapped(a)) a = a.subarray(12);
  if (a.length !== cidr.bytes.length) return false;
  const full = cidr.prefix >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[full]! & mask) === cidr.bytes[full];
}

function isV4Mapped(a: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (a[i] !== 0) return false;
  return a[10] === 0xff && a[11] === 0xff;
}

/** Text of 4 or 16 address bytes (IPv6 in RFC 5952 short form). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
