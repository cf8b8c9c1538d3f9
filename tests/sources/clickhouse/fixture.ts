/**
 * Generated flows for the ClickHouse tests, as plain rows (to load into a table) and as a
 * FlowTable (for the in-process engine). Covers what push-down must get right: missing ports
 * (ICMP), missing states and byte counts, IPv6 and a MAC address, snapshot rows repeating a
 * 5-tuple, fractional timestamps and exact window boundaries.
 */
import { createDictionaries, FlowTableBuilder, NO_CODE, NO_PORT, type FlowTable } from '../../../src/engine/flowTable.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../../src/engine/random.js';

export interface FlowRow {
  ts: number;
  src_ip: string;
  dst_ip: string;
  src_port: number | null;
  dst_port: number | null;
  proto: string;
  state: string | null;
  src_bytes: number | null;
  dst_bytes: number | null;
  label: string;
}

const STATES = ['established', 'established', 'closed', 'new', 'reset', 'closing', 'connecting', 'INT', null];
const PORTS = [443, 443, 80, 53, 22, 123, 8080, 3306];

export function generateRows(n: number, start: number, spanSeconds: number, seed = 7): FlowRow[] {
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.nextInt(xs.length)]!;
  const clients = Array.from({ length: 60 }, (_, i) => (i % 17 === 5 ? `2001:db8::${(i + 1).toString(16)}` : `10.0.${i >> 4}.${(i * 7) % 250 + 1}`));
  clients[3] = '00:11:22:33:44:55';
  const servers = Array.from({ length: 25 }, (_, i) => (i % 9 === 4 ? `2001:db8:1::${i + 10}` : i < 12 ? `192.168.1.${i + 1}` : `93.184.${i}.${(i * 13) % 250}`));
  servers.push('::ffff:172.16.0.9');
  const rows: FlowRow[] = [];
  let prev = null as FlowRow | null;
  for (let i = 0; i < n; i++) {
    // a few rows sit exactly on window boundaries, the rest have sub-second parts
    const ts = i % 50 === 0 ? start + 10 * Math.floor((i * spanSeconds) / n / 10) : start + Math.round(((i * spanSeconds) / n + rng.nextFloat() * 0.9) * 1000) / 1000;
    const last: FlowRow | null = prev;
    if (last !== null && rng.nextFloat() < 0.3) {
      prev = { ...last, ts, state: pick(STATES), src_bytes: last.src_bytes === null ? null : last.src_bytes + rng.nextInt(5000) };
      rows.push(prev);
      continue;
    }
    const icmp = rng.nextFloat() < 0.08;
    const dport = icmp ? null : pick(PORTS);
    prev = {
      ts,
      src_ip: clients[Math.floor(rng.nextFloat() * rng.nextFloat() * clients.length)]!,
      dst_ip: servers[Math.floor(rng.nextFloat() * rng.nextFloat() * servers.length)]!,
      src_port: icmp ? null : 1024 + rng.nextInt(3000),
      dst_port: dport,
      proto: icmp ? 'icmp' : dport === 53 || dport === 123 ? 'udp' : 'tcp',
      state: pick(STATES),
      src_bytes: rng.nextFloat() < 0.05 ? null : rng.nextInt(100000),
      dst_bytes: rng.nextFloat() < 0.05 ? null : rng.nextInt(1000000),
      label: rng.nextFloat() < 0.1 ? 'Botnet' : 'Background',
    };
    rows.push(prev);
  }
  return rows;
}

/** The rows as a FlowTable, the way a file reader would produce them. */
export function tableOfRows(rows: readonly FlowRow[]): FlowTable {
  const dicts = createDictionaries();
  const b = new FlowTableBuilder(dicts, ['state', 'srcBytes', 'dstBytes', 'label'], rows.length);
  for (const r of rows) {
    const i = b.addRow();
    b.ts[i] = r.ts;
    b.srcIp[i] = dicts.ip.code(r.src_ip);
    b.dstIp[i] = dicts.ip.code(r.dst_ip);
    b.srcPort[i] = r.src_port ?? NO_PORT;
    b.dstPort[i] = r.dst_port ?? NO_PORT;
    b.proto[i] = dicts.proto.code(r.proto);
    b.state![i] = r.state === null ? NO_CODE : dicts.state.code(r.state);
    b.srcBytes![i] = r.src_bytes ?? NaN;
    b.dstBytes![i] = r.dst_bytes ?? NaN;
    b.label![i] = dicts.label.code(r.label);
  }
  return b.finish();
}

export const GENERIC_DDL = `(
  ts Float64, src_ip String, dst_ip String, src_port Nullable(UInt16), dst_port Nullable(UInt16),
  proto String, state Nullable(String), src_bytes Nullable(UInt64), dst_bytes Nullable(UInt64), label String
)`;

/**
 * Creates `fl.flows` with the generic preset's columns on an embedded engine (chdb) and loads
 * `rows` into it through a JSON-lines file written in `dir`.
 */
export async function loadGenericChdb(chdb: { exec(sql: string): Promise<void> }, dir: string, rows: readonly FlowRow[]): Promise<void> {
  const file = join(dir, 'flows.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  await chdb.exec('CREATE DATABASE fl');
  await chdb.exec(`CREATE TABLE fl.flows ${GENERIC_DDL} ENGINE = MergeTree ORDER BY ts`);
  const structure = GENERIC_DDL.replace(/\s+/g, ' ').trim().slice(1, -1).trim();
  await chdb.exec(`INSERT INTO fl.flows SELECT * FROM file('${file}', 'JSONEachRow', '${structure}')`);
}
