/**
 * How the commands that read flow files treat what they are given: each file once and present
 * before anything is read, the same --tz, skipped lines per reason, a note for input without
 * flows, and feature names checked with a suggestion.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inputSizes } from '../../src/cli/inputs.js';
import { ALL_FEATURES } from '../../src/query/featureCatalog.js';
import { generateText } from '../../src/sources/synthetic/index.js';
import { binetflowText, runCli } from './trainHelpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-inputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const profile = join(dir, 'profile.json');
let bot = '';

before(async () => {
  writeFileSync(join(dir, 'flows.csv'), generateText({ format: 'seed', flows: 500, seed: 6 }));
  writeFileSync(join(dir, 'empty.csv'), '');
  const data = binetflowText(5, 2, 2, 40);
  // one line with a bad port among the flows
  const lines = data.text.split('\n');
  lines.splice(5, 0, lines[5]!.replace(',40000,', ',notaport,'));
  writeFileSync(join(dir, 'flows.binetflow'), lines.join('\n'));
  writeFileSync(join(dir, 'unlabelled.binetflow'), data.text.replace(/flow=From-[A-Za-z]+-[^\n]*/g, 'x'));
  bot = data.bots[0]!;
  const r = await runCli(['train', '--host', bot, '-o', profile, 'flows.binetflow'], dir);
  assert.equal(r.code, 0, r.stderr);
});

test('a file given twice is a usage error: its flows would count twice', async () => {
  for (const args of [['features', 'flows.csv', 'flows.csv'], ['score', '--profile', profile, 'flows.binetflow', './flows.binetflow']]) {
    const r = await runCli(args, dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /flows\.(csv|binetflow) is given twice: its flows would be counted twice/);
  }
});

test('a missing file is reported before the files before it are read', async () => {
  const r = await runCli(['features', 'flows.csv', 'nosuch.csv'], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `flowlens features: cannot read ${join(dir, 'nosuch.csv')}: no such file\n`);
});

test('input without flows gets a note, not only an empty table', async () => {
  const r = await runCli(['features', 'empty.csv'], dir);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.split('\n')[1], '');
  assert.equal(r.stderr, 'note: no flows in the input (0 lines read)\n');
});

test('score reports skipped lines per reason with their line numbers, as features does', async () => {
  const r = await runCli(['score', '--profile', profile, 'flows.binetflow'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /flows\.binetflow: skipped 1 of \d+ lines:\n {2}bad-port: 1 \(first at line 6\)\n/);
});

test('train, score and evaluate take --tz, checked as features checks it', async () => {
  const ok = await runCli(['score', '--profile', profile, '--tz', 'Europe/Prague', 'flows.binetflow'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  for (const command of [['train', '--host', bot, '-o', join(dir, 'p.json')], ['score', '--profile', profile], ['evaluate', '--profile', profile, '--labels']]) {
    const r = await runCli([...command, '--tz', 'Mars/Base', 'flows.binetflow'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--tz 'Mars\/Base' is not a time zone/);
  }
});

test('evaluate --labels on files without labels is a data error (exit 1)', async () => {
  const r = await runCli(['evaluate', '--profile', profile, '--labels', 'unlabelled.binetflow'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /the files have no Botnet\/Normal\/LEGITIMATE labels/);
});

test('an unknown feature name gets the nearest name, and --list-features prints them all', async () => {
  const r = await runCli(['features', '--features', 'num_entry,count_dst_ports,zzz', 'flows.csv'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown feature\(s\): num_entry \(did you mean num_entries\?\), count_dst_ports \(did you mean count_dst_port\?\), zzz\. `flowlens features --list-features` prints the \d+ names/);
  const list = await runCli(['features', '--list-features'], dir);
  assert.equal(list.code, 0);
  assert.deepEqual(list.stdout.trim().split('\n'), [...ALL_FEATURES]);
  const all = await runCli(['features', '--features', 'ALL', 'flows.csv'], dir);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout.split('\n')[0], `time,${ALL_FEATURES.join(',')}`);
});

test('input sizes count gzip files at their usual expansion and a missing file as nothing', async () => {
  const text = generateText({ format: 'seed', flows: 200, seed: 3 });
  writeFileSync(join(dir, 'plain.csv'), text);
  const gz = gzipSync(text);
  writeFileSync(join(dir, 'packed.csv.gz'), gz);
  const r = await inputSizes([join(dir, 'plain.csv'), join(dir, 'packed.csv.gz'), join(dir, 'gone.csv')]);
  assert.deepEqual(r.sizes, [text.length, gz.length, 0]);
  assert.equal(r.text, text.length + 8 * gz.length);
});
