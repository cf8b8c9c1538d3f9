/**
 * Parity: `flowlens features --features all` against the pandas oracle (tests/parity/oracle_features.py),
 * which parses the same file itself and follows the seed notebook's calls. Every feature of every
 * window must agree within 1e-12 relative, and the columns must come in the notebook's order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { ALL_FEATURES } from '../../src/query/featureCatalog.js';
import { BINETFLOW_EDGES, NETFLOW_EDGES, SEED_EDGES, seedRandom } from './featureEdgeFiles.js';
import { NOTEBOOK_FEATURES } from './notebookFeatures.js';

type OracleFormat = 'seed' | 'binetflow' | 'netflow-labeled';

const ORACLE = fileURLToPath(new URL('./oracle_features.py', import.meta.url));
const pandas = spawnSync('python3', ['-c', 'import pandas, numpy; print(pandas.__version__)'], { encoding: 'utf8' });
const noPandas = pandas.status !== 0 ? 'python3 with pandas is not installed (pip install -r tests/parity/requirements.txt)' : false;
const sharedData = process.env.FLOWLENS_SHARED_DATA ?? (existsSync('/work/shared/data') ? '/work/shared/data' : '');
const noShared = !sharedData || !existsSync(sharedData) ? 'FLOWLENS_SHARED_DATA is not set or missing: real-data parity skipped' : false;

// The binetflow reader stores TotBytes as the total and SrcBytes as bytes up; bytes down is their difference.
const BINETFLOW_DST_BYTES = 'derived';

async function runCli(args: string[], command = 'features'): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  const code = await main([command, ...args], { stdout: out, stderr: err, env: {}, cwd: process.cwd() });
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr: Buffer.concat(errChunks).toString('utf8') };
}

function oracle(format: OracleFormat, file: string, window: number): string {
  const r = spawnSync('python3', [ORACLE, '--format', format, '--window', String(window), '--binetflow-dst-bytes', BINETFLOW_DST_BYTES, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  assert.equal(r.status, 0, `oracle failed: ${r.stderr}`);
  return r.stdout;
}

interface Csv {
  header: string[];
  rows: string[][];
}

function parseCsv(text: string): Csv {
  const lines = text.split('\n').filter((l) => l !== '');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function assertParity(ours: Csv, theirs: Csv, what: string): void {
  assert.deepEqual(ours.header.slice(1, 57), NOTEBOOK_FEATURES, `${what}: the notebook's 56 columns first, in its order`);
  assert.deepEqual(ours.header, ['time', ...ALL_FEATURES], `${what}: header in catalog order`);
  assert.deepEqual(theirs.header, ours.header, `${what}: the oracle's columns in the same order as ours`);
  assertValues(ours, theirs, what);
}

/** Every column of `ours` against the oracle's column of the same name, window by window. */
function assertValues(ours: Csv, theirs: Csv, what: string): void {
  assert.deepEqual(ours.rows.map((r) => r[0]), theirs.rows.map((r) => r[0]), `${what}: same windows`);
  const col = new Map(theirs.header.map((h, i) => [h, i]));
  let compared = 0;
  ours.rows.forEach((row, k) => {
    ours.header.forEach((name, j) => {
      if (j === 0) return;
      const a = row[j]!;
      assert.ok(col.has(name), `${what}: the oracle has no column ${name}`);
      const b = theirs.rows[k]![col.get(name)!]!;
      const where = `${what}: ${name} at ${row[0]}`;
      if (a === '' || b === '') {
        assert.equal(a, b, `${where}: ours '${a}', pandas '${b}'`);
        return;
      }
      const x = Number(a);
      const y = Number(b);
      const scale = Math.max(Math.abs(x), Math.abs(y));
      assert.ok(Math.abs(x - y) <= 1e-12 * scale, `${where}: ours ${a}, pandas ${b}`);
      compared++;
    });
  });
  assert.ok(compared > 0, `${what}: nothing compared`);
}

async function check(format: OracleFormat, file: string, window: number, maySkip = false): Promise<void> {
  const r = await runCli(['--features', 'all', '--window', String(window), file]);
  assert.equal(r.code, 0, r.stderr);
  // hand-made inputs are all valid: a skipped line would hide an edge case from the comparison
  if (!maySkip) assert.doesNotMatch(r.stderr, /skipped/, r.stderr);
  assertParity(parseCsv(r.stdout), parseCsv(oracle(format, file, window)), `${file} T=${window}`);
}

test('edge cases in seed format match pandas: 1-flow and empty windows, one host, IPv6, duplicates, all states', { skip: noPandas }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-parity-'));
  try {
    const file = join(dir, 'edges.csv');
    writeFileSync(file, SEED_EDGES);
    for (const T of [10, 1, 3600]) await check('seed', file, T);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('edge cases in binetflow format match pandas: missing and hex ports, MACs, unknown states, µs times', { skip: noPandas }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-parity-'));
  try {
    const file = join(dir, 'edges.binetflow');
    writeFileSync(file, BINETFLOW_EDGES);
    for (const T of [10, 0.5, 60]) await check('binetflow', file, T);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('edge cases in netflow-labeled format match pandas: port-less and type.code ICMP, IPv6 addr.port, scaled counters, ms times', { skip: noPandas }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-parity-'));
  try {
    const file = join(dir, 'edges.netflow-labeled');
    writeFileSync(file, NETFLOW_EDGES);
    for (const T of [10, 0.5, 60]) await check('netflow-labeled', file, T);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random seed-format traffic (shuffled, many groups per window) matches pandas', { skip: noPandas }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-parity-'));
  try {
    const file = join(dir, 'random.csv');
    writeFileSync(file, seedRandom(6000, 42));
    await check('seed', file, 10);
    await check('seed', file, 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the real seed-000 rows match pandas', { skip: noPandas || noShared }, async () => {
  const file = join(sharedData, 'seed000_rows_reconstructed.csv');
  for (const T of [10, 1]) await check('seed', file, T);
});

test('real CTU-13 binetflow slices match pandas', { skip: noPandas || noShared }, async () => {
  for (const name of ['capture20110816.binetflow.demo_sliced', 'capture20110816.binetflow.slice_1_1', 'capture20110816.binetflow.slice_2_1']) {
    // slice_2_1 has two ESP lines whose "port" is a 32-bit SPI; the reader skips them, the oracle too
    await check('binetflow', join(sharedData, name), 10, true);
  }
  await check('binetflow', join(sharedData, 'capture20110816.binetflow.slice_3_1'), 60, true);
});

test('by default features prints time and exactly the notebook\'s 56 columns, in its order, with pandas values', { skip: noPandas }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-parity-'));
  try {
    const file = join(dir, 'edges.csv');
    writeFileSync(file, SEED_EDGES);
    const r = await runCli(['--window', '10', file]);
    assert.equal(r.code, 0, r.stderr);
    const ours = parseCsv(r.stdout);
    assert.deepEqual(ours.header, ['time', ...NOTEBOOK_FEATURES]);
    const theirs = parseCsv(oracle('seed', file, 10));
    assert.deepEqual(theirs.header.slice(0, 57), ours.header, "the oracle's first columns are the notebook's too");
    assertValues(ours, theirs, 'default features');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Generated traffic: tens of thousands of flows with long-connection snapshots, bot scans and
 * beacons, IPv6, and (in every format) ICMP and ARP rows without ports. Windows of 10 s, a
 * fractional length (every boundary a .5 or .0 second, so flows sit exactly on boundaries) and 60 s.
 */
async function checkGenerated(format: OracleFormat, seed: number, extra: string[], windows: number[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-parity-'));
  try {
    const file = join(dir, `generated.${format}`);
    const g = await runCli(['--format', format, '--flows', '20000', '--seed', String(seed), '--duration', '600', ...extra, '-o', file], 'generate');
    assert.equal(g.code, 0, g.stderr);
    for (const T of windows) await check(format, file, T);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('generated seed-format traffic (20,000 flows, port-less ICMP/ARP rows) matches pandas for T = 10, 2.5, 60', { skip: noPandas }, async () => {
  await checkGenerated('seed', 20170127, ['--bots', '2'], [10, 2.5, 60]);
});

test('generated binetflow traffic (20,000 flows, µs times, hex ICMP ports, bots) matches pandas for T = 10, 1.5, 60', { skip: noPandas }, async () => {
  await checkGenerated('binetflow', 20110816, [], [10, 1.5, 60]);
});

test('generated netflow-labeled traffic (20,000 flows, ms times, IPv6 addr.port, port-less ICMP/ARP) matches pandas for T = 10, 2.5, 60', { skip: noPandas }, async () => {
  await checkGenerated('netflow-labeled', 4242, [], [10, 2.5, 60]);
});
