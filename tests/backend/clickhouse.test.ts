/**
 * The running backend with `store: "clickhouse"` against the test server (tests/services/clickhouse.sh):
 * health, push-down features equal to the in-process engine on the same rows, hosts, flows, scores,
 * and the password kept out of every log line and message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC, type Table } from 'apache-arrow';
import type { ClickHouseClient } from '@clickhouse/client';
import { featureFrame } from '../../src/engine/features/index.js';
import type { Message } from '../../src/backend/grafana/protocol.js';
import { GENERIC_DDL, generateRows, tableOfRows, type FlowRow } from '../sources/clickhouse/fixture.js';
import { adminClient, exec, PASSWORD, SERVER_URL, SKIP, testDatabase, USER } from '../sources/clickhouse/server.js';
import { dataQuery, pluginContext, startBackend, type RunningBackend } from './helpers/plugin.js';

const START = 1_485_535_480;
const FEATURES = ['num_entries', 'count_src_ip', 'dst_port_per_dst_ip_perc75', 'bytes_total'];

describe('backend on the ClickHouse store', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  let backend: RunningBackend;
  let rows: FlowRow[];
  const db = testDatabase('backend');
  const jsonData = (extra: Record<string, unknown> = {}) => ({ store: 'clickhouse', clickhouse: { url: SERVER_URL, user: USER, database: db, table: 'flows', preset: 'generic', queryTimeoutSeconds: 30, ...extra } });
  const ctx = (password = PASSWORD, uid = 'ch') => pluginContext(jsonData(), { uid, secrets: { clickhousePassword: password } });
  const query = async (model: Record<string, unknown>): Promise<{ r: Message; tables: Table[] }> => {
    const res = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: ctx(), queries: [dataQuery('A', model, START * 1000, (START + 600) * 1000)] });
    const r = (res.responses as Record<string, Message>).A!;
    return { r, tables: ((r.frames as Buffer[]) ?? []).map((b) => tableFromIPC(b)) };
  };

  before(async () => {
    admin = adminClient();
    rows = generateRows(3000, START, 600);
    await exec(admin, `CREATE DATABASE ${db}`);
    await exec(admin, `CREATE TABLE ${db}.flows ${GENERIC_DDL} ENGINE = MergeTree ORDER BY ts`);
    await admin.insert({ table: `${db}.flows`, values: rows, format: 'JSONEachRow' });
    backend = await startBackend();
  });
  after(async () => {
    backend?.kill();
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  it('CheckHealth connects; a wrong password is an ERROR that never shows the password', async () => {
    const ok = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: ctx() });
    assert.equal(ok.status, 1, String(ok.message));
    assert.match(ok.message as string, /^Connected to ClickHouse/);
    const wrong = 'not-the-password-9f3k';
    const bad = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: ctx(wrong, 'ch-bad') });
    assert.equal(bad.status, 2);
    assert.equal((bad.message as string).includes(wrong), false);
    assert.equal(backend.stderr().includes(wrong), false);
    assert.equal(backend.stderr().includes(PASSWORD), false);
  });

  it('features are pushed down and equal the in-process engine on the same rows', async () => {
    const { r, tables } = await query({ queryType: 'features', windowSeconds: 10, features: FEATURES, fillEmpty: true });
    assert.equal(r.status, 200, String(r.error));
    const want = featureFrame(tableOfRows(rows), { windowSeconds: 10, features: FEATURES, from: START, to: START + 600, fillEmpty: true });
    const t = tables[0]!;
    assert.deepEqual([...(t.getChild('time')!.data[0]!.values as BigInt64Array)].map((ns) => Number(ns / 1_000_000_000n)), [...want.time]);
    FEATURES.forEach((name, j) => {
      const got = [...t.getChild(name)!] as number[];
      want.columns[j]!.forEach((w, k) => {
        const g = got[k]!;
        assert.ok(Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= 1e-12 * Math.max(1, Math.abs(w)), `${name}[${k}]: ${g} vs ${w}`);
      });
    });
  });

  it('hosts, flows and host scores answer from the server', async () => {
    const hosts = await query({ queryType: 'hosts', role: 'src', limit: 100000 });
    assert.equal(hosts.r.status, 200, String(hosts.r.error));
    assert.deepEqual(new Set([...hosts.tables[0]!.getChild('host')!]), new Set(rows.map((r) => r.src_ip)));
    const flows = await query({ queryType: 'flows', limit: 10 });
    assert.equal(flows.r.status, 200, String(flows.r.error));
    assert.equal(flows.tables[0]!.numRows, 10);
    const busiest = [...hosts.tables[0]!.getChild('host')!][0] as string;
    const scores = await query({ queryType: 'hostScores', profile: { hosts: [busiest], features: [{ name: 'dst_port' }], window: 3, states: 2, iterations: 3 }, output: 'table' });
    assert.equal(scores.r.status, 200, String(scores.r.error));
    assert.ok(scores.tables[0]!.numRows > 1);
  });

  it('a query that would read more than maxBytes stops on the server: 413 from the plugin, naming the setting', async () => {
    const limited = pluginContext({ ...jsonData(), limits: { maxBytes: 1000 } }, { uid: 'ch-bytes', secrets: { clickhousePassword: PASSWORD } });
    for (const model of [{ queryType: 'features' }, { queryType: 'flows', limit: 10 }]) {
      const res = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: limited, queries: [dataQuery('A', model, START * 1000, (START + 600) * 1000)] });
      const a = (res.responses as Record<string, Message>).A!;
      assert.equal(a.status, 413, `${model.queryType}: ${String(a.error)}`);
      assert.equal(a.errorSource, 'plugin');
      assert.match(a.error as string, /Max bytes read/);
    }
    // the same queries within the default limit answer (the test above)
  });

  it('reports a missing table as a downstream error in one sentence', async () => {
    const res = await backend.unary('pluginv2.Data', 'QueryData', {
      pluginContext: pluginContext(jsonData({ table: 'nope' }), { uid: 'ch-missing', secrets: { clickhousePassword: PASSWORD } }),
      queries: [dataQuery('A', { queryType: 'features' }, START * 1000, (START + 600) * 1000)],
    });
    const a = (res.responses as Record<string, Message>).A!;
    assert.equal(a.errorSource, 'downstream');
    assert.match(a.error as string, /nope/);
  });
});
