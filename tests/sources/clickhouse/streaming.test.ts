/**
 * Raw flows and host flow sequences stream: rows reach the store's parser while the server is
 * still running the query, and a cancel part-way through a large result ends the read and the
 * server-side query, without the rest of the result being read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import type { BoundSql } from '../../../src/sources/clickhouse/binder.js';
import { ClickHouseStoreError } from '../../../src/sources/clickhouse/errors.js';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import { HttpTransport, type QueryOptions, type QueryTransport, type Row } from '../../../src/sources/clickhouse/transport.js';
import { adminClient, exec, PASSWORD, SERVER_URL, settingsFor, SKIP, testDatabase, USER } from './server.js';

/** Rows of the view: enough that the answer (≈ 150 MB of text) cannot sit in socket buffers. */
const ROWS = 4_000_000;
/** Rows delivered before the test looks at the server and cancels. */
const CANCEL_AFTER = 20_000;

/** The HTTP transport, counting the lines it hands to the store and noting when its read ends. */
class CountingTransport implements QueryTransport {
  delivered = 0;
  /** Called once, with the query id, when the CANCEL_AFTER-th line has been delivered. */
  onThreshold: ((queryId: string) => void) | null = null;
  /** Settles when the last `lines` read has ended (answer complete, closed or failed). */
  readEnded: Promise<void> = Promise.resolve();

  constructor(private readonly inner: HttpTransport) {}

  rows(sql: BoundSql, opts: QueryOptions): Promise<Row[]> {
    return this.inner.rows(sql, opts);
  }

  lines(sql: BoundSql, opts: QueryOptions, onLine: (line: string) => void): Promise<void> {
    this.delivered = 0;
    const read = this.inner.lines(sql, opts, (line) => {
      if (++this.delivered === CANCEL_AFTER) this.onThreshold?.(opts.queryId);
      onLine(line);
    });
    this.readEnded = read.then(
      () => undefined,
      () => undefined,
    );
    return read;
  }

  command(sql: BoundSql, opts: Omit<QueryOptions, 'signal'>): Promise<void> {
    return this.inner.command(sql, opts);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('large results stream and stop on cancel', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('stream');
  let transport: CountingTransport;
  let store: ClickHouseStore;
  const ids: string[] = [];

  before(async () => {
    admin = adminClient();
    await exec(admin, `CREATE DATABASE ${db}`);
    // 1000 flows a second from 65 536 sources; computed on the fly, so the test loads nothing
    await exec(
      admin,
      `CREATE VIEW ${db}.big AS SELECT toFloat64(1485535480 + number / 1000) AS ts, concat('10.', toString(intDiv(number, 65536) % 256), '.', toString(intDiv(number, 256) % 256), '.', toString(number % 256)) AS src_ip, '192.168.1.1' AS dst_ip FROM numbers(${ROWS})`,
    );
    const settings = settingsFor(db, 'big');
    transport = new CountingTransport(new HttpTransport({ url: SERVER_URL, user: USER, password: PASSWORD, database: db, application: 'flowlens-streaming-test', requestTimeoutMs: 60_000 }));
    store = new ClickHouseStore(settings, PASSWORD, { transport, onQuery: (_sql, id) => ids.push(id) });
    assert.equal((await store.health()).ok, true);
  });

  after(async () => {
    await store.close();
    await transport.close();
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  async function running(id: string): Promise<number> {
    const rs = await admin.query({ query: `SELECT count() AS n FROM system.processes WHERE query_id = '${id.replace(/[^0-9a-f-]/g, '')}'`, format: 'JSONEachRow' });
    return Number((await rs.json<{ n: string }>())[0]!.n);
  }

  async function waitUntilGone(id: string): Promise<number> {
    for (let i = 0; i < 50 && (await running(id)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    return running(id);
  }

  const calls = [
    ['raw flows', (signal: AbortSignal) => store.flows({ from: -Infinity, to: Infinity, signal })],
    ['host flow sequences', (signal: AbortSignal) => store.hostFlows({ from: -Infinity, to: Infinity, signal })],
  ] as const;

  for (const [what, call] of calls) {
    test(`${what}: the first rows arrive while the server still runs the query; a cancel then ends the read and the query`, async () => {
      const controller = new AbortController();
      const seen: { running?: Promise<number> } = {};
      // looked up while rows are arriving, then cancelled
      transport.onThreshold = (id) => {
        seen.running = running(id).finally(() => controller.abort());
      };
      const before = ids.length;
      await assert.rejects(call(controller.signal), (e: unknown) => e instanceof ClickHouseStoreError && e.kind === 'cancelled');
      transport.onThreshold = null;
      assert.ok(seen.running, `${CANCEL_AFTER} rows reached the store`);
      assert.equal(await seen.running, 1, 'the server was still running the query when the first rows had been delivered');
      const id = ids.slice(before).find((x) => x !== 'kill');
      assert.ok(id !== undefined);
      await transport.readEnded;
      assert.ok(transport.delivered < ROWS / 2, `the read ended part-way (${transport.delivered} of ${ROWS} rows)`);
      assert.equal(await waitUntilGone(id), 0, 'the query is gone from the server');
    });
  }
});
