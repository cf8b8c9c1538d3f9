/** Small flow tables with hosts of known behaviour for profile and scoring tests. */
import { createDictionaries, FlowTableBuilder, type FlowDictionaries, type FlowTable } from '../../../src/engine/flowTable.js';
import { Rng } from '../../../src/engine/random.js';

export interface FlowRow {
  ts: number;
  src: string;
  proto: string;
  bytes: number;
  dport?: number;
  label?: string;
}

export function tableOfFlows(rows: readonly FlowRow[], dicts: FlowDictionaries = createDictionaries()): FlowTable {
  const b = new FlowTableBuilder(dicts, ['bytes', 'label'], rows.length);
  for (const r of rows) {
    const i = b.addRow();
    b.ts[i] = r.ts;
    b.srcIp[i] = dicts.ip.code(r.src);
    b.dstIp[i] = dicts.ip.code('192.0.2.1');
    b.srcPort[i] = 40000;
    b.dstPort[i] = r.dport ?? 80;
    b.proto[i] = dicts.proto.code(r.proto);
    b.bytes![i] = r.bytes;
    b.label![i] = dicts.label.code(r.label ?? 'Background');
  }
  return b.finish();
}

/**
 * Bots repeat a beacon cycle (small TCP, small TCP, large TCP, UDP DNS) with jitter; normal hosts
 * browse: mostly TCP of widely varying size, occasional UDP. `n` flows per host.
 */
export function botsAndNormals(seed: number, bots: number, normals: number, n: number): { rows: FlowRow[]; bots: string[]; normals: string[] } {
  const rng = new Rng(seed);
  const rows: FlowRow[] = [];
  const botIps = Array.from({ length: bots }, (_, i) => `10.0.0.${10 + i}`);
  const normalIps = Array.from({ length: normals }, (_, i) => `10.0.1.${10 + i}`);
  for (const ip of botIps) {
    let t = 1000 + rng.nextFloat() * 60;
    for (let k = 0; k < n; k++) {
      const phase = k % 4;
      const proto = phase === 3 ? 'udp' : 'tcp';
      const bytes = phase === 2 ? 5000 + rng.nextInt(300) : phase === 3 ? 80 + rng.nextInt(10) : 120 + rng.nextInt(20);
      rows.push({ ts: t, src: ip, proto, bytes, label: 'flow=From-Botnet-V1' });
      t += 5 + rng.nextFloat();
    }
  }
  for (const ip of normalIps) {
    let t = 1000 + rng.nextFloat() * 60;
    for (let k = 0; k < n; k++) {
      const proto = rng.nextFloat() < 0.15 ? 'udp' : 'tcp';
      const bytes = Math.round(Math.exp(5 + rng.nextNormal() * 2.5));
      rows.push({ ts: t, src: ip, proto, bytes, label: 'flow=From-Normal-V1' });
      t += rng.nextFloat() * 20;
    }
  }
  return { rows, bots: botIps, normals: normalIps };
}
