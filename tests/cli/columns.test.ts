/**
 * `--columns`: generic CSV files read through a column map on the command line, for every command
 * that reads flow files, and the usage errors of a map that cannot be right.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLUMN_ROLES } from '../../src/query/settings.js';
import { binetflowText, parseCsv, runCli } from './trainHelpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-columns-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MAPPED = join(import.meta.dirname, '..', 'fixtures', 'readers', 'mapped.csv');
/** mapped.csv's header is `when,from,to,sp,dp,protocol,octets`. */
const MAPPED_COLUMNS = 'ts=when,src_ip=from,dst_ip=to,src_port=sp,dst_port=dp,proto=protocol,bytes=octets';

/**
 * The three flows of mapped.csv written as seed-000 lines, converted by hand: 1485534282000 is
 * epoch ms (16:24:42Z), 1485534283 epoch s, 16:24:44+01:00 is 15:24:44Z; protocols 6 and 17 are
 * tcp and udp. The seed format needs a state and two byte columns: `octets` goes to src_tx, 0 to
 * dst_tx, so the total is the same.
 */
const SEED_TWIN = [
  '2017-01-27 16:24:42,tcp,closed,10.0.0.1,1234,10.0.0.2,80,500,0',
  '2017-01-27 16:24:43,udp,closed,10.0.0.1,1235,10.0.0.3,53,90,0',
  '2017-01-27 15:24:44,tcp,closed,10.0.0.1,1236,10.0.0.4,443,1000,0',
].join('\n');

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Columns by header name, so outputs with different column sets can be compared column by column. */
function columnsOf(csv: string): Map<string, string[]> {
  const [header, ...rows] = parseCsv(csv);
  return new Map(header!.map((name, j) => [name, rows.map((r) => r[j]!)]));
}

test('features of the mapped CSV through --columns equal those of the same flows in seed format', async () => {
  const twin = write('twin.seed.csv', `${SEED_TWIN}\n`);
  const mapped = await runCli(['features', '--features', 'all', '--columns', MAPPED_COLUMNS, MAPPED]);
  assert.equal(mapped.code, 0, mapped.stderr);
  const seed = await runCli(['features', '--features', 'all', twin]);
  assert.equal(seed.code, 0, seed.stderr);
  const m = columnsOf(mapped.stdout);
  const s = columnsOf(seed.stdout);
  assert.deepEqual([...m.keys()], [...s.keys()]);
  // What the seed format has and the map does not name: the state (so no flow is in any state)
  // and bytes per direction (so those values do not exist).
  const stateOrDirection = (name: string): boolean => name.startsWith('num_state_') || name === 'bytes_up' || name === 'bytes_down';
  for (const [name, values] of s) {
    if (!stateOrDirection(name)) assert.deepEqual(m.get(name), values, name);
  }
  for (const [name, values] of m) {
    if (name.startsWith('num_state_')) assert.deepEqual(values, ['0', '0'], name);
    if (name === 'bytes_up' || name === 'bytes_down') assert.deepEqual(values, ['', ''], name);
  }
  // Worked out by hand: one flow in the 15:24:40 window (1000 bytes), two in 16:24:40 (500 + 90).
  assert.deepEqual(m.get('time'), ['2017-01-27T15:24:40Z', '2017-01-27T16:24:40Z']);
  assert.deepEqual(m.get('num_entries'), ['1', '2']);
  assert.deepEqual(m.get('count_dst_port'), ['1', '2']);
  assert.deepEqual(m.get('bytes_total'), ['1000', '590']);
});

test('--columns with an explicit --input-format csv reads the same; role order does not matter', async () => {
  const plain = await runCli(['features', '--features', 'num_entries,bytes_total', '--columns', MAPPED_COLUMNS, MAPPED]);
  const explicit = await runCli(['features', '--input-format', 'csv', '--features', 'num_entries,bytes_total', '--columns', 'bytes=octets,dst_ip=to,ts=when,src_ip=from', MAPPED]);
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.equal(explicit.stdout, 'time,num_entries,bytes_total\n2017-01-27T15:24:40Z,1,1000\n2017-01-27T16:24:40Z,2,590\n');
  assert.equal(plain.stdout, explicit.stdout);
});

test('a column map naming a column the header lacks is a data error naming it', async () => {
  const r = await runCli(['features', '--columns', 'ts=when,src_ip=source,dst_ip=to', MAPPED]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /'source'/);
  assert.match(r.stderr, /when,from,to,sp,dp,protocol,octets/);
  assert.equal(r.stdout, '');
});

const KNOWN = COLUMN_ROLES.join(', ');
const ok = 'ts=when,src_ip=from,dst_ip=to';
const USAGE_CASES: [string[], RegExp][] = [
  [['--columns', 'ts=when,source=from,dst_ip=to'], new RegExp(`unknown role 'source'\\. Known roles: ${KNOWN}`)],
  [['--columns', 'ts=when,srcIp=from,dst_ip=to'], /unknown role 'srcIp' \(did you mean src_ip\?\)/],
  [['--columns', 'ts=when'], /--columns must map ts, src_ip and dst_ip; missing: src_ip, dst_ip/],
  [['--columns', 'src_ip=from,dst_ip=to,bytes=octets'], /missing: ts\b/],
  [['--columns', 'ts=when,src_ip=,dst_ip=to'], /role src_ip has an empty column name/],
  [['--columns', 'ts=when,=from,dst_ip=to'], /'=from' has no role before '='/],
  [['--columns', 'ts=when,from,dst_ip=to'], /'from' is not ROLE=COLUMN/],
  [['--columns', ' , '], /--columns names no column/],
  [['--columns', `${ok},ts=sp`], /role ts is given twice \('when' and 'sp'\)/],
  [['--columns', 'ts=when,src_ip=from,dst_ip=from'], /column 'from' is given for both src_ip and dst_ip/],
  [['--columns', ok, '--input-format', 'seed'], /--columns .*implies --input-format csv.* cannot be combined with --input-format seed/],
  [['--columns', ok, '--input-format', 'auto'], /cannot be combined with --input-format auto/],
  [['--input-format', 'csv'], /--input-format csv needs --columns ROLE=COLUMN/],
  [['--input-format', 'excel'], /--input-format must be auto or one of seed, netflow-labeled, binetflow, nfdump, csv, got 'excel'/],
];

test('features: each mistake in --columns or its combination with --input-format exits 2 with its message', async () => {
  for (const [args, message] of USAGE_CASES) {
    const r = await runCli(['features', ...args, MAPPED]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /Run `flowlens features --help`/);
    assert.equal(r.stdout, '');
  }
});

test('train, score and evaluate check --columns the same way, before reading anything', async () => {
  // The profile path does not exist: the usage error must come first, not "cannot read profile".
  const missing = join(dir, 'no-such-profile.json');
  const commands: [string, string[]][] = [
    ['train', ['--host', '10.0.0.1', '-o', join(dir, 'never-written.json')]],
    ['score', ['--profile', missing]],
    ['evaluate', ['--profile', missing, '--infected', '10.0.0.1', '--normal', '10.0.0.2']],
  ];
  for (const [name, base] of commands) {
    for (const [args, message] of USAGE_CASES) {
      const r = await runCli([name, ...base, ...args, MAPPED]);
      assert.equal(r.code, 2, `${name} ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, `${name} ${args.join(' ')}`);
      assert.equal(r.stdout, '');
    }
  }
});

test('--columns cannot be given for a clickhouse:// table (its roles go in the URL)', async () => {
  const url = 'clickhouse://analyst@127.0.0.1:1/db/flows';
  for (const args of [['features'], ['train', '--host', '10.0.0.1', '-o', '-'], ['score', '--profile', join(dir, 'p.json')]]) {
    const r = await runCli([...args, '--columns', ok, url]);
    assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, /--columns applies to CSV files; for a clickhouse:\/\/ table give column roles in the URL/);
  }
});

/**
 * The flows of an Argus file rewritten by hand as a generic CSV with other column names, another
 * column order and ISO 8601 times, so every command can be checked against the binetflow reading.
 */
function genericTwin(binetflow: string): string {
  const [, ...lines] = binetflow.trim().split('\n');
  const out = ['octets,first_seen,sa,da,sp,dp,ipproto,tag'];
  for (const line of lines) {
    // StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label
    const f = line.split(',');
    const iso = `${f[0]!.replace(/\//g, '-').replace(' ', 'T')}Z`;
    out.push([f[12], iso, f[3], f[6], f[4], f[7], f[2], f[14]].join(','));
  }
  return `${out.join('\n')}\n`;
}
const GENERIC_COLUMNS = 'ts=first_seen,src_ip=sa,dst_ip=da,src_port=sp,dst_port=dp,proto=ipproto,bytes=octets,label=tag';

test('train, score and evaluate read a generic CSV through --columns as they read the same flows in Argus format', async () => {
  const data = binetflowText(41, 3, 3, 60);
  const argus = write('flows.binetflow', data.text);
  const generic = write('flows.generic.csv', genericTwin(data.text));
  const fromArgus = join(dir, 'argus-profile.json');
  const fromGeneric = join(dir, 'generic-profile.json');
  const t1 = await runCli(['train', '--host', data.bots[0]!, '-o', fromArgus, argus]);
  assert.equal(t1.code, 0, t1.stderr);
  const t2 = await runCli(['train', '--host', data.bots[0]!, '-o', fromGeneric, '--columns', GENERIC_COLUMNS, generic]);
  assert.equal(t2.code, 0, t2.stderr);
  assert.equal(readFileSync(fromGeneric, 'utf8'), readFileSync(fromArgus, 'utf8'));

  const s1 = await runCli(['score', '--profile', fromArgus, argus]);
  const s2 = await runCli(['score', '--profile', fromArgus, '--columns', GENERIC_COLUMNS, generic]);
  assert.equal(s1.code, 0, s1.stderr);
  assert.equal(s2.code, 0, s2.stderr);
  assert.equal(parseCsv(s2.stdout).length, 1 + 6);
  assert.equal(s2.stdout, s1.stdout);

  const e1 = await runCli(['evaluate', '--profile', fromArgus, '--labels', argus]);
  const e2 = await runCli(['evaluate', '--profile', fromArgus, '--labels', '--columns', GENERIC_COLUMNS, generic]);
  assert.equal(e1.code, 0, e1.stderr);
  assert.equal(e2.code, 0, e2.stderr);
  assert.match(e2.stdout, /\nconfusion TP=\d+ FP=\d+ TN=\d+ FN=\d+\n/);
  assert.equal(e2.stdout, e1.stdout);
});

test('--help of every file-reading command documents --columns and its roles, keeping --input-format', async () => {
  for (const name of ['features', 'train', 'score', 'evaluate']) {
    const r = await runCli([name, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--input-format F/, name);
    assert.match(r.stdout, /--columns MAP +generic CSV with a header \(implies --input-format csv\)/, name);
    for (const role of COLUMN_ROLES) assert.match(r.stdout, new RegExp(`\\b${role}\\b`), `${name}: ${role}`);
    assert.match(r.stdout, /Example:\s+--columns ts=start_time,src_ip=sa,dst_ip=da/, name);
  }
});
