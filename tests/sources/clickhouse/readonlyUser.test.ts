/**
 * A user with `readonly = 1` (a common profile for dashboard users) may not change settings, and
 * the store sends max_execution_time and max_bytes_to_read with every query: Save & test says the
 * user's profile needs readonly = 2 instead of the server's raw "Code: 164". Found by a ClickHouse
 * audit (2026-12-06). Here the read-only user is an HTTP session after `SET readonly = 1`, which the
 * server treats exactly like a readonly profile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { HttpTransport } from '../../../src/sources/clickhouse/transport.js';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import { adminClient, exec, PASSWORD, SERVER_URL, settingsFor, SKIP, testDatabase, USER } from './server.js';
import { loadRows } from './storeParity.js';

const S = 1_700_000_000;

describe('a read-only ClickHouse user', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  let readonly: ClickHouseClient;
  const db = testDatabase('readonly');
  before(async () => {
    admin = adminClient();
    await exec(admin, `CREATE DATABASE ${db}`);
    await loadRows(admin, db, 'flows', [{ ts: S, src_ip: '10.0.0.1', dst_ip: '10.0.0.2' }]);
    readonly = createClient({ url: SERVER_URL, username: USER, password: PASSWORD, database: db, session_id: `readonly-${process.pid}`, log: { level: ClickHouseLogLevel.OFF } });
    await readonly.command({ query: 'SET readonly = 1' });
  });
  after(async () => {
    await readonly.close();
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  it('Save & test with a readonly = 1 user either works or says that the user profile must allow settings (readonly = 2), not a raw "Code: 164" server failure', async () => {
    const transport = new HttpTransport({ url: SERVER_URL, user: USER, password: PASSWORD, database: db, application: 'readonly-test', requestTimeoutMs: 30_000 });
    (transport as unknown as { client: ClickHouseClient }).client = readonly; // the read-only session
    const store = new ClickHouseStore(settingsFor(db, 'flows'), PASSWORD, { transport });
    const health = await store.health();
    assert.ok(health.ok || (/read-?only/i.test(health.message) && /readonly\s*=\s*2|profile/i.test(health.message) && !/Code: 164/.test(health.message)), health.message);
  });
});
