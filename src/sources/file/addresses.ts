/**
 * What a reader accepts as an address: dotted IPv4, IPv6 (with `::` and embedded IPv4) and MAC
 * (Argus writes MACs for ARP flows). Checked once per distinct value (see ByteInterner), so it can
 * be written for clarity rather than speed. Values are stored lower-cased as written.
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIPv6(text: string): boolean {
  let s = text;
  const pct = s.indexOf('%'); // zone index (fe80::1%eth0)
  if (pct >= 0) {
    if (pct === s.length - 1) return false;
    s = s.slice(0, pct);
  }
  let groupsAllowed = 8;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return false;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!IPV4.test(tail)) return false;
    s = `${s.slice(0, lastColon + 1)}0`;
    groupsAllowed = 7;
  }
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | null => {
    if (part === '') return [];
    const g = part.split(':');
    return g.every((x) => HEX_GROUP.test(x)) ? g : null;
  };
  if (halves.length === 2) {
    const a = groups(halves[0]!);
    const b = groups(halves[1]!);
    if (!a || !b) return false;
    return a.length + b.length <= groupsAllowed - 1;
  }
  const all = groups(s);
  return all !== null && all.length === groupsAllowed;
}

export function isMac(text: string): boolean {
  return MAC.test(text);
}

/** Admit function for address interners: the lower-cased text, or null when not an address. */
export function admitAddress(text: string): string | null {
  return isIPv4(text) || isIPv6(text) || isMac(text) ? text : null;
}
