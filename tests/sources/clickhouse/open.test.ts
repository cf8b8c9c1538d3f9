/**
 * The same flows as a seed-format file (read by the file reader) and as a ClickHouse table give the
 * same window aggregates, filtered flows and host flow sequences through `openFlowSource`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FlowTable } from '../../../src/engine/flowTable.js';
import type { FlowFilter } from '../../../src/query/filter.js';
import { openFlowSource, type FlowSource } from '../../../src/sources/open.js';
import { assertSameAggregates, assertSameFeatures } from './compare.js';
import { generateRows, type FlowRow } from './fixture.js';
import { adminClient, exec, PASSWORD, SERVER_URL, SKIP, USER, testDatabase } from './server.js';

const START = 1_485_535_480;

function seedLine(r: FlowRow): string {
  const t = new Date(r.ts * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const v = (x: number | string | null): string => (x === null ? '' : String(x));
  return [t, r.proto, v(r.state), r.src_ip, v(r.src_port), r.dst_ip, v(r.dst_port), v(r.src_bytes), v(r.dst_bytes)].join(',');
}

function flowKeys(t: FlowTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) {
    out.push([t.ts[i], t.dicts.ip.value(t.srcIp[i]!), t.dicts.ip.value(t.dstIp[i]!), t.srcPort[i], t.dstPort[i], t.dicts.proto.value(t.proto[i]!), t.state![i]! < 0 ? '' : t.dicts.state.value(t.state![i]!), t.srcBytes![i], t.dstBytes![i]].join('|'));
  }
  return out;
}

describe('openFlowSource: a file and a ClickHouse table with the same flows agree', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('open');
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-open-'));
  let file: FlowSource;
  let ch: FlowSource;
  let rows: FlowRow[];

  before(async () => {
    admin = adminClient();
    // the seed format has whole seconds; the MAC-address row stays (files may carry ARP flows)
    rows = generateRows(3000, START, 300, 3).map((r) => ({ ...r, ts: Math.floor(r.ts) }));
    writeFileSync(join(dir, 'flows.csv'), rows.map(seedLine).join('\n') + '\n');
    await exec(admin, `CREATE DATABASE ${db}`);
    await exec(admin, `CREATE TABLE ${db}.flows (ts DateTime, src_ip String, dst_ip String, src_port Nullable(UInt16), dst_port Nullable(UInt16), proto String, state Nullable(String), src_bytes Nullable(UInt64), dst_bytes Nullable(UInt64)) ENGINE = MergeTree ORDER BY ts`);
    await admin.insert({ table: `${db}.flows`, values: rows.map(({ label: _l, ...r }) => r), format: 'JSONEachRow' });
    file = openFlowSource(join(dir, 'flows.csv'));
    const url = new URL(SERVER_URL);
    ch = openFlowSource(`clickhouse://${USER}@${url.hostname}:${url.port}/${db}/flows`, { env: { FLOWLENS_CLICKHOUSE_PASSWORD: PASSWORD } });
  });

  after(async () => {
    await ch.close();
    await file.close();
    rmSync(dir, { recursive: true, force: true });
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  test('the file reader and ClickHouse hold the same flows', async () => {
    const a = await file.table({ from: -Infinity, to: Infinity });
    const b = await ch.table({ from: -Infinity, to: Infinity });
    assert.equal(a.length, rows.length, 'the file reader kept every line');
    assert.deepEqual(flowKeys(b).sort(), flowKeys(a).sort());
  });

  test('window aggregates and features agree with and without filters and time bounds', async () => {
    const cases: [number, number, FlowFilter | undefined][] = [
      [-Infinity, Infinity, undefined],
      [START + 60, START + 200.5, undefined],
      [-Infinity, Infinity, { srcCidrs: ['10.0.0.0/24', '2001:db8::/32'], dstPorts: [443, 80] }],
      [START, START + 250, { protocols: ['udp', 'icmp'] }],
    ];
    for (const [from, to, filter] of cases) {
      for (const T of [10, 60]) {
        const want = await file.windowAggregates({ from, to, filter, windowSeconds: T });
        const got = await ch.windowAggregates({ from, to, filter, windowSeconds: T });
        assert.ok(want.length > 0);
        assertSameAggregates(got, want, `${from}..${to} T=${T} ${JSON.stringify(filter)}`);
        assertSameFeatures(got, want, `${from}..${to} T=${T} ${JSON.stringify(filter)}`);
      }
    }
  });

  test('host flow sequences agree: the hosts\' source flows in time order', async () => {
    const hosts = ['10.0.0.1', '2001:db8::6', '00:11:22:33:44:55', '10.0.0.8'];
    const a = await file.hostFlows({ hosts, from: START, to: START + 280 });
    const b = await ch.hostFlows({ hosts, from: START, to: START + 280 });
    assert.ok(a.length > 20);
    for (let i = 1; i < b.length; i++) assert.ok(b.ts[i]! >= b.ts[i - 1]!);
    // equal times may come in another order from ClickHouse; compare per timestamp
    const byTime = (t: FlowTable): string[] => flowKeys(t).sort();
    assert.deepEqual(byTime(b), byTime(a));
    assert.deepEqual([...b.ts], [...a.ts]);
  });
});
