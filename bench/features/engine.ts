/**
 * Engine-only throughput (no parsing): 1 M synthetic flows built in memory, then aggregate +
 * features, batch and streamed. Run: npx tsx bench/features/engine.ts [flows]
 */
import { createDictionaries, FlowTableBuilder, sliceTable } from '../../src/engine/flowTable.js';
import { aggregateWindows } from '../../src/engine/features/aggregate.js';
import { computeFeatures } from '../../src/engine/features/compute.js';
import { WindowStream } from '../../src/engine/features/windowStream.js';
import { ALL_FEATURES, SEED_FEATURES } from '../../src/query/featureCatalog.js';
import { synthRows } from './synth.js';

const n = Number(process.argv[2] ?? 1_000_000);
const dicts = createDictionaries();
const b = new FlowTableBuilder(dicts, ['state', 'srcBytes', 'dstBytes'], n);
for (const r of synthRows(n, 1485532800, 3600)) {
  const i = b.addRow();
  b.ts[i] = r.ts;
  b.proto[i] = dicts.proto.code(r.proto);
  b.state![i] = dicts.state.code(r.state);
  b.srcIp[i] = dicts.ip.code(r.src);
  b.dstIp[i] = dicts.ip.code(r.dst);
  b.srcPort[i] = r.sport;
  b.dstPort[i] = r.dport;
  b.srcBytes![i] = r.up;
  b.dstBytes![i] = r.down;
}
const table = b.finish();

function time<T>(label: string, f: () => T): T {
  const t0 = process.hrtime.bigint();
  const out = f();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(34)} ${s.toFixed(3)} s  ${(n / s / 1e6).toFixed(2)} M flows/s`);
  return out;
}

for (let rep = 0; rep < 3; rep++) {
  const aggs = time('aggregateWindows (sorted)', () => aggregateWindows(table, 10));
  time('computeFeatures (56 seed)', () => computeFeatures(aggs, SEED_FEATURES));
  time('computeFeatures (all)', () => computeFeatures(aggs, ALL_FEATURES));
  time('WindowStream, 64 K-row chunks', () => {
    const s = new WindowStream(10);
    let k = 0;
    for (let at = 0; at < n; at += 65536) k += s.push(sliceTable(table, at, Math.min(n, at + 65536))).length;
    return k + s.flush().length;
  });
}
