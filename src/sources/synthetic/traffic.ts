/**
 * A deterministic model of a small campus network, as one time-ordered stream of flow records:
 * normal clients (DNS, web, NTP, ping) talking to servers, with repeated snapshots of long web
 * connections in the seed's six states; background hosts; and optionally bots of one family that
 * beacon to an IRC and an HTTP C&C server with a jittered period, scan in bursts and send spam in
 * bursts. Everything is drawn from one seeded Rng, so equal options give equal streams.
 */
import { Rng } from '../../engine/random.js';

export type HostRole = 'normal' | 'bot' | 'background';

export interface TrafficOptions {
  flows: number;
  seed: number;
  /** Epoch seconds of the first flow (default 2011-08-16T10:00:00Z). */
  start?: number;
  /** Seconds the flows span (default 3600). */
  duration?: number;
  /** Number of infected hosts (default 0). */
  bots?: number;
  /** Number of normal client hosts (default 12). */
  normalHosts?: number;
  /**
   * Only TCP and UDP flows (no ICMP, no ARP): the seed format has ports in every row (its
   * notebook reads them with int()), so port-less protocols are not seed traffic.
   */
  transportOnly?: boolean;
}

/** One flow; the generator reuses a single instance, so copy what you keep. */
export interface FlowRecord {
  ts: number;
  proto: 'tcp' | 'udp' | 'icmp' | 'arp';
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** Seed-style connection state (`established`, …). */
  seedState: string;
  /** Argus-style state (`SRPA_SPA`, `CON`, …). */
  argusState: string;
  duration: number;
  packets: number;
  srcBytes: number;
  dstBytes: number;
  role: HostRole;
  /** What the flow is, for labels: `DNS`, `HTTPS`, `CC-IRC`, `SPAM`, `Scan`, … */
  activity: string;
}

export const DEFAULT_START = Date.UTC(2011, 7, 16, 10, 0, 0) / 1000;

export interface Hosts {
  normal: string[];
  bots: string[];
  background: string[];
  servers: { dns: string; ntp: string; web: string[]; irc: string; http: string; mail: string[] };
}

export function hostsFor(options: TrafficOptions): Hosts {
  const nNormal = options.normalHosts ?? 12;
  const nBots = options.bots ?? 0;
  const normal: string[] = [];
  for (let i = 0; i < nNormal; i++) normal.push(i % 4 === 3 ? `2001:db8:84::${(0x100 + i).toString(16)}` : `147.32.84.${10 + i}`);
  const bots: string[] = [];
  for (let i = 0; i < nBots; i++) bots.push(`147.32.84.${160 + i}`);
  const background: string[] = [];
  for (let i = 0; i < 40; i++) background.push(`147.32.85.${20 + i}`);
  const web: string[] = [];
  for (let i = 0; i < 30; i++) web.push(i % 6 === 5 ? `2a00:1450:4001::${(0x60 + i).toString(16)}` : `${74 + (i % 5)}.125.${(i * 37) % 250}.${(i * 11) % 250 + 1}`);
  const mail: string[] = [];
  for (let i = 0; i < 25; i++) mail.push(`${200 - (i % 7)}.${(i * 13) % 250}.${(i * 29) % 250}.${(i % 250) + 2}`);
  return {
    normal,
    bots,
    background,
    servers: { dns: '147.32.80.9', ntp: '147.32.80.11', web, irc: '91.212.135.158', http: '208.100.26.234', mail },
  };
}

const SEED_STATES = ['new', 'connecting', 'established', 'closing', 'closed', 'reset'] as const;

/** Scheduled future flows (beacons, bursts, later snapshots) in a binary heap by time. */
interface Pending {
  t: number;
  kind: 'beacon-irc' | 'beacon-http' | 'scan' | 'spam' | 'snapshot' | 'port-scan' | 'burst';
  host: string;
  /** Remaining flows of a burst, or snapshot index. */
  n: number;
  dst: string;
  sport: number;
  dport: number;
  up: number;
  down: number;
  role?: HostRole;
}

class Heap {
  private items: Pending[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Pending | undefined {
    return this.items[0];
  }
  push(p: Pending): void {
    const a = this.items;
    a.push(p);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.t <= a[i]!.t) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): Pending {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.t < a[m]!.t) m = l;
        if (r < a.length && a[r]!.t < a[m]!.t) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

const BEACON_PERIOD = 30;
const PORT_SCAN_EVERY = 900;
const BURST_EVERY = 240;
const SCAN_EVERY = 420;
const SPAM_EVERY = 600;

/** The flow stream. Times never decrease. */
export function* traffic(options: TrafficOptions): Generator<FlowRecord> {
  const rng = new Rng(options.seed);
  const start = options.start ?? DEFAULT_START;
  const span = options.duration ?? 3600;
  const n = Math.max(0, Math.floor(options.flows));
  const hosts = hostsFor(options);
  const transportOnly = options.transportOnly === true;
  const pick = <T>(xs: readonly T[]): T => xs[rng.nextInt(xs.length)]!;
  const ephemeral = (): number => 1024 + rng.nextInt(64511);
  const heap = new Heap();
  // Bots start at staggered times so they are similar, not identical.
  hosts.bots.forEach((bot, k) => {
    const off = (k * 7.3) % BEACON_PERIOD;
    heap.push({ t: start + off, kind: 'beacon-irc', host: bot, n: 0, dst: hosts.servers.irc, sport: ephemeral(), dport: 6667, up: 0, down: 0 });
    heap.push({ t: start + off + 3 + rng.nextFloat() * 5, kind: 'beacon-http', host: bot, n: 0, dst: hosts.servers.http, sport: 0, dport: 80, up: 0, down: 0 });
    heap.push({ t: start + 60 + k * 13 + rng.nextFloat() * 60, kind: 'scan', host: bot, n: 20 + rng.nextInt(30), dst: '', sport: 0, dport: 445, up: 0, down: 0 });
    heap.push({ t: start + 120 + k * 17 + rng.nextFloat() * 120, kind: 'spam', host: bot, n: 10 + rng.nextInt(20), dst: '', sport: 0, dport: 25, up: 0, down: 0 });
  });
  // Whatever the bots do, the network sees an outside scanner sweeping the ports of one campus
  // host now and then, and clients loading pages in bursts of parallel connections.
  if (hosts.normal.length) {
    heap.push({ t: start + 200 + rng.nextFloat() * 200, kind: 'port-scan', host: '185.220.101.47', n: 30 + rng.nextInt(50), dst: pick(hosts.background), sport: ephemeral(), dport: 1, up: 0, down: 0 });
    heap.push({ t: start + 30 + rng.nextFloat() * 60, kind: 'burst', host: pick(hosts.normal), n: 15 + rng.nextInt(25), dst: '', sport: 0, dport: 443, up: 0, down: 0 });
  }
  const rec: FlowRecord = {
    ts: 0, proto: 'tcp', src: '', sport: 0, dst: '', dport: 0, seedState: 'established', argusState: 'CON',
    duration: 0, packets: 0, srcBytes: 0, dstBytes: 0, role: 'normal', activity: '',
  };
  let last = start;
  const set = (ts: number, proto: FlowRecord['proto'], src: string, sport: number, dst: string, dport: number, role: HostRole, activity: string): void => {
    last = Math.max(last, ts);
    rec.ts = last;
    rec.proto = proto;
    rec.src = src;
    rec.sport = sport;
    rec.dst = dst;
    rec.dport = dport;
    rec.role = role;
    rec.activity = activity;
  };
  const sizes = (up: number, down: number, pktSize: number, dur: number): void => {
    rec.srcBytes = Math.max(1, Math.round(up));
    rec.dstBytes = Math.max(0, Math.round(down));
    rec.packets = Math.max(1, Math.round((rec.srcBytes + rec.dstBytes) / pktSize));
    rec.duration = Math.round(dur * 1e6) / 1e6;
  };
  const lognormal = (median: number, sigma: number): number => median * Math.exp(sigma * rng.nextNormal());

  for (let i = 0; i < n; i++) {
    const slot = start + (span * i) / Math.max(1, n);
    const due = heap.peek();
    if (due && due.t <= slot) {
      const p = heap.pop();
      emitScheduled(p);
      yield rec;
      continue;
    }
    emitRegular(slot + (rng.nextFloat() * span) / Math.max(1, n));
    yield rec;
  }

  function emitScheduled(p: Pending): void {
    switch (p.kind) {
      case 'beacon-irc': {
        set(p.t, 'tcp', p.host, p.sport, p.dst, p.dport, 'bot', 'CC-IRC');
        sizes(180 + rng.nextInt(60), 250 + rng.nextInt(120), 70, 0.2 + rng.nextFloat() * 0.3);
        rec.seedState = 'established';
        rec.argusState = 'SRPA_SPA';
        heap.push({ ...p, t: p.t + BEACON_PERIOD * (0.9 + 0.2 * rng.nextFloat()) });
        return;
      }
      case 'beacon-http': {
        set(p.t, 'tcp', p.host, ephemeral(), p.dst, 80, 'bot', 'CC-HTTP');
        sizes(420 + rng.nextInt(80), 600 + rng.nextInt(200), 300, 0.3 + rng.nextFloat() * 0.5);
        rec.seedState = 'closed';
        rec.argusState = 'FSPA_FSPA';
        heap.push({ ...p, t: p.t + 2 * BEACON_PERIOD * (0.9 + 0.2 * rng.nextFloat()) });
        return;
      }
      case 'scan': {
        const target = `147.32.${86 + rng.nextInt(4)}.${1 + rng.nextInt(254)}`;
        set(p.t, 'tcp', p.host, ephemeral(), target, p.dport, 'bot', 'Scan');
        sizes(62, rng.nextFloat() < 0.3 ? 60 : 0, 62, rng.nextFloat() * 0.003);
        rec.seedState = rec.dstBytes > 0 ? 'reset' : 'connecting';
        rec.argusState = rec.dstBytes > 0 ? 'S_RA' : 'S_';
        const next = p.n > 1 ? { ...p, n: p.n - 1, t: p.t + 0.02 + rng.nextFloat() * 0.05 } : { ...p, n: 20 + rng.nextInt(30), t: p.t + SCAN_EVERY * (0.8 + 0.4 * rng.nextFloat()) };
        heap.push(next);
        return;
      }
      case 'spam': {
        set(p.t, 'tcp', p.host, ephemeral(), pick(hosts.servers.mail), 25, 'bot', 'SPAM');
        sizes(1800 + rng.nextInt(2400), 400 + rng.nextInt(200), 500, 0.8 + rng.nextFloat() * 2);
        rec.seedState = 'closed';
        rec.argusState = 'FSPA_FSPA';
        const next = p.n > 1 ? { ...p, n: p.n - 1, t: p.t + 0.1 + rng.nextFloat() * 0.4 } : { ...p, n: 10 + rng.nextInt(20), t: p.t + SPAM_EVERY * (0.8 + 0.4 * rng.nextFloat()) };
        heap.push(next);
        return;
      }
      case 'port-scan': {
        // A vertical scan: one source, one target, consecutive destination ports.
        set(p.t, 'tcp', p.host, p.sport, p.dst, p.dport, 'background', 'PortScan');
        const open = rng.nextFloat() < 0.1;
        sizes(60, open ? 60 : 54, 60, rng.nextFloat() * 0.002);
        rec.seedState = open ? 'closed' : 'reset';
        rec.argusState = open ? 'S_SA' : 'S_RA';
        const next =
          p.n > 1
            ? { ...p, n: p.n - 1, dport: p.dport + 1 + (rng.nextFloat() < 0.2 ? 1 : 0), t: p.t + 0.005 + rng.nextFloat() * 0.02 }
            : { ...p, n: 30 + rng.nextInt(50), dport: 1, dst: pick(hosts.background), sport: ephemeral(), t: p.t + PORT_SCAN_EVERY * (0.7 + 0.6 * rng.nextFloat()) };
        heap.push(next);
        return;
      }
      case 'burst': {
        // A page load: many short parallel web connections from one client within a second or two.
        set(p.t, 'tcp', p.host, ephemeral(), pick(hosts.servers.web), rng.nextFloat() < 0.8 ? 443 : 80, 'normal', 'HTTPS');
        if (rec.dport === 80) rec.activity = 'HTTP';
        sizes(lognormal(700, 0.6), lognormal(15000, 1.2), 900, rng.nextFloat() * 2);
        rec.seedState = rng.nextFloat() < 0.7 ? 'established' : 'new';
        rec.argusState = rec.seedState === 'new' ? 'S_' : 'SRPA_SPA';
        const next =
          p.n > 1
            ? { ...p, n: p.n - 1, t: p.t + rng.nextFloat() * 0.08 }
            : { ...p, n: 15 + rng.nextInt(25), host: pick(hosts.normal), t: p.t + BURST_EVERY * (0.5 + rng.nextFloat()) };
        heap.push(next);
        return;
      }
      case 'snapshot': {
        // A later snapshot of a long web connection: same 5-tuple, counters grown, state moved on.
        set(p.t, 'tcp', p.host, p.sport, p.dst, p.dport, p.role ?? 'normal', p.dport === 443 ? 'HTTPS' : 'HTTP');
        const up = p.up * (1 + 0.5 * rng.nextFloat());
        const down = p.down * (1 + rng.nextFloat());
        sizes(up, down, 900, 5 * (p.n + 1));
        const final = p.n >= 3 || rng.nextFloat() < 0.3;
        rec.seedState = final ? (rng.nextFloat() < 0.15 ? 'reset' : rng.nextFloat() < 0.3 ? 'closing' : 'closed') : 'established';
        rec.argusState = final ? 'FSPA_FSPA' : 'SPA_SPA';
        if (!final) heap.push({ ...p, n: p.n + 1, up, down, t: p.t + 5 + rng.nextFloat() * 10 });
        return;
      }
    }
  }

  function emitRegular(ts: number): void {
    const u = rng.nextFloat();
    if (u < 0.35) {
      // Background: other campus hosts and the outside world, labelled Background in CTU-13.
      const src = pick(hosts.background);
      const udp = rng.nextFloat() < 0.5;
      set(ts, udp ? 'udp' : 'tcp', src, ephemeral(), udp ? hosts.servers.dns : pick(hosts.servers.web), udp ? 53 : 443, 'background', udp ? 'DNS' : 'HTTPS');
      sizes(udp ? 70 + rng.nextInt(30) : lognormal(900, 1), udp ? 130 + rng.nextInt(90) : lognormal(20000, 2), udp ? 90 : 900, rng.nextFloat() * (udp ? 0.01 : 20));
      rec.seedState = udp ? 'established' : pick(SEED_STATES);
      rec.argusState = udp ? 'CON' : 'SRPA_SPA';
      return;
    }
    const pool = u < 0.85 || hosts.bots.length === 0 ? hosts.normal : hosts.bots;
    const host = pool.length ? pick(pool) : pick(hosts.background);
    const role: HostRole = pool === hosts.bots ? 'bot' : pool.length ? 'normal' : 'background';
    const v = rng.nextFloat();
    if (v < 0.3) {
      set(ts, 'udp', host, ephemeral(), hosts.servers.dns, 53, role, 'DNS');
      sizes(60 + rng.nextInt(40), 100 + rng.nextInt(200), 90, rng.nextFloat() * 0.05);
      rec.seedState = 'established';
      rec.argusState = 'CON';
    } else if (v < 0.36) {
      set(ts, 'udp', host, 123, hosts.servers.ntp, 123, role, 'NTP');
      sizes(90, 90, 90, rng.nextFloat() * 0.01);
      rec.seedState = 'established';
      rec.argusState = 'CON';
    } else if (v < 0.39 && role !== 'bot' && !transportOnly) {
      set(ts, 'icmp', host, 0x0008, pick(hosts.servers.web), 0x0000, role, 'ICMP');
      sizes(84, 84, 84, rng.nextFloat() * 0.1);
      rec.seedState = 'established';
      rec.argusState = 'ECO';
    } else if (v < 0.4 && role !== 'bot' && !transportOnly) {
      set(ts, 'arp', host, -1, hosts.servers.dns, -1, role, 'ARP');
      sizes(60, 60, 60, 0);
      rec.seedState = 'established';
      rec.argusState = 'CON';
    } else {
      const https = rng.nextFloat() < 0.7;
      const dport = https ? 443 : 80;
      const dst = pick(hosts.servers.web);
      const sport = ephemeral();
      set(ts, 'tcp', host, sport, dst, dport, role, https ? 'HTTPS' : 'HTTP');
      const up = lognormal(1200, 1);
      const down = lognormal(40000, 1.8);
      sizes(up, down, 900, rng.nextFloat() * 10);
      const w = rng.nextFloat();
      rec.seedState = w < 0.1 ? 'new' : w < 0.15 ? 'connecting' : w < 0.85 ? 'established' : w < 0.9 ? 'closing' : w < 0.95 ? 'closed' : 'reset';
      rec.argusState = rec.seedState === 'reset' ? 'SR_SA' : rec.seedState === 'new' || rec.seedState === 'connecting' ? 'S_' : 'SRPA_SPA';
      // Long connections are seen again in later snapshots (the seed's periodic rows).
      if (rec.seedState === 'established' && rng.nextFloat() < 0.4) {
        heap.push({ t: ts + 5 + rng.nextFloat() * 10, kind: 'snapshot', host, n: 1, dst, sport, dport, up, down, role });
      }
    }
  }
}
