/** Hand-written inputs for the features parity test, each line chosen for an edge case. */

const seed = (t: string, proto: string, state: string, src: string, sport: number, dst: string, dport: number, up: number, down: number): string =>
  `2017-01-27 ${t},${proto},${state},${src},${sport},${dst},${dport},${up},${down}\n`;

export const SEED_EDGES = [
  // a 1-flow window
  seed('16:24:41', 'tcp', 'closed', '10.2.1.39', 60707, '74.201.65.31', 443, 21687, 8999),
  // all six states in one window, a duplicated snapshot (identical line twice), one 5-tuple seen 3 times
  seed('16:24:50', 'tcp', 'closed', '10.2.1.39', 60708, '74.201.65.31', 443, 37065, 14484),
  seed('16:24:50', 'tcp', 'established', '10.2.20.1', 60246, '10.12.0.31', 80, 20125, 1422804),
  seed('16:24:51', 'tcp', 'established', '10.2.20.1', 60246, '10.12.0.31', 80, 20125, 1422804),
  seed('16:24:51', 'tcp', 'established', '10.2.20.1', 60246, '10.12.0.31', 80, 20125, 1422804),
  seed('16:24:52', 'tcp', 'reset', '192.168.111.46', 44178, '10.2.1.39', 443, 0, 31),
  seed('16:24:53', 'udp', 'new', '192.168.100.11', 39145, '192.168.100.250', 53, 61, 120),
  seed('16:24:54', 'tcp', 'closing', '10.2.1.39', 60709, '74.201.65.31', 443, 5, 6),
  seed('16:24:59', 'tcp', 'connecting', '10.2.38.2', 41229, '199.91.71.89', 443, 0, 0),
  // empty windows 16:25:00 … 16:25:59, then one host talking to one server, the same port
  seed('16:26:00', 'tcp', 'established', '192.168.100.96', 45394, '192.168.100.96', 80, 1, 2),
  seed('16:26:01', 'tcp', 'established', '192.168.100.96', 45396, '192.168.100.96', 80, 3, 4),
  seed('16:26:02', 'tcp', 'established', '192.168.100.96', 45398, '192.168.100.96', 80, 5, 6),
  seed('16:26:09', 'tcp', 'established', '192.168.100.96', 45400, '192.168.100.96', 80, 7, 8),
  // IPv6 (mixed case is normalised), same conn with several ports, and a port 0
  seed('16:26:10', 'tcp', 'established', '2001:DB8::1', 50000, '2001:db8:0:1::53', 443, 10, 20),
  seed('16:26:11', 'udp', 'new', '2001:db8::1', 50001, '2001:db8:0:1::53', 53, 10, 20),
  seed('16:26:12', 'udp', 'new', '2001:db8::1', 0, '2001:db8:0:1::53', 53, 10, 20),
  seed('16:26:13', 'tcp', 'established', '10.0.0.1', 50001, '2001:db8:0:1::53', 53, 10, 20),
  seed('16:26:19', 'udp', 'established', '2001:db8::1', 50001, '2001:db8:0:1::53', 53, 10, 20),
].join('');

const HEADER = 'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label\n';
const argus = (t: string, proto: string, src: string, sport: string, dir: string, dst: string, dport: string, state: string, tot: number, srcBytes: number): string =>
  `2011/08/16 ${t},1.000000,${proto},${src},${sport},${dir},${dst},${dport},${state},0,0,2,${tot},${srcBytes},flow=Background\n`;

export const BINETFLOW_EDGES =
  HEADER +
  [
    // ARP without ports (twice the same pair), ICMP with hex "ports", a TCP flow: Argus states only
    argus('10:01:46.972101', 'arp', '147.32.87.78', '', '  who', '147.32.87.78', '', 'INT', 60, 60),
    argus('10:01:47.000000', 'arp', '147.32.87.78', '', '  who', '147.32.87.1', '', 'INT', 60, 60),
    argus('10:01:47.500000', 'icmp', '94.0.247.147', '0x0103', '   ->', '147.32.84.59', '0x5e00', 'URH', 1062, 1062),
    argus('10:01:48.740211', 'icmp', '147.32.84.59', '0x0008', '   ->', '192.168.88.183', '0xd4d8', 'ECO', 124, 124),
    argus('10:01:49.999999', 'tcp', '147.32.84.165', '1025', '   ->', '147.32.80.9', '80', 'FSPA_FSPA', 5000, 700),
    // exactly on a window boundary, an IPv6 flow, an IPv6 flow without ports
    argus('10:01:50.000000', 'udp', '147.32.84.165', '1026', '  <->', '147.32.80.9', '53', 'CON', 200, 80),
    argus('10:01:50.250000', 'udp', 'fe80::2AA:FF:FE9A:4CA2', '5353', '   ->', 'ff02::fb', '5353', 'INT', 300, 300),
    argus('10:01:51.000001', 'ipv6-icmp', 'fe80::2aa:ff:fe9a:4ca2', '0x0087', '   ->', 'ff02::1:ff9a:4ca2', '0x0000', 'INT', 86, 86),
    argus('10:01:52.000000', 'ipv6-icmp', 'fe80::1', '', '   ->', 'ff02::2', '', 'INT', 70, 70),
    // MAC addresses (Argus writes them for non-IP traffic), a 1-flow window after empty ones
    argus('10:02:30.100000', 'llc', '00:1e:68:51:4f:a9', '', '   ->', '01:80:c2:00:00:00', '', 'INT', 120, 120),
    argus('10:03:00.000000', 'tcp', '147.32.84.170', '443', '   <?>', '147.32.84.165', '1027', 'RA_', 64, 0),
  ].join('');

/** Deterministic random seed-format rows in shuffled time order (many groups, repeated tuples). */
export function seedRandom(n: number, seedValue: number): string {
  let s = seedValue >>> 0;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const states = ['closed', 'established', 'reset', 'new', 'closing', 'connecting'];
  const ports = [80, 443, 53, 22, 123, 8080, 6800, 1900];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = 1485534000 + rnd(600);
    const d = new Date(t * 1000).toISOString();
    const src = `10.0.${rnd(4)}.${rnd(40)}`;
    const dst = rnd(10) === 0 ? `2001:db8::${rnd(5)}` : `192.168.${rnd(3)}.${rnd(25)}`;
    const dport = ports[rnd(ports.length)]!;
    lines.push(`${d.slice(0, 10)} ${d.slice(11, 19)},${dport === 53 ? 'udp' : 'tcp'},${states[rnd(6)]},${src},${1024 + rnd(30)},${dst},${dport},${rnd(100000)},${rnd(1000)}\n`);
  }
  return lines.join('');
}

const NETFLOW_HEADER = 'Date flow start          Durat Prot    Src IP Addr:Port          Dst IP Addr:Port   Flags Tos Packets Bytes Flows  Label\n';
const nf = (t: string, proto: string, src: string, dst: string, flags: string, pkts: string, bytes: string, label: string): string =>
  `2011-08-18 ${t} \t    0.100 ${proto} \t ${src} -> \t${dst} ${flags} 0 \t${pkts} ${bytes} 1 ${label}\n`;

export const NETFLOW_EDGES =
  NETFLOW_HEADER +
  [
    // the first data line is a flow; ICMP without ports, with `:0` and with nfdump's type.code
    nf('10:19:13.328', 'TCP', '147.32.86.166:33426', '212.24.150.110:25443', 'FRPA_', '4', '321', 'Background'),
    nf('10:19:13.400', 'ICMP', '147.32.84.165', '8.8.8.8', 'ECO', '1', '84', 'Botnet'),
    nf('10:19:13.401', 'ICMP', '147.32.84.165', '8.8.4.4', 'ECO', '1', '84', 'Botnet'),
    nf('10:19:15.000', 'ICMP', '147.32.84.170:0', '147.32.84.1:3.3', 'URP', '1', '56', 'LEGITIMATE'),
    nf('10:19:15.000', 'ICMP', '147.32.84.170:0', '147.32.84.1:3.1', 'URP', '1', '56', 'LEGITIMATE'),
    // IPv6 with nfdump's addr.port (mixed case), IPv6 without a port, the same 5-tuple twice
    nf('10:19:19.999', 'UDP', '2001:DB8::5.5353', 'ff02::fb.5353', 'INT', '2', '200', 'LEGITIMATE'),
    nf('10:19:20.000', 'UDP', '2001:db8::5.5353', 'ff02::fb.5353', 'INT', '2', '200', 'LEGITIMATE'),
    nf('10:19:20.250', 'IPV6-ICMP', 'fe80::1', 'ff02::2', 'INT', '1', '70', 'Background'),
    // counters scaled by nfdump ("1.5 M") and a label split over two tokens
    nf('10:19:20.500', 'TCP', '147.32.84.170:80', '147.32.84.1:40000', 'S_', '2100', '1.5 M', 'Background'),
    nf('10:19:20.750', 'TCP', '147.32.84.170:80', '147.32.84.1:40000', 'S_', '1.1 M', '2.3 G', 'flow=Background TCP'),
    // a lone flow a minute later: empty windows in between
    nf('10:20:30.001', 'ARP', '147.32.84.2', '147.32.84.255', 'INT', '1', '60', 'Background'),
  ].join('');
