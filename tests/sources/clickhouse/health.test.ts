/**
 * Health-check sentences for every way a ClickHouse data source can be misconfigured, and
 * cancellation: an aborted or timed-out query is gone from the server afterwards.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import { ClickHouseStoreError } from '../../../src/sources/clickhouse/errors.js';
import { GENERIC_DDL } from './fixture.js';
import { adminClient, exec, PASSWORD, settingsFor, SKIP, testDatabase } from './server.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('health check without a server', () => {
  test('connection refused names the URL and what to check', async () => {
    const port = await freePort();
    const store = new ClickHouseStore(settingsFor('default', 'flows', { url: `http://127.0.0.1:${port}`, connectTimeoutSeconds: 2 }), 'secret-pw');
    const h = await store.health();
    await store.close();
    assert.equal(h.ok, false);
    assert.match(h.message, new RegExp(`ClickHouse at http://127\\.0\\.0\\.1:${port} refused the connection: check that the server is running`));
    assert.doesNotMatch(h.message, /secret-pw/);
  });

  test('a server that accepts but never answers is reported as a timeout after the connect timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const store = new ClickHouseStore(settingsFor('default', 'flows', { url: `http://127.0.0.1:${port}`, connectTimeoutSeconds: 1 }), '');
    const h = await store.health();
    await store.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    assert.equal(h.ok, false);
    assert.match(h.message, /did not answer within 1 s: check the URL and firewalls/);
  });
});

describe('health check against a server', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('health');
  const stores: ClickHouseStore[] = [];
  const store = (table: string, extra = {}, password = PASSWORD, options = {}): ClickHouseStore => {
    const s = new ClickHouseStore(settingsFor(db, table, extra), password, options);
    stores.push(s);
    return s;
  };

  before(async () => {
    admin = adminClient();
    await exec(admin, `CREATE DATABASE ${db}`);
    await exec(admin, `CREATE TABLE ${db}.flows ${GENERIC_DDL} ENGINE = MergeTree ORDER BY ts`);
    await exec(admin, `INSERT INTO ${db}.flows (ts, src_ip, dst_ip, proto, label) VALUES (1485535480, '10.0.0.1', '10.0.0.2', 'tcp', 'x')`);
    await exec(admin, `CREATE TABLE ${db}.no_dst (ts DateTime, src_ip String) ENGINE = MergeTree ORDER BY ts`);
    await exec(admin, `CREATE TABLE ${db}.text_ts (ts String, src_ip String, dst_ip String, dst_port String) ENGINE = MergeTree ORDER BY ts`);
    // an endless stream: any query over it runs until it is stopped
    await exec(admin, `CREATE VIEW ${db}.endless AS SELECT toDateTime(1485535480 + intDiv(number, 1000)) AS ts, toString(number % 1000) AS src_ip, toString(number % 77) AS dst_ip FROM system.numbers`);
  });

  after(async () => {
    for (const s of stores) await s.close();
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  test('a working table reports the server version and how many flows it holds', async () => {
    const h = await store('flows').health();
    assert.equal(h.ok, true, h.message);
    assert.match(h.message, /^Connected to ClickHouse \d+\.\d+\S* at http:\/\/127\.0\.0\.1:\d+: table \S+\.flows holds 1 flows \(preset generic\)\.$/);
  });

  test('a wrong password is an authentication failure naming the user, never the password', async () => {
    const h = await store('flows', {}, 'not-the-password').health();
    assert.equal(h.ok, false);
    assert.match(h.message, /rejected user '.+': check the user name and the password/);
    assert.doesNotMatch(h.message, /not-the-password/);
    assert.equal(h.details?.problem, 'auth');
  });

  test('a missing database and a missing table are named', async () => {
    const noDb = await new ClickHouseStore(settingsFor(`${db}_absent`, 'flows'), PASSWORD).health();
    assert.match(noDb.message, new RegExp(`Database '${db}_absent' does not exist on .*: check the database name`));
    const noTable = await store('absent').health();
    assert.match(noTable.message, new RegExp(`Table '${db}\\.absent' does not exist on .*: check the table name`));
  });

  test('missing and wrongly typed columns say which role needs what', async () => {
    const missing = await store('no_dst').health();
    assert.equal(missing.ok, false);
    assert.match(missing.message, /Column 'dst_ip' \(dst_ip\) is missing from table .*no_dst: add it or map dst_ip to an existing column/);
    const typed = await store('text_ts').health();
    assert.match(typed.message, /Column 'ts' \(ts\) in table .*text_ts has type String, but ts must be DateTime, DateTime64 or epoch seconds/);
    assert.match(typed.message, /Column 'dst_port' \(dst_port\) .* has type String, but dst_port must be an integer/);
    const override = await store('flows', { columns: { state: 'conn_state' } }).health();
    assert.match(override.message, /Column 'conn_state' \(state\) is missing/);
  });

  async function running(ids: readonly string[]): Promise<number> {
    const rs = await admin.query({ query: `SELECT count() AS n FROM system.processes WHERE query_id IN (${ids.map((id) => `'${id.replace(/[^0-9a-f-]/g, '')}'`).join(', ')})`, format: 'JSONEachRow' });
    const rows = await rs.json<{ n: string }>();
    return Number(rows[0]!.n);
  }

  async function waitUntilGone(ids: readonly string[]): Promise<number> {
    for (let i = 0; i < 50; i++) {
      const n = await running(ids);
      if (n === 0) return 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    return running(ids);
  }

  test('aborting a query stops it on the server (KILL QUERY by its id)', async () => {
    const ids: string[] = [];
    const s = store('endless', {}, PASSWORD, { onQuery: (sql: { text: string }, id: string) => (/floor\(/.test(sql.text) ? ids.push(id) : undefined) });
    await s.health(); // schema read before the clock starts
    const controller = new AbortController();
    const pending = s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, signal: controller.signal });
    // wait until the server is actually running the queries
    for (let i = 0; i < 200 && (ids.length < 2 || (await running(ids)) < 2); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await running(ids), 2, 'both push-down queries run on the server');
    controller.abort();
    await assert.rejects(pending, (err: unknown) => err instanceof ClickHouseStoreError && err.kind === 'cancelled');
    assert.equal(await waitUntilGone(ids), 0, 'no query left on the server');
  });

  test('a query past its deadline fails with a timeout sentence and is gone from the server', async () => {
    const ids: string[] = [];
    const s = store('endless', { queryTimeoutSeconds: 1 }, PASSWORD, { onQuery: (_sql: unknown, id: string) => ids.push(id) });
    await assert.rejects(s.flows({ from: -Infinity, to: Infinity }), (err: unknown) => err instanceof ClickHouseStoreError && err.kind === 'timeout' && /did not answer within 1 s/.test(err.message));
    assert.equal(await waitUntilGone(ids.filter((id) => id !== 'kill')), 0);
  });
});
