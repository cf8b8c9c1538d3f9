import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binetflowText, parseCsv, runCli, sharedData } from './trainHelpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-score-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = binetflowText(21, 4, 4, 100);
const file = join(dir, 'flows.binetflow');
writeFileSync(file, data.text);
const profile = join(dir, 'profile.json');

test('score lists host,score,windows,flows,verdict, highest score first, bots above normal hosts', async () => {
  assert.equal((await runCli(['train', '--host', data.bots[0]!, '-o', profile, file])).code, 0);
  const r = await runCli(['score', '--profile', profile, file]);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = parseCsv(r.stdout);
  assert.deepEqual(header, ['host', 'score', 'windows', 'flows', 'verdict']);
  assert.equal(rows.length, 8);
  const scores = rows.map((x) => Number(x[1]));
  assert.deepEqual([...scores].sort((a, b) => b - a), scores);
  const order = rows.map((x) => x[0]);
  assert.ok(Math.max(...data.bots.map((b) => order.indexOf(b))) < Math.min(...data.normals.map((n) => order.indexOf(n))));
  assert.deepEqual(rows[0]!.slice(2, 4), ['91', '100']);
});

test('hosts with fewer flows than the window are listed last with an empty score and a reason on stderr', async () => {
  const extra = data.text + '2011/08/16 09:00:00.000000,0.001,tcp,10.9.9.9,40000,  <->,192.0.2.1,80,CON,0,0,2,100,50,flow=Background\n';
  const f2 = join(dir, 'extra.binetflow');
  writeFileSync(f2, extra);
  const r = await runCli(['score', '--profile', profile, '--method', 'viterbi', f2]);
  assert.equal(r.code, 0, r.stderr);
  const rows = parseCsv(r.stdout);
  assert.deepEqual(rows[rows.length - 1], ['10.9.9.9', '', '0', '1', '']);
  assert.match(r.stderr, /10\.9\.9\.9: no score \(1 flow as source, fewer than the window of 10\)/);
});

test('--bucket gives time,host,score rows ordered by time then host', async () => {
  const r = await runCli(['score', '--profile', profile, '--bucket', '300', '--host', `${data.bots[1]},${data.normals[0]}`, file]);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = parseCsv(r.stdout);
  assert.deepEqual(header, ['time', 'host', 'score']);
  assert.ok(rows.length >= 2);
  for (const row of rows) assert.match(row[0]!, /^2011-08-16T\d\d:\d[05]:00Z$/);
  const keys = rows.map((x) => `${x[0]} ${x[1]}`);
  assert.deepEqual([...keys].sort(), keys);
  assert.ok(rows.every((x) => x[1] === data.bots[1] || x[1] === data.normals[0]));
});

test('a broken profile or a bad method is refused with a clear message', async () => {
  writeFileSync(join(dir, 'broken.json'), '{"version": 1, "spec": {"hosts": ["10.0.0.1"]}}');
  const broken = await runCli(['score', '--profile', join(dir, 'broken.json'), file]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /not a usable profile/);
  const method = await runCli(['score', '--profile', profile, '--method', 'best', file]);
  assert.equal(method.code, 2);
  assert.match(method.stderr, /--method must be one of mean, loglik, viterbi/);
  const missing = await runCli(['score', '--profile', join(dir, 'nope.json'), file]);
  assert.equal(missing.code, 1);
});

const slice2 = join(sharedData, 'capture20110816.binetflow.slice_2_1');
const slice3 = join(sharedData, 'capture20110816.binetflow.slice_3_1');
const noCtu = !sharedData || !existsSync(slice2) || !existsSync(slice3) ? 'CTU-13 scenario-6 slices not found (set FLOWLENS_SHARED_DATA): real-data check skipped' : false;

test('CTU-13 scenario 6: a profile of the bot in slice 2 ranks the bot first among the labeled hosts of slice 3', { skip: noCtu }, async () => {
  const p = join(dir, 'ctu6.json');
  const t = await runCli(['train', '--host', '147.32.84.165', '-o', p, slice2]);
  assert.equal(t.code, 0, t.stderr);
  const r = await runCli(['score', '--profile', p, slice3]);
  assert.equal(r.code, 0, r.stderr);
  const labeled = ['147.32.84.165', '147.32.84.170', '147.32.84.164', '147.32.84.134'];
  const rows = parseCsv(r.stdout).filter((x) => labeled.includes(x[0]!));
  assert.equal(rows[0]![0], '147.32.84.165', r.stdout.split('\n').slice(0, 5).join('\n'));
  // .164 has 6 flows as source in slice 3: fewer than the window, so no score.
  assert.deepEqual(rows.find((x) => x[0] === '147.32.84.164')!.slice(1, 4), ['', '0', '6']);
});

test('a profile trained on a feature the scored flows lack is a data error naming it, for score and evaluate', async () => {
  const withDuration = join(dir, 'duration.json');
  assert.equal((await runCli(['train', '--host', data.bots[0]!, '--features', 'protocol,duration', '-o', withDuration, file])).code, 0);
  // seed CSV has no duration column
  const seed = join(dir, 'seed.csv');
  writeFileSync(seed, Array.from({ length: 12 }, (_, i) => `2011-08-16 10:00:${String(i).padStart(2, '0')},tcp,established,${data.bots[0]},4000${i},192.0.2.1,80,60,40\n`).join(''));
  for (const args of [['score'], ['score', '--bucket', '60'], ['evaluate', '--infected', data.bots[0]!, '--normal', '192.0.2.1']]) {
    const r = await runCli([...args, '--profile', withDuration, seed]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /the profile was trained on the feature "duration", and these flows have no duration column/);
    assert.doesNotMatch(r.stderr, /internal error/);
  }
});

test('--bucket with --host says which asked-for hosts have no series, as the table output does', async () => {
  const r = await runCli(['score', '--profile', profile, '--bucket', '60', '--host', `${data.bots[0]},10.9.9.9`, file]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(parseCsv(r.stdout).slice(1).every((row) => row[1] === data.bots[0]));
  assert.match(r.stderr, /10\.9\.9\.9: no score \(no flows with this host as source\)/);
  assert.doesNotMatch(r.stderr, new RegExp(data.bots[0]!.replaceAll('.', '\\.')));
});
