/**
 * Parity: the profile discretizer against numpy quantiles and pandas unique()
 * (tests/parity/oracle_hmm_discretizer.py): bin edges bit for bit and every flow code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDictionaries, FlowTableBuilder, NO_CODE, NO_PORT, type FlowTable } from '../../src/engine/flowTable.js';
import { encodeFlows, fitDiscretizer, MISSING_VALUE } from '../../src/engine/discretize/index.js';
import { Rng } from '../../src/engine/random.js';
import { PROFILE_FEATURES, type ProfileFeature } from '../../src/query/profileSpec.js';

const ORACLE = fileURLToPath(new URL('./oracle_hmm_discretizer.py', import.meta.url));
const probe = spawnSync('python3', ['-c', 'import numpy, pandas'], { encoding: 'utf8' });
const noNumpy = probe.status !== 0 ? 'python3 with numpy and pandas is not installed (pip install -r tests/parity/requirements.txt)' : false;

const PROTOS = ['tcp', 'udp', 'icmp', 'arp', 'igmp'];
const STATES = ['CON', 'S_RA', 'FSPA_FSPA', 'INT'];

/** n flows, the first `nRef` from the reference host; values drawn with duplicates and gaps. */
function randomTable(rng: Rng, n: number, nRef: number, refProtos: number): FlowTable {
  const dicts = createDictionaries();
  const b = new FlowTableBuilder(dicts, ['bytes', 'packets', 'duration', 'state'], n);
  for (let i = 0; i < n; i++) {
    const r = b.addRow();
    const ref = i < nRef;
    b.ts[r] = 1000 + i;
    b.srcIp[r] = dicts.ip.code(ref ? '10.0.0.1' : `10.0.1.${rng.nextInt(20)}`);
    b.dstIp[r] = dicts.ip.code('192.168.0.1');
    b.srcPort[r] = 1024 + rng.nextInt(60000);
    b.dstPort[r] = rng.nextFloat() < 0.1 ? NO_PORT : [53, 80, 443, 6667, 25][rng.nextInt(ref ? 4 : 5)]!;
    b.proto[r] = dicts.proto.code(PROTOS[rng.nextInt(ref ? refProtos : PROTOS.length)]!);
    b.state![r] = rng.nextFloat() < 0.05 ? NO_CODE : dicts.state.code(STATES[rng.nextInt(STATES.length)]!);
    // Heavy-tailed, often repeated byte counts, as real flows have; some missing.
    b.bytes![r] = rng.nextFloat() < 0.03 ? NaN : rng.nextFloat() < 0.4 ? 60 * (1 + rng.nextInt(3)) : Math.round(Math.exp(4 + rng.nextNormal() * 2));
    b.packets![r] = 1 + rng.nextInt(ref ? 8 : 40);
    b.duration![r] = rng.nextFloat() < 0.5 ? 0 : rng.nextFloat() * 30;
  }
  return b.finish();
}

function column(table: FlowTable, name: ProfileFeature['name'], i: number): string | number | null {
  switch (name) {
    case 'protocol':
      return table.dicts.proto.value(table.proto[i]!);
    case 'dst_port':
      return table.dstPort[i]! < 0 ? MISSING_VALUE : String(table.dstPort[i]);
    case 'state':
      return table.state![i]! < 0 ? MISSING_VALUE : table.dicts.state.value(table.state![i]!);
    case 'bytes':
      return Number.isNaN(table.bytes![i]!) ? null : table.bytes![i]!;
    case 'packets':
      return table.packets![i]!;
    case 'duration':
      return table.duration![i]!;
    default:
      throw new Error(name);
  }
}

interface Case {
  id: string;
  table: FlowTable;
  features: ProfileFeature[];
  ref: Int32Array;
  query: Int32Array;
}

const rng = new Rng(99);
const range = (a: number, b: number): Int32Array => Int32Array.from({ length: b - a }, (_, i) => a + i);
const t1 = randomTable(rng, 3000, 800, 3);
const t2 = randomTable(rng, 2000, 500, 2);
const t3 = randomTable(rng, 60, 3, 1);
const cases: Case[] = [
  { id: 'seed-default protocol+bytes/5', table: t1, features: [{ name: 'protocol' }, { name: 'bytes', bins: 5 }], ref: range(0, 800), query: range(0, 3000) },
  { id: 'dst_port+packets/3+duration/7+state', table: t2, features: [{ name: 'dst_port' }, { name: 'packets', bins: 3 }, { name: 'duration', bins: 7 }, { name: 'state' }], ref: range(0, 500), query: range(0, 2000) },
  { id: 'three reference flows, 10 bins', table: t3, features: [{ name: 'bytes', bins: 10 }, { name: 'protocol' }], ref: range(0, 3), query: range(0, 60) },
];

test('discretizer edges equal numpy quantiles and every flow code equals the oracle', { skip: noNumpy }, () => {
  const payload = {
    cases: cases.map((c) => {
      const cols = (rows: Int32Array): Record<string, (string | number | null)[]> =>
        Object.fromEntries(c.features.map((f) => [f.name, Array.from(rows, (i) => column(c.table, f.name, i))]));
      return { id: c.id, features: c.features.map((f) => ({ name: f.name, kind: PROFILE_FEATURES[f.name], bins: f.bins })), reference: cols(c.ref), query: cols(c.query) };
    }),
  };
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-disc-'));
  let out: { cases: { id: string; edges: Record<string, number[]>; codes: number[] }[] };
  try {
    writeFileSync(join(dir, 'in.json'), JSON.stringify(payload));
    const r = spawnSync('python3', [ORACLE, join(dir, 'in.json')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    out = JSON.parse(r.stdout) as typeof out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const c of cases) {
    const theirs = out.cases.find((x) => x.id === c.id)!;
    const d = fitDiscretizer(c.table, c.ref, c.features);
    for (const f of d.features) if (f.kind === 'numeric') assert.deepEqual(f.edges, theirs.edges[f.name], `${c.id}: ${f.name} edges`);
    assert.deepEqual(Array.from(encodeFlows(d, c.table, c.query)), theirs.codes, `${c.id}: codes`);
  }
});
