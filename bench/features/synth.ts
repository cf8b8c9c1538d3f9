/**
 * Deterministic synthetic seed-format traffic for the features benchmark (used when the
 * `flowlens generate` command is not available): clients talking to servers on common ports,
 * periodic snapshots of the same connection, all six seed states.
 */
export interface SynthRow {
  ts: number;
  proto: string;
  state: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  up: number;
  down: number;
}

const STATES = ['established', 'established', 'established', 'closed', 'new', 'reset', 'closing', 'connecting'];
const PORTS = [443, 443, 443, 80, 80, 53, 22, 123, 8080, 3306, 6800, 1900];

export function* synthRows(n: number, startEpoch: number, spanSeconds: number, seed = 1): Generator<SynthRow> {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const clients = Array.from({ length: 2000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) % 250 + 1}`);
  const servers = Array.from({ length: 400 }, (_, i) => (i < 50 ? `192.168.100.${i + 1}` : `${(i * 37) % 200 + 20}.${(i * 11) % 250}.${(i * 3) % 250}.${i % 250 + 1}`));
  let prev: SynthRow | null = null;
  for (let i = 0; i < n; i++) {
    const ts = startEpoch + Math.floor((i * spanSeconds) / n);
    const last: SynthRow | null = prev;
    if (last !== null && rnd() < 0.25) {
      // a later snapshot of the same connection
      const again: SynthRow = { ...last, ts, state: STATES[Math.floor(rnd() * STATES.length)]!, up: last.up + Math.floor(rnd() * 5000) };
      prev = again;
      yield again;
      continue;
    }
    const dport = PORTS[Math.floor(rnd() * PORTS.length)]!;
    const row: SynthRow = {
      ts,
      proto: dport === 53 || dport === 123 || dport === 1900 ? 'udp' : 'tcp',
      state: STATES[Math.floor(rnd() * STATES.length)]!,
      src: clients[Math.floor(rnd() * rnd() * clients.length)]!,
      sport: 1024 + Math.floor(rnd() * 64000),
      dst: servers[Math.floor(rnd() * rnd() * servers.length)]!,
      dport,
      up: Math.floor(rnd() * 100000),
      down: Math.floor(rnd() * 1000000),
    };
    prev = row;
    yield row;
  }
}

const pad = (x: number): string => (x < 10 ? `0${x}` : String(x));

/** `2017-01-27 16:24:42` (UTC) as the seed writes it. */
export function seedTime(epoch: number): string {
  const d = new Date(epoch * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function seedLine(r: SynthRow): string {
  return `${seedTime(r.ts)},${r.proto},${r.state},${r.src},${r.sport},${r.dst},${r.dport},${r.up},${r.down}\n`;
}
