/** ClickHouse host flows stop at the data source's row limit on the server (found by a security audit, 2026-12-06). */
/**
 * AUDIT: on ClickHouse, hostScores/profile/train pull every matching flow (ClickHouseStore.hostFlows has
 * no LIMIT) and only then compare with limits.maxRows: the work (rows sent, parsed and held in memory)
 * is bounded by the table, not by maxRows as it is for `read` (maxRows + 1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseStore } from '../../src/sources/clickhouse/store.js';
import { HttpTransport, type QueryOptions, type QueryTransport } from '../../src/sources/clickhouse/transport.js';
import type { BoundSql } from '../../src/sources/clickhouse/binder.js';
import { ClickHouseFlowStore } from '../../src/backend/store/clickhouseStore.js';
import { hostScoresQuery } from '../../src/backend/queries/hostScores.js';
import { validateQuery, type HostScoresQuery } from '../../src/query/index.js';
import { GENERIC_DDL, generateRows } from '../sources/clickhouse/fixture.js';
import { adminClient, exec, PASSWORD, SERVER_URL, SKIP, settingsFor, testDatabase, USER } from '../sources/clickhouse/server.js';
import { callCtx, memoryInstance } from './helpers/memoryStore.js';

const START = 1_485_535_480;
const ROWS = 5000;
const MAX_ROWS = 100;

describe('ClickHouse host flows obey limits.maxRows while reading', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('auditrows');
  before(async () => {
    admin = adminClient();
    await exec(admin, `CREATE DATABASE ${db}`);
    await exec(admin, `CREATE TABLE ${db}.flows ${GENERIC_DDL} ENGINE = MergeTree ORDER BY ts`);
    await admin.insert({ table: `${db}.flows`, values: generateRows(ROWS, START, 600), format: 'JSONEachRow' });
  });
  after(async () => {
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  it(`a hostScores query over ${ROWS} flows with maxRows ${MAX_ROWS} receives at most maxRows + 1 rows before refusing`, async () => {
    const settings = settingsFor(db, 'flows');
    const http = new HttpTransport({ url: settings.url, user: settings.user, password: PASSWORD, database: db, application: 'audit', requestTimeoutMs: 30_000 });
    let received = 0;
    const counting: QueryTransport = {
      rows: (sql: BoundSql, o: QueryOptions) => http.rows(sql, o),
      lines: (sql: BoundSql, o: QueryOptions, onLine: (l: string) => void) => http.lines(sql, o, (l) => { received++; onLine(l); }),
      command: (sql, o) => http.command(sql, o),
      close: () => http.close(),
    };
    const store = new ClickHouseFlowStore(new ClickHouseStore(settings, PASSWORD, { transport: counting }));
    const inst = memoryInstance(store, { store: 'clickhouse', clickhouse: { url: SERVER_URL, user: USER, database: db, table: 'flows' }, limits: { maxRows: MAX_ROWS } });
    const q = validateQuery({ queryType: 'hostScores', profile: { hosts: ['10.0.0.1'], states: 2, window: 3, iterations: 2 } });
    assert.ok(q.ok);
    const dq = { refId: 'A', queryType: 'hostScores', maxDataPoints: 100, intervalMS: 1000, timeRange: { fromMs: START * 1000, toMs: (START + 600) * 1000 }, json: {} } as never;
    await assert.rejects(hostScoresQuery(q.query as HostScoresQuery, dq, inst, callCtx()), (e: { status?: number }) => e.status === 413);
    await http.close();
    assert.ok(received <= MAX_ROWS + 1, `the plugin received and parsed ${received} flows before refusing a query limited to ${MAX_ROWS}`);
  });
});
