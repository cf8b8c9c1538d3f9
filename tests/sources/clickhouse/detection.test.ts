/**
 * The server version (→ dialect) and the table's columns are read once per store instance, shared
 * by concurrent first calls; a failed read is not kept (the next call asks again), and a caller
 * that cancels while they are being read does not fail the others.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import type { BoundSql } from '../../../src/sources/clickhouse/binder.js';
import { ClickHouseStoreError } from '../../../src/sources/clickhouse/errors.js';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import type { QueryOptions, QueryTransport, Row } from '../../../src/sources/clickhouse/transport.js';
import { GENERIC_DDL } from './fixture.js';
import { adminClient, exec, PASSWORD, SERVER_URL, settingsFor, SKIP, testDatabase } from './server.js';

const isVersionQuery = (text: string): boolean => /^SELECT version\(\)/.test(text);
const isColumnsQuery = (text: string): boolean => /FROM system\.columns\b/.test(text);

/** Answers the store's detection and schema queries like an 18.16 server with a generic table. */
class ScriptedTransport implements QueryTransport {
  readonly sent: string[] = [];
  /** Version queries that fail (connection refused) before one is answered. */
  versionFailures = 0;
  /** The version answer waits for this. */
  versionGate: Promise<void> = Promise.resolve();

  async rows(sql: BoundSql, _opts: QueryOptions): Promise<Row[]> {
    this.sent.push(sql.text);
    if (isVersionQuery(sql.text)) {
      if (this.versionFailures > 0) {
        this.versionFailures--;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
      }
      await this.versionGate;
      return [{ v: '18.16.1' }];
    }
    if (/FROM system\.databases\b/.test(sql.text)) return [{ n: '1' }];
    if (isColumnsQuery(sql.text)) return ['ts Float64', 'src_ip String', 'dst_ip String'].map((c) => ({ name: c.split(' ')[0], type: c.split(' ')[1] }));
    if (/FROM system\.parts\b/.test(sql.text)) return [{ n: '0' }];
    return [];
  }

  async lines(sql: BoundSql): Promise<void> {
    this.sent.push(sql.text);
  }

  async command(sql: BoundSql): Promise<void> {
    this.sent.push(sql.text);
  }

  async close(): Promise<void> {}
}

const count = (texts: readonly string[], which: (t: string) => boolean): number => texts.filter(which).length;

describe('detection without a server (scripted transport)', () => {
  test('a failed version read is not kept: the next call reads it again, and after a success never again', async () => {
    const t = new ScriptedTransport();
    t.versionFailures = 2;
    const s = new ClickHouseStore(settingsFor('flows_db', 'flows'), '', { transport: t });
    await assert.rejects(s.serverCapabilities(), (e: unknown) => e instanceof ClickHouseStoreError && e.kind === 'refused');
    const h = await s.health();
    assert.equal(h.ok, false);
    assert.equal(h.details?.problem, 'refused');
    assert.equal((await s.serverCapabilities()).version, '18.16.1');
    assert.equal((await s.health()).ok, true);
    await s.hosts({ from: -Infinity, to: Infinity, limit: 5 });
    await s.flows({ from: -Infinity, to: Infinity });
    assert.equal(count(t.sent, isVersionQuery), 3, 'two failed reads, one that worked, none after');
    assert.equal(count(t.sent, isColumnsQuery), 1);
  });

  test('a caller that cancels while the version is being read fails alone; the others and the next call share the read', async () => {
    const t = new ScriptedTransport();
    let open = (): void => undefined;
    t.versionGate = new Promise<void>((resolve) => (open = resolve));
    const s = new ClickHouseStore(settingsFor('flows_db', 'flows'), '', { transport: t });
    const controller = new AbortController();
    const cancelled = s.serverCapabilities(controller.signal);
    const patient = s.hosts({ from: -Infinity, to: Infinity, limit: 5 });
    controller.abort();
    await assert.rejects(cancelled, (e: unknown) => e instanceof ClickHouseStoreError && e.kind === 'cancelled');
    open();
    assert.deepEqual(await patient, []);
    assert.equal((await s.serverCapabilities()).version, '18.16.1');
    assert.equal(count(t.sent, isVersionQuery), 1);
    assert.equal(count(t.sent, isColumnsQuery), 1);
  });
});

describe('detection against a server', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('detect');
  const stores: ClickHouseStore[] = [];
  const sockets: Socket[] = [];
  let relay: Server | null = null;

  before(async () => {
    admin = adminClient();
    await exec(admin, `CREATE DATABASE ${db}`);
    await exec(admin, `CREATE TABLE ${db}.flows ${GENERIC_DDL} ENGINE = MergeTree ORDER BY ts`);
    await exec(admin, `INSERT INTO ${db}.flows (ts, src_ip, dst_ip, src_port, dst_port, proto, label) VALUES (1485535480.5, '10.0.0.1', '10.0.0.2', 1234, 80, 'tcp', 'x'), (1485535491, '10.0.0.3', '10.0.0.2', 1235, 443, 'tcp', 'x')`);
  });

  after(async () => {
    for (const s of stores) await s.close();
    for (const s of sockets) s.destroy();
    if (relay) await new Promise<void>((resolve) => relay!.close(() => resolve()));
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  test('one instance reads the version and the columns once, over concurrent first calls and every kind of call after', async () => {
    const sent: string[] = [];
    const s = new ClickHouseStore(settingsFor(db, 'flows'), PASSWORD, { onQuery: (q) => sent.push(q.text) });
    stores.push(s);
    const range = { from: -Infinity, to: Infinity };
    await Promise.all([s.serverCapabilities(), s.health(), s.hosts({ ...range, limit: 5 }), s.windowAggregates({ ...range, windowSeconds: 10 })]);
    await s.flows(range);
    await s.hostFlows({ ...range, hosts: ['10.0.0.1'] });
    await s.windowSummaries({ ...range, windowSeconds: 10 });
    await s.windowAggregates({ from: 1485535480, to: 1485535500, windowSeconds: 10 });
    assert.equal((await s.health()).ok, true);
    assert.equal(count(sent, isVersionQuery), 1, 'version queries');
    assert.equal(count(sent, isColumnsQuery), 1, 'column queries');
    assert.ok(sent.length > 10, 'the calls did query the server');
  });

  test('a server unreachable at first is detected on a later call, once it answers', async () => {
    // a port nobody listens on yet; later a relay to the real server opens on it
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sent: string[] = [];
    const s = new ClickHouseStore(settingsFor(db, 'flows', { url: `http://127.0.0.1:${port}`, connectTimeoutSeconds: 2 }), PASSWORD, { onQuery: (q) => sent.push(q.text) });
    stores.push(s);
    await assert.rejects(s.serverCapabilities(), (e: unknown) => e instanceof ClickHouseStoreError && e.kind === 'refused');
    assert.equal((await s.health()).details?.problem, 'refused');

    const target = new URL(SERVER_URL);
    relay = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      sockets.push(client, upstream);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay!.listen(port, '127.0.0.1', resolve));

    const h = await s.health();
    assert.equal(h.ok, true, h.message);
    assert.match(h.message, /holds 2 flows/);
    assert.deepEqual(await s.hosts({ from: -Infinity, to: Infinity, limit: 5, role: 'dst' }), ['10.0.0.2']);
    await s.serverCapabilities();
    assert.equal(count(sent, isVersionQuery), 3, 'two refused reads, then one that is kept');
    assert.equal(count(sent, isColumnsQuery), 1);
  });
});
