/**
 * Arrow encode time for 1 M rows (target ≤ 150 ms), against the peer a plain arrow-js user would
 * write in the same run: `vectorFromArray` columns + `tableToIPC(…, 'file')`.
 * Run: node --import tsx bench/backend/encode.ts [rows]
 */
import { Float64, tableToIPC, Table, TimestampNanosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { encodeFrameToArrow } from '../../src/backend/grafana/arrowFrame.js';
import { float64Field, timeField, type Frame } from '../../src/backend/grafana/frame.js';

const N = Number(process.argv[2] ?? 1_000_000);
const T0 = 1_313_500_000n * 1_000_000_000n;

const time = new BigInt64Array(N);
for (let i = 0; i < N; i++) time[i] = T0 + BigInt(i) * 10_000_000_000n;
const cols = [0, 1, 2].map((k) => Float64Array.from({ length: N }, (_, i) => (i * (k + 1)) % 977));
const hosts = Array.from({ length: 5000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${i % 7}`);
const codes = Int32Array.from({ length: N }, (_, i) => (i * 7919) % hosts.length);

const numericFrame: Frame = {
  name: 'features',
  meta: { type: 'timeseries-wide', typeVersion: [0, 1] },
  fields: [timeField('time', time), ...cols.map((c, k) => float64Field(`f${k}`, c))],
};
const stringFrame: Frame = { name: 'flows', fields: [timeField('time', time), { name: 'host', type: 'string-coded', codes, dictionary: hosts }, float64Field('bytes', cols[0]!)] };

function best(label: string, runs: number, fn: () => Uint8Array): number {
  let min = Infinity;
  let size = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    size = fn().length;
    min = Math.min(min, performance.now() - t);
  }
  console.log(`${label.padEnd(58)} ${min.toFixed(1).padStart(8)} ms  (${(size / 1e6).toFixed(1)} MB)`);
  return min;
}

function peerNumeric(): Uint8Array {
  const ms = Array.from(time, (ns) => Number(ns / 1_000_000n));
  const t = new Table({
    time: vectorFromArray(ms, new TimestampNanosecond()),
    ...Object.fromEntries(cols.map((c, k) => [`f${k}`, vectorFromArray(Array.from(c), new Float64())])),
  });
  return tableToIPC(t, 'file');
}

function peerString(): Uint8Array {
  const ms = Array.from(time, (ns) => Number(ns / 1_000_000n));
  const t = new Table({
    time: vectorFromArray(ms, new TimestampNanosecond()),
    host: vectorFromArray(Array.from(codes, (c) => hosts[c]!), new Utf8()),
    bytes: vectorFromArray(Array.from(cols[0]!), new Float64()),
  });
  return tableToIPC(t, 'file');
}

console.log(`Arrow IPC file encode, ${N.toLocaleString('en')} rows (best of 5; peer best of 2)`);
const ours = best('ours: time + 3 float64 (features frame)', 5, () => encodeFrameToArrow(numericFrame, 'A'));
const peer = best('peer: vectorFromArray + tableToIPC(file), same columns', 2, peerNumeric);
const oursS = best('ours: time + host (Utf8 from 5 k-entry dictionary) + float64', 5, () => encodeFrameToArrow(stringFrame, 'A'));
const peerS = best('peer: vectorFromArray + tableToIPC(file), same columns', 2, peerString);
console.log(`ratio peer/ours: numeric ${(peer / ours).toFixed(1)}x, with strings ${(peerS / oursS).toFixed(1)}x; target ≤ 150 ms for the features frame: ${ours <= 150 ? 'met' : 'MISSED'}`);
