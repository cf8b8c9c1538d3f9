import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after } from 'node:test';
import { main } from '../../src/cli/main.js';
import { SEED_FEATURES } from '../../src/query/featureCatalog.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-features-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await main(['features', ...args], { stdout: out, stderr: err, env: {}, cwd: dir });
  return { code, stdout, stderr };
}

const line = (t: string, state: string, src: string, sport: number, dst: string, dport: number, proto = 'tcp'): string =>
  `2017-01-27 ${t},${proto},${state},${src},${sport},${dst},${dport},100,200\n`;

const A = file(
  'a.csv',
  [
    line('16:24:41', 'closed', '10.0.0.1', 1000, '10.9.9.9', 443),
    line('16:24:42', 'established', '10.0.0.1', 1001, '10.9.9.9', 443),
    line('16:24:43', 'new', '10.0.0.2', 1002, '8.8.8.8', 53, 'udp'),
    line('16:25:05', 'reset', '192.168.1.5', 2000, '10.9.9.9', 22),
  ].join(''),
);
const B = file('b.csv', line('16:25:31', 'established', '10.0.0.1', 1003, '10.9.9.9', 443));

const rowsOf = (csv: string): string[][] => csv.trim().split('\n').slice(1).map((l) => l.split(','));

test('default output: header time + the 56 seed features, one row per non-empty window, ISO UTC times', async () => {
  const r = await run(A);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = r.stdout.trim().split('\n');
  assert.equal(header, `time,${SEED_FEATURES.join(',')}`);
  assert.deepEqual(rows.map((l) => l.split(',')[0]), ['2017-01-27T16:24:40Z', '2017-01-27T16:25:00Z']);
  // num_entries 3, count_dst_port 2 (443, 53), num_state_closed 1 — integers printed without .0
  assert.deepEqual(rows[0]!.split(',').slice(1, 4), ['3', '2', '3']);
});

test('--features picks columns, printed in catalog order whatever order was asked', async () => {
  const r = await run('--features', 'count_flows,num_entries,bytes_up', A);
  assert.equal(r.code, 0, r.stderr);
  const [header, first] = r.stdout.trim().split('\n');
  assert.equal(header, 'time,num_entries,count_flows,bytes_up');
  assert.equal(first, '2017-01-27T16:24:40Z,3,3,300');
});

test('--format json writes one object per line with null for values that do not exist', async () => {
  const r = await run('--format', 'json', '--features', 'num_entries,dst_ip_per_dst_port_max', '--filter', 'dport=9999', '--fill-empty', '--from', '2017-01-27T16:24:40Z', '--to', '2017-01-27 16:25:00', A);
  assert.equal(r.code, 0, r.stderr);
  const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(objs, [
    { time: '2017-01-27T16:24:40Z', num_entries: 0, dst_ip_per_dst_port_max: null },
    { time: '2017-01-27T16:24:50Z', num_entries: 0, dst_ip_per_dst_port_max: null },
  ]);
});

test('filters and the time range select flows before windowing', async () => {
  const r = await run('--features', 'num_entries', '--filter', 'src=10.0.0.0/24', '--filter', 'proto=tcp', A, B);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(rowsOf(r.stdout), [['2017-01-27T16:24:40Z', '2'], ['2017-01-27T16:25:30Z', '1']]);
  const ranged = await run('--features', 'num_entries', '--from', '1485534283', '--to', '2017-01-27T16:25:10Z', A, B);
  assert.deepEqual(rowsOf(ranged.stdout), [['2017-01-27T16:24:40Z', '1'], ['2017-01-27T16:25:00Z', '1']]);
});

test('--fill-empty prints the windows between the first and the last', async () => {
  const r = await run('--features', 'num_entries,count_conns', '--window', '20', '--fill-empty', A, B);
  assert.deepEqual(rowsOf(r.stdout), [
    ['2017-01-27T16:24:40Z', '3', '2'],
    ['2017-01-27T16:25:00Z', '1', '1'],
    ['2017-01-27T16:25:20Z', '1', '1'],
  ]);
  const gaps = await run('--features', 'num_entries', '--fill-empty', A, B);
  assert.equal(rowsOf(gaps.stdout).length, 6);
});

test('files given out of time order give the same result as in order', async () => {
  const inOrder = await run('--features', 'all', A, B);
  const reversed = await run('--features', 'all', B, A);
  assert.equal(reversed.code, 0, reversed.stderr);
  assert.equal(reversed.stdout, inOrder.stdout);
});

test('usage mistakes exit 2 with a message saying what to do', async () => {
  const cases: [string[], RegExp][] = [
    [['--window', '0', A], /--window must be a positive number/],
    [['--format', 'xml', A], /--format must be csv or json/],
    [['--features', 'num_entries,bogus', A], /unknown feature\(s\): bogus/],
    [['--filter', 'src=10.0.0.0/33', A], /IPv4 prefix length must be 0–32/],
    [['--from', 'tomorrow', A], /--from 'tomorrow' is not a time/],
    [['--tz', 'Mars/Olympus', A], /--tz 'Mars\/Olympus' is not a time zone: use UTC, an IANA name/],
    [[], /no input FILE/],
    [['--bogus', A], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = await run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('an unreadable file exits 1 naming the file', async () => {
  const r = await run(join(dir, 'missing.csv'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /missing\.csv/);
});

test('skipped lines are counted per reason on stderr, with line numbers', async () => {
  const bad = file('bad.csv', `${line('16:24:41', 'closed', '10.0.0.1', 1000, '10.9.9.9', 443)}2017-01-27 16:24:42,tcp,closed,10.0.0.1,notaport,10.9.9.9,443,1,2\n`);
  const r = await run('--features', 'num_entries', bad);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(rowsOf(r.stdout), [['2017-01-27T16:24:40Z', '1']]);
  assert.match(r.stderr, /skipped 1 of 2 lines/);
  assert.match(r.stderr, /line 2\b/);
});

test('--help documents every option and the exit codes', async () => {
  const r = await run('--help');
  assert.equal(r.code, 0);
  for (const opt of ['--window', '--format', '--features', '--filter', '--from', '--to', '--fill-empty', '--tz', '--input-format', 'Exit codes']) {
    assert.ok(r.stdout.includes(opt), opt);
  }
});
