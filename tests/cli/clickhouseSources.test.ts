/**
 * `flowlens features|train|score` on a `clickhouse://` URL give what they give on a flow file with
 * the same flows; `--from/--to` filter both; passwords never come from the command line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { type FlowTable } from '../../src/engine/flowTable.js';
import { openFlowSource } from '../../src/sources/open.js';
import { DEFAULT_START, generateFlows, generatedHosts, type GenerateOptions } from '../../src/sources/synthetic/index.js';
import { adminClient, exec, PASSWORD, SERVER_URL, SKIP, USER, testDatabase } from '../sources/clickhouse/server.js';

const GEN: GenerateOptions = { format: 'binetflow', flows: 3000, seed: 11, bots: 2, normalHosts: 4, duration: 600 };

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (c: Buffer) => o.push(c));
  err.on('data', (c: Buffer) => e.push(c));
  const code = await main(args, { stdout: out, stderr: err, env, cwd: process.cwd() });
  return { code, stdout: Buffer.concat(o).toString('utf8'), stderr: Buffer.concat(e).toString('utf8') };
}

/** The table's flows as generic-preset rows (column names of the internal flow record). */
function genericRows(t: FlowTable): Record<string, string | number | null>[] {
  const rows: Record<string, string | number | null>[] = [];
  const num = (c: Float64Array | null, i: number): number | null => (c === null || Number.isNaN(c[i]!) ? null : c[i]!);
  const code = (c: Int32Array | null, d: { value(k: number): string }, i: number): string | null => (c === null || c[i]! < 0 ? null : d.value(c[i]!));
  for (let i = 0; i < t.length; i++) {
    rows.push({
      ts: t.ts[i]!,
      src_ip: t.dicts.ip.value(t.srcIp[i]!),
      dst_ip: t.dicts.ip.value(t.dstIp[i]!),
      src_port: t.srcPort[i]! < 0 ? null : t.srcPort[i]!,
      dst_port: t.dstPort[i]! < 0 ? null : t.dstPort[i]!,
      proto: t.dicts.proto.value(t.proto[i]!),
      state: code(t.state, t.dicts.state, i),
      bytes: num(t.bytes, i),
      packets: num(t.packets, i),
      src_bytes: num(t.srcBytes, i),
      dst_bytes: num(t.dstBytes, i),
      duration: num(t.duration, i),
      label: code(t.label, t.dicts.label, i),
    });
  }
  return rows;
}

const DDL = `(ts Float64, src_ip String, dst_ip String, src_port Nullable(UInt16), dst_port Nullable(UInt16), proto String,
  state Nullable(String), bytes Nullable(Float64), packets Nullable(Float64), src_bytes Nullable(Float64), dst_bytes Nullable(Float64),
  duration Nullable(Float64), label Nullable(String)) ENGINE = MergeTree ORDER BY ts`;

describe('CLI on a clickhouse:// source', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('cli');
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-clisrc-'));
  const file = join(dir, 'flows.binetflow');
  let url = '';
  const env = { FLOWLENS_CLICKHOUSE_PASSWORD: PASSWORD };
  const start = DEFAULT_START; // 2011-08-16T10:00:00Z
  const bots = generatedHosts(GEN).bots;

  before(async () => {
    // A table has no input order: flows of one host at the same instant could come back in another
    // order than the file's and change the profile, so only flows at distinct instants are kept.
    const [header, ...lines] = [...generateFlows(GEN)];
    const count = new Map<string, number>();
    for (const l of lines) count.set(l.split(',')[0]!, (count.get(l.split(',')[0]!) ?? 0) + 1);
    writeFileSync(file, [header, ...lines.filter((l) => count.get(l.split(',')[0]!) === 1)].join('\n') + '\n');
    const source = openFlowSource(file);
    const table = await source.table({ from: -Infinity, to: Infinity });
    await source.close();
    admin = adminClient();
    await exec(admin, `CREATE DATABASE ${db}`);
    await exec(admin, `CREATE TABLE ${db}.flows ${DDL}`);
    await admin.insert({ table: `${db}.flows`, values: genericRows(table), format: 'JSONEachRow' });
    const u = new URL(SERVER_URL);
    url = `clickhouse://${USER}@${u.hostname}:${u.port}/${db}/flows?preset=generic`;
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  test('features on the URL print the same CSV, byte for byte, as on the file', async () => {
    const f = await cli(['features', '--features', 'all', file]);
    const c = await cli(['features', '--features', 'all', url], env);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(f.stdout.split('\n').length > 50, 'enough windows to compare');
    assert.equal(c.stdout, f.stdout);
  });

  test('features with --filter, --fill-empty and JSON output agree between the URL and the file', async () => {
    const args = ['features', '--format', 'json', '--fill-empty', '--window', '7.5', '--filter', 'proto=tcp,udp', '--filter', 'dport=53,80,443,6667'];
    const f = await cli([...args, file]);
    const c = await cli([...args, url], env);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(f.stdout.split('\n').length > 20, 'enough windows to compare');
    assert.equal(c.stdout, f.stdout);
  });

  test('--from/--to (ISO 8601 and epoch seconds) keep the same windows for the file and the URL', async () => {
    const from = ['--from', '2011-08-16T10:02:00Z', '--to', String(start + 300)];
    const f = await cli(['features', ...from, file]);
    const c = await cli(['features', ...from, url], env);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, f.stdout);
    const times = f.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
    assert.equal(times[0], '2011-08-16T10:02:00Z');
    assert.equal(times[times.length - 1], '2011-08-16T10:04:50Z');
    const all = (await cli(['features', file])).stdout;
    assert.ok(all.length > f.stdout.length, 'the range drops windows of the file');
  });

  test('train and score from the URL equal train and score from the file, also within --from/--to', async () => {
    for (const range of [[], ['--from', String(start + 60), '--to', '2011-08-16T10:08:00Z']]) {
      const pf = join(dir, 'pf.json');
      const pc = join(dir, 'pc.json');
      const tf = await cli(['train', '--host', bots[0]!, '--window', '5', '--states', '3', '-o', pf, ...range, file]);
      const tc = await cli(['train', '--host', bots[0]!, '--window', '5', '--states', '3', '-o', pc, ...range, url], env);
      assert.equal(tf.code, 0, tf.stderr);
      assert.equal(tc.code, 0, tc.stderr);
      assert.equal(readFileSync(pc, 'utf8'), readFileSync(pf, 'utf8'));
      const sf = await cli(['score', '--profile', pf, ...range, file]);
      const sc = await cli(['score', '--profile', pf, ...range, url], env);
      assert.equal(sf.code, 0, sf.stderr);
      assert.equal(sc.code, 0, sc.stderr);
      assert.ok(sf.stdout.split('\n').length > 3);
      assert.equal(sc.stdout, sf.stdout);
    }
  });

  test('train on a range without the host\'s flows fails on the file as on the URL', async () => {
    const range = ['--from', String(start - 100), '--to', String(start - 50)];
    const f = await cli(['train', '--host', bots[0]!, '-o', join(dir, 'x.json'), ...range, file]);
    const c = await cli(['train', '--host', bots[0]!, '-o', join(dir, 'y.json'), ...range, url], env);
    assert.equal(f.code, 1);
    assert.equal(c.code, 1);
  });

  test('a wrong password from the environment exits 1 with the store\'s one-sentence message', async () => {
    const r = await cli(['features', url], { FLOWLENS_CLICKHOUSE_PASSWORD: 'not-the-password' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /authenticat|password/i);
    assert.doesNotMatch(r.stderr, /not-the-password/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});

describe('CLI source URLs without a server', () => {
  for (const cmd of ['features', 'train', 'score']) {
    test(`${cmd}: a password in the URL is refused with exit 2 naming the variable`, async () => {
      const required = cmd === 'train' ? ['--host', '10.0.0.1', '-o', '-'] : cmd === 'score' ? ['--profile', 'p.json'] : [];
      const r = await cli([cmd, ...required, 'clickhouse://u:secret@127.0.0.1:1/db/t']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /FLOWLENS_CLICKHOUSE_PASSWORD/);
      assert.doesNotMatch(r.stderr, /secret/);
    });

    test(`${cmd}: a --password option is refused with exit 2 naming the variable`, async () => {
      const r = await cli([cmd, '--password=secret', 'clickhouse://u@127.0.0.1:1/db/t']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /FLOWLENS_CLICKHOUSE_PASSWORD/);
      assert.doesNotMatch(r.stderr, /secret/);
    });

    test(`${cmd} --help documents the clickhouse:// form and the password variable`, async () => {
      const r = await cli([cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /clickhouse:\/\/USER@HOST/);
      assert.match(r.stdout, /FLOWLENS_CLICKHOUSE_PASSWORD/);
    });
  }

  test('a URL cannot be mixed with files', async () => {
    const r = await cli(['features', 'a.csv', 'clickhouse://u@127.0.0.1:1/db/t']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /only input/);
  });
});
