/**
 * IANA IP protocol numbers → the lower-case names Flowlens stores (the names Argus, nfdump and
 * ClickHouse presets print). Formats that write numbers (generic CSV, nfdump csv-fast, Akvorado,
 * goflow2) are mapped here so that `proto=tcp` filters and profiles match whatever the source was.
 */

const NAMES: Readonly<Record<number, string>> = {
  0: 'hopopt',
  1: 'icmp',
  2: 'igmp',
  4: 'ipv4',
  6: 'tcp',
  8: 'egp',
  9: 'igp',
  17: 'udp',
  27: 'rdp',
  33: 'dccp',
  41: 'ipv6',
  43: 'ipv6-route',
  44: 'ipv6-frag',
  46: 'rsvp',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  59: 'ipv6-nonxt',
  60: 'ipv6-opts',
  88: 'eigrp',
  89: 'ospf',
  94: 'ipip',
  103: 'pim',
  112: 'vrrp',
  115: 'l2tp',
  132: 'sctp',
  136: 'udplite',
  137: 'mpls-in-ip',
};

const NUMBERS: ReadonlyMap<string, number> = new Map(Object.entries(NAMES).map(([n, name]) => [name, Number(n)]));

/**
 * The stored name of protocol number `n`: the IANA keyword for common protocols, otherwise the
 * number itself as text (so an unknown protocol still forms one distinct value).
 */
export function protocolName(n: number): string {
  return NAMES[n] ?? String(n);
}

/** The IANA number of a stored protocol name (`tcp` → 6), or undefined when it has none. */
export function protocolNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  const known = NUMBERS.get(lower);
  if (known !== undefined) return known;
  return /^\d{1,3}$/.test(lower) && Number(lower) <= 255 ? Number(lower) : undefined;
}

/** Every number with a name, for SQL `transform()` maps and tests. */
export const PROTOCOL_NAMES: Readonly<Record<number, string>> = NAMES;

/**
 * The spellings a protocol filter value stands for, lower case: the value, and its number or
 * name (`6` ↔ `tcp`), so `proto=6` and `proto=tcp` keep the same flows whichever a source stores.
 */
export function protocolAliases(value: string): string[] {
  const lower = value.toLowerCase();
  const n = protocolNumber(lower);
  if (n === undefined) return [lower];
  return [...new Set([lower, protocolName(n), String(n)])];
}
