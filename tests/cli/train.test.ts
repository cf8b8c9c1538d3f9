import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { binetflowText, runCli } from './trainHelpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-train-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = binetflowText(11, 2, 2, 80);
const file = join(dir, 'flows.binetflow');
writeFileSync(file, data.text);

test('train writes the same profile JSON for the same files and options', async () => {
  const a = await runCli(['train', '--host', data.bots[0]!, '--seed', '5', '-o', join(dir, 'a.json'), file]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stderr, /trained on 71 windows from 80 flows of 10\.0\.0\.10/);
  const b = await runCli(['train', '--host', data.bots[0]!, '--seed', '5', '-o', join(dir, 'b.json'), file]);
  assert.equal(b.code, 0);
  assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), readFileSync(join(dir, 'b.json'), 'utf8'));
  const p = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as { version: number; spec: { seed: number; features: unknown[] }; hmm: { nStates: number } };
  assert.equal(p.version, 1);
  assert.equal(p.spec.seed, 5);
  assert.equal(p.hmm.nStates, 4);
  assert.deepEqual(p.spec.features, [{ name: 'protocol' }, { name: 'bytes', bins: 5 }]);
});

test('train options reach the spec: states, window, features with their own bins, covariance, range', async () => {
  const r = await runCli(['train', '--host', data.bots[1]!, '--states', '2', '--window', '5', '--features', 'protocol,bytes:3', '--covariance', 'spherical', '--iterations', '3', '--from', '1313481600', '-o', '-', file]);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout) as { spec: Record<string, unknown>; hmm: { covars: number[]; means: number[][] }; training: { logLikelihood: number[] } };
  assert.equal(p.spec.states, 2);
  assert.equal(p.spec.window, 5);
  assert.deepEqual(p.spec.features, [{ name: 'protocol' }, { name: 'bytes', bins: 3 }]);
  assert.equal(p.spec.from, '2011-08-16T08:00:00Z');
  assert.equal(p.hmm.covars.length, 2);
  assert.equal(p.hmm.means[0]!.length, 5);
  assert.ok(p.training.logLikelihood.length <= 3);
});

test('--init replaces the seeded initialisation', async () => {
  const init = { startprob: [0.5, 0.5], transmat: [[0.9, 0.1], [0.1, 0.9]], means: [[0, 0, 0], [5, 5, 5]], covars: [[1, 1, 1], [1, 1, 1]] };
  writeFileSync(join(dir, 'init.json'), JSON.stringify(init));
  const r = await runCli(['train', '--host', data.bots[0]!, '--states', '2', '--window', '3', '--iterations', '1', '--init', join(dir, 'init.json'), '-o', '-', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { training: { init: string } }).training.init, 'given');
  const bad = await runCli(['train', '--host', data.bots[0]!, '--states', '3', '--window', '3', '--init', join(dir, 'init.json'), '-o', '-', file]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /initial startprob has 2 values, expected 3/);
  // what hmmlearn refuses is refused here too, rather than written into a profile score cannot read
  const zeroRow = { ...init, startprob: [0.7, 0.7], transmat: [[0.9, 0.1], [0, 0]], covars: [[1, 1, 1], [1, 0, 1]] };
  writeFileSync(join(dir, 'bad-init.json'), JSON.stringify(zeroRow));
  const refused = await runCli(['train', '--host', data.bots[0]!, '--states', '2', '--window', '3', '--init', join(dir, 'bad-init.json'), '-o', '-', file]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /initial startprob must be probabilities summing to 1 \(sum is 1\.4\)/);
  assert.match(refused.stderr, /initial transmat\[1\] must be probabilities summing to 1 \(sum is 0\)/);
  assert.match(refused.stderr, /initial covars must be positive variances/);
});

test('mistakes in the call exit 2, unusable data exits 1, each with a message saying what to do', async () => {
  const noHost = await runCli(['train', '-o', '-', file]);
  assert.equal(noHost.code, 2);
  assert.match(noHost.stderr, /--host is required/);
  const cov = await runCli(['train', '--host', data.bots[0]!, '--covariance', 'tied', '-o', '-', file]);
  assert.equal(cov.code, 2);
  assert.match(cov.stderr, /diag, spherical, full/);
  const absent = await runCli(['train', '--host', '10.77.0.1', '-o', '-', file]);
  assert.equal(absent.code, 1);
  assert.match(absent.stderr, /10\.77\.0\.1 has no flows as source/);
  const short = await runCli(['train', '--host', data.bots[0]!, '--window', '500', '-o', '-', file]);
  assert.equal(short.code, 1);
  assert.match(short.stderr, /fewer than the window of 500 flows/);
  const help = await runCli(['train', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: flowlens train/);
});

/** Argus lines: `n` flows from each host, one a second from 10:00:00. */
function hostFlows(spec: { host: string; n: number }[]): string {
  const lines = ['StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label'];
  let s = 0;
  for (const h of spec) {
    for (let i = 0; i < h.n; i++, s++) {
      const t = `10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
      lines.push(`2011/08/16 ${t}.000000,0.001,${i % 3 ? 'tcp' : 'udp'},${h.host},40000,   ->,192.0.2.1,80,CON,0,0,2,${60 + 10 * (i % 7)},30,flow=Background`);
    }
  }
  return `${lines.join('\n')}\n`;
}

test('reference hosts too short for a window: named with their flow counts, left out with a note, or refused when none has one', async () => {
  const f = join(dir, 'short-hosts.binetflow');
  writeFileSync(f, hostFlows([{ host: '10.0.0.1', n: 40 }, { host: '10.0.0.6', n: 6 }, { host: '10.0.0.7', n: 6 }]));
  const some = await runCli(['train', '--host', '10.0.0.1,10.0.0.6', '--states', '2', '-o', '-', f]);
  assert.equal(some.code, 0, some.stderr);
  assert.match(some.stderr, /note: reference host 10\.0\.0\.6 \(6 flows\) gave no window \(fewer flows than the window of 10\); its flows still shape the bins/);
  const none = await runCli(['train', '--host', '10.0.0.6,10.0.0.7', '-o', '-', f]);
  assert.equal(none.code, 1);
  // not "12 flows, fewer than the window of 10": each host needs a window of its own
  assert.match(none.stderr, /10\.0\.0\.6 has 6 flows, 10\.0\.0\.7 has 6 flows, fewer than the window of 10 flows each \(a window never spans two hosts\)/);
  const few = await runCli(['train', '--host', '10.0.0.1', '--window', '38', '-o', '-', f]);
  assert.equal(few.code, 1);
  assert.match(few.stderr, /the reference flows give 3 windows, fewer than the 4 states/);
});
