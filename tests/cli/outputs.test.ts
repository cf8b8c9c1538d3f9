/**
 * Where results go and where flows come from, as users run the commands: a reader that stops
 * early (`| head`) ends a command quietly, an output that cannot be written is a data error
 * naming it (found before the work when it can be), `-` and pipes are read once, and options
 * that would print nonsense or run forever are refused up front.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { main } from '../../src/cli/main.js';
import { generateText } from '../../src/sources/synthetic/index.js';
import { binetflowText, runCli } from './trainHelpers.js';

const REPO = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'flowlens-outputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const seedText = generateText({ format: 'seed', flows: 3000, seed: 4 });
const seedFile = join(dir, 'flows.csv');
const shuffledFile = join(dir, 'shuffled.csv');
const missingFolder = join(dir, 'no-such-folder', 'out.csv');
const flowsFile = join(dir, 'flows.binetflow');
const profile = join(dir, 'profile.json');
let bot = '';

before(async () => {
  writeFileSync(seedFile, seedText);
  const lines = seedText.trim().split('\n');
  // the last line first: out of time order, so features needs a second pass
  writeFileSync(shuffledFile, [lines[lines.length - 1], ...lines.slice(0, -1)].join('\n') + '\n');
  const data = binetflowText(5, 2, 2, 40);
  writeFileSync(flowsFile, data.text);
  bot = data.bots[0]!;
  const r = await runCli(['train', '--host', bot, '-o', profile, flowsFile]);
  assert.equal(r.code, 0, r.stderr);
});

/** Runs a command whose stdout fails every write with `code` (EPIPE: the reader has gone). */
async function withFailingStdout(args: string[], code: string): Promise<{ code: number; stderr: string }> {
  const stdout = new Writable({
    write(_chunk, _enc, cb) {
      cb(Object.assign(new Error(`write ${code}`), { code, syscall: 'write' }));
    },
  });
  let stderr = '';
  const stderrStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      stderr += chunk.toString();
      cb();
    },
  });
  const exit = await main(args, { stdout, stderr: stderrStream, env: {}, cwd: dir });
  return { code: exit, stderr };
}

for (const args of [
  ['features', 'flows.csv'],
  ['generate', '--format', 'seed', '--flows', '20000', '--seed', '1'],
  ['score', '--profile', 'profile.json', 'flows.binetflow'],
]) {
  test(`${args[0]}: a reader that stops early ends the command with exit 0 and nothing on stderr`, async () => {
    const r = await withFailingStdout(args, 'EPIPE');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
}

test('features: stdout that cannot be written (a full disk) is a data error, exit 1', async () => {
  const r = await withFailingStdout(['features', 'flows.csv'], 'ENOSPC');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'flowlens features: cannot write output: no space left on the device\n');
});

test('generate -o into a folder that does not exist, or onto a folder, exits 1 naming the path', async () => {
  let r = await runCli(['generate', '--format', 'seed', '--flows', '10', '--seed', '1', '-o', missingFolder], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `flowlens generate: cannot write ${missingFolder}: its folder does not exist\n`);
  r = await runCli(['generate', '--format', 'seed', '--flows', '10', '--seed', '1', '-o', dir], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `flowlens generate: cannot write ${dir}: it is a folder\n`);
});

test('train -o into a folder that does not exist exits 1 before training, creating nothing', async () => {
  const r = await runCli(['train', '--host', bot, '-o', missingFolder, flowsFile], dir);
  assert.equal(r.code, 1);
  // training would have reported its iterations and result on stderr first
  assert.equal(r.stderr, `flowlens train: cannot write ${missingFolder}: its folder does not exist\n`);
  assert.equal(existsSync(missingFolder), false);
});

test('read errors name the file: a folder given as flows, a profile or --init that is missing', async () => {
  let r = await runCli(['features', dir], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `flowlens features: cannot read ${dir}: it is a folder\n`);
  r = await runCli(['score', '--profile', dir, flowsFile], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `flowlens score: cannot read profile ${dir}: it is a folder\n`);
  r = await runCli(['train', '--host', bot, '--init', 'nosuch.json', '-o', join(dir, 'p2.json'), flowsFile], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `flowlens train: cannot read --init ${join(dir, 'nosuch.json')}: no such file\n`);
});

test('options that would print equal times or endless rows are usage errors', async () => {
  const cases: [string[], RegExp][] = [
    [['features', '--window', '1e-300', 'flows.csv'], /--window must be at least 0\.001 s/],
    [['features', '--fill-empty', '--window', '0.001', '--from', '2011-08-16T10:00:00Z', '--to', '2011-08-17T10:00:00Z', 'flows.csv'], /--fill-empty would print 86,400,000 windows/],
    [['score', '--profile', 'profile.json', '--bucket', '1e-300', 'flows.binetflow'], /--bucket must be at least 0\.001 s/],
    [['score', '--profile', 'profile.json', '--from', '2011-08-16T11:00:00Z', '--to', '2011-08-16T10:00:00Z', 'flows.binetflow'], /--from must be earlier than --to/],
    [['evaluate', '--profile', 'profile.json', '--labels', '--from', '2011-08-16T11:00:00Z', '--to', '2011-08-16T10:00:00Z', 'flows.binetflow'], /--from must be earlier than --to/],
    [['score', '--profile', 'profile.json', '--bucket', '300', '--method', 'viterbi', 'flows.binetflow'], /--method does not apply with --bucket/],
    [['evaluate', '--profile', 'profile.json', '--labels', 'clickhouse://u@h:8123/db/t'], /evaluate reads flow files only/],
    [['features', '--filter', 'dport=abc', 'flows.csv'], /'abc' is not a port/],
    [['features', '--tz', '+25:00', 'flows.csv'], /--tz '\+25:00' is not a time zone/],
    [['features', '--filter', 'port=1-1024', 'flows.csv'], /port ranges are not supported/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('features --tz takes an offset, as the data source settings do', async () => {
  const utc = await runCli(['features', '--features', 'num_entries', 'flows.csv'], dir);
  const shifted = await runCli(['features', '--features', 'num_entries', '--tz=-01:00', 'flows.csv'], dir);
  assert.equal(shifted.code, 0, shifted.stderr);
  // local times an hour behind UTC: every window starts an hour later
  const hourLater = (csv: string): string[] => csv.trim().split('\n').slice(1).map((l) => l.replace(/T(\d\d)/, (_, h: string) => `T${String(Number(h) + 1).padStart(2, '0')}`));
  assert.deepEqual(shifted.stdout.trim().split('\n').slice(1), hourLater(utc.stdout));
});

test('features: proto=6 keeps what proto=tcp keeps, and a protocol no flow has gets a note', async () => {
  const byName = await runCli(['features', '--features', 'num_entries', '--filter', 'proto=tcp', 'flows.csv'], dir);
  const byNumber = await runCli(['features', '--features', 'num_entries', '--filter', 'proto=6', 'flows.csv'], dir);
  assert.equal(byNumber.code, 0, byNumber.stderr);
  assert.ok(byName.stdout.split('\n').length > 10);
  assert.equal(byNumber.stdout, byName.stdout);
  assert.equal(byName.stderr, '');
  const typo = await runCli(['features', '--features', 'num_entries', '--filter', 'proto=tpc', 'flows.csv'], dir);
  assert.equal(typo.code, 0);
  assert.equal(typo.stdout, 'time,num_entries\n');
  assert.equal(typo.stderr, 'note: --filter proto=tpc matches no flow in the input (its protocols: tcp, udp)\n');
});

/** The installed command, as a shell pipe runs it (a child process reading its stdin). */
function piped(args: string[], input: Buffer | string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(REPO, 'bin', 'flowlens.cjs'), args, { input, cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('features - reads standard input, gzip too, with the same result as the file', async () => {
  const fromFile = await runCli(['features', 'flows.csv'], dir);
  for (const input of [seedText, gzipSync(seedText)]) {
    const r = piped(['features', '-'], input);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, fromFile.stdout);
  }
});

test('features - refuses input out of time order, which would need a second read of the pipe', () => {
  // more rows than a chunk, the first one moved to the end: it arrives after its window closed
  const lines = generateText({ format: 'seed', flows: 70_000, seed: 5 }).trim().split('\n');
  const r = piped(['features', '-'], [...lines.slice(1), lines[0]].join('\n') + '\n');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /standard input: the flows are not in time order.*save them to a file first/);
});

test('a file out of time order gives what the sorted file gives', async () => {
  const sorted = await runCli(['features', 'flows.csv'], dir);
  const shuffled = await runCli(['features', 'shuffled.csv'], dir);
  assert.equal(shuffled.code, 0, shuffled.stderr);
  assert.equal(shuffled.stdout, sorted.stdout);
});
