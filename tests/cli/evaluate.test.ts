import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binetflowText, parseCsv, runCli, sharedData } from './trainHelpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-evaluate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = binetflowText(31, 3, 3, 90);
const file = join(dir, 'flows.binetflow');
writeFileSync(file, data.text);
const profile = join(dir, 'profile.json');

test('evaluate prints the per-host table, confusion counts and AUC as the last line', async () => {
  assert.equal((await runCli(['train', '--host', data.bots[0]!, '-o', profile, file])).code, 0);
  const r = await runCli(['evaluate', '--profile', profile, '--infected', data.bots.slice(1).join(','), '--normal', data.normals.join(','), '--bucket', '600', file]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'host,truth,score,windows,flows,verdict,outcome');
  assert.equal(lines[lines.length - 1], 'AUC 1');
  assert.match(lines[lines.length - 3]!, /^confusion TP=\d+ FP=\d+ TN=\d+ FN=\d+$/);
  assert.match(lines[lines.length - 2]!, /^buckets \d+\/\d+ /);
  const rows = parseCsv(lines.slice(1, 6).join('\n'));
  assert.deepEqual(rows.map((x) => x[1]), ['infected', 'infected', 'normal', 'normal', 'normal']);
});

test('--labels takes the truth from CTU-13 labels of the flows', async () => {
  const r = await runCli(['evaluate', '--profile', profile, '--labels', file]);
  assert.equal(r.code, 0, r.stderr);
  const rows = parseCsv(r.stdout).slice(1, 7);
  assert.deepEqual(rows.map((x) => x[1]).sort(), ['infected', 'infected', 'infected', 'normal', 'normal', 'normal']);
  assert.equal(r.stdout.trim().split('\n').pop(), 'AUC 1');
});

test('evaluate needs either --labels or both host lists', async () => {
  const r = await runCli(['evaluate', '--profile', profile, '--infected', data.bots[1]!, file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--infected and --normal must both list at least one host/);
  const none = await runCli(['evaluate', '--profile', profile, file]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /either --labels or both --infected and --normal/);
  const both = await runCli(['evaluate', '--profile', profile, '--infected', data.bots[1]!, '--normal', data.bots[1]!, file]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /both as infected and as normal/);
});

const slice2 = join(sharedData, 'capture20110816.binetflow.slice_2_1');
const slice3 = join(sharedData, 'capture20110816.binetflow.slice_3_1');
const noCtu = !sharedData || !existsSync(slice2) || !existsSync(slice3) ? 'CTU-13 scenario-6 slices not found (set FLOWLENS_SHARED_DATA): real-data check skipped' : false;

test('CTU-13 scenario 6: the bot outranks every scored normal host (AUC 1)', { skip: noCtu }, async () => {
  const p = join(dir, 'ctu6.json');
  assert.equal((await runCli(['train', '--host', '147.32.84.165', '-o', p, slice2])).code, 0);
  const r = await runCli(['evaluate', '--profile', p, '--infected', '147.32.84.165', '--normal', '147.32.84.170,147.32.84.164,147.32.84.134', slice3]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').pop(), 'AUC 1');
});
