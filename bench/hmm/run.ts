/**
 * HMM profile benchmark, Flowlens vs hmmlearn 0.3.3 in the same run (issue 3):
 * train a 4-state diagonal Gaussian HMM on the sliding windows (w = 10) of a reference host's
 * 50 k flows — discretize, k-means++ init, 10 EM iterations — then score 1,000 other hosts.
 * The same synthetic flows go to the Python peer (bench/hmm/peer.py), which does the same work
 * with numpy/pandas vectorised discretization and hmmlearn; each side times only its own work
 * (data loading excluded), three times, medians reported. Prints seconds and the ratio
 * flowlens / hmmlearn (target ≤ 0.5).
 *
 * Run: npx tsx bench/hmm/run.ts [refFlows=50000] [hosts=1000] [flowsPerHost=200]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDictionaries, FlowTableBuilder } from '../../src/engine/flowTable.js';
import { trainProfile } from '../../src/engine/profile/index.js';
import { Rng } from '../../src/engine/random.js';
import { scoreHosts } from '../../src/engine/scoring/index.js';

const refFlows = Number(process.argv[2] ?? 50_000);
const hosts = Number(process.argv[3] ?? 1000);
const perHost = Number(process.argv[4] ?? 200);

const rng = new Rng(2024);
const dicts = createDictionaries();
const total = refFlows + hosts * perHost;
const b = new FlowTableBuilder(dicts, ['bytes'], total);
const hostCol: string[] = [];
const tsCol: number[] = [];
const protoCol: string[] = [];
const bytesCol: number[] = [];
const PROTOS = ['tcp', 'udp', 'icmp'];
function add(host: string, ts: number, proto: string, bytes: number): void {
  const i = b.addRow();
  b.ts[i] = ts;
  b.srcIp[i] = dicts.ip.code(host);
  b.dstIp[i] = dicts.ip.code('192.0.2.1');
  b.srcPort[i] = 40000;
  b.dstPort[i] = 80;
  b.proto[i] = dicts.proto.code(proto);
  b.bytes![i] = bytes;
  hostCol.push(host);
  tsCol.push(ts);
  protoCol.push(proto);
  bytesCol.push(bytes);
}
// Reference: a bot-like periodic cycle with noise; others: a mix of bot-like and random hosts.
for (let k = 0; k < refFlows; k++) {
  const phase = k % 4;
  add('10.0.0.1', 1e9 + k * 2 + rng.nextFloat(), rng.nextFloat() < 0.05 ? 'icmp' : phase === 3 ? 'udp' : 'tcp', phase === 2 ? 5000 + rng.nextInt(500) : 100 + rng.nextInt(100));
}
for (let h = 0; h < hosts; h++) {
  const host = `10.1.${h >> 8}.${h & 255}`;
  const botLike = h % 5 === 0;
  let t = 1e9 + rng.nextFloat() * 1000;
  for (let k = 0; k < perHost; k++) {
    const phase = k % 4;
    if (botLike) add(host, t, phase === 3 ? 'udp' : 'tcp', phase === 2 ? 5000 + rng.nextInt(500) : 100 + rng.nextInt(100));
    else add(host, t, PROTOS[rng.nextInt(3)]!, Math.round(Math.exp(5 + rng.nextNormal() * 2)));
    t += rng.nextFloat() * 10;
  }
}
const table = b.finish();
const others = Array.from({ length: hosts }, (_, h) => `10.1.${h >> 8}.${h & 255}`);

const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-hmm-'));
const dataFile = join(dir, 'flows.json');
writeFileSync(dataFile, JSON.stringify({ host: hostCol, ts: tsCol, proto: protoCol, bytes: bytesCol, reference: '10.0.0.1', others }));

function seconds(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const spec = { hosts: ['10.0.0.1'], states: 4, window: 10, iterations: 10, tol: 0, seed: 0 };
// Warm-up on a small slice so the JIT has compiled the hot loops, as Python has its C code ready.
trainProfile(table, { ...spec, iterations: 2, to: String(1e9 + 2000) });

// Both sides run the whole train + score REPEAT times and report medians (the machine is shared).
const REPEAT = 3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
let profile = trainProfile(table, { ...spec, iterations: 1, to: String(1e9 + 100) });
let scored = 0;
const trainRuns: number[] = [];
const scoreRuns: number[] = [];
for (let r = 0; r < REPEAT; r++) {
  trainRuns.push(seconds(() => (profile = trainProfile(table, spec))));
  scoreRuns.push(seconds(() => (scored = scoreHosts(table, profile, { hosts: others }).filter((s) => s.score !== null).length)));
}
const trainS = median(trainRuns);
const scoreS = median(scoreRuns);

const peer = spawnSync('python3', [fileURLToPath(new URL('./peer.py', import.meta.url)), dataFile, String(REPEAT)], { encoding: 'utf8', maxBuffer: 1 << 26 });
rmSync(dir, { recursive: true, force: true });
if (peer.status !== 0) {
  console.error(`peer failed: ${peer.stderr}`);
  process.exit(1);
}
const theirs = JSON.parse(peer.stdout) as { train_s: number; score_s: number; windows: number; scored: number; iterations: number };

const ours = trainS + scoreS;
const peerTotal = theirs.train_s + theirs.score_s;
console.log(`reference windows: flowlens ${profile.training.windows}, hmmlearn ${theirs.windows}; EM iterations ${profile.training.logLikelihood.length} / ${theirs.iterations}; hosts scored ${scored} / ${theirs.scored}`);
console.log(`train   flowlens ${trainS.toFixed(3)} s   hmmlearn ${theirs.train_s.toFixed(3)} s   ratio ${(trainS / theirs.train_s).toFixed(3)}`);
console.log(`score   flowlens ${scoreS.toFixed(3)} s   hmmlearn ${theirs.score_s.toFixed(3)} s   ratio ${(scoreS / theirs.score_s).toFixed(3)}`);
console.log(`total   flowlens ${ours.toFixed(3)} s   hmmlearn ${peerTotal.toFixed(3)} s   ratio ${(ours / peerTotal).toFixed(3)} (target <= 0.5)`);
