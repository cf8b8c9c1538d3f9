/**
 * Injection corpus: hostile values (quotes, backslashes, comments, semicolons, unicode, huge
 * numbers, CIDR tricks) either reach SQL as inert data or are refused before any SQL is built —
 * on the real server (18.16: literals) query_log shows that nothing but the intended queries ran;
 * on a modern engine (chdb: query parameters) each value selects exactly its own flow and the SQL
 * text does not depend on it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { aggregateWindows } from '../../../src/engine/features/aggregate.js';
import { CompiledFilter } from '../../../src/engine/filter/flowFilter.js';
import type { FlowTable } from '../../../src/engine/flowTable.js';
import { floatLiteral, integerLiteral, quoteIdentifier, stringLiteral, UnsafeSqlValueError } from '../../../src/sources/clickhouse/literal.js';
import { Binder, type BoundSql } from '../../../src/sources/clickhouse/binder.js';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import { DEFAULT_CLICKHOUSE_SETTINGS, resolveSettings } from '../../../src/query/settings.js';
import { normalizeFilter } from '../../../src/query/filter.js';
import { ChdbTransport, chdbUnavailable } from '../../parity/chdbTransport.js';
import { assertSameAggregates } from './compare.js';
import { GENERIC_DDL, loadGenericChdb, tableOfRows, type FlowRow } from './fixture.js';
import { adminClient, exec, PASSWORD, settingsFor, SKIP, testDatabase } from './server.js';

export const STRINGS = [
  "'",
  "a'b",
  "' OR 1=1 --",
  "'); DROP TABLE flows; --",
  '\\',
  "\\'",
  "\\\\'",
  "x\\' OR '1'='1",
  '`',
  '`; DROP DATABASE default; --',
  '/* comment */',
  '*/ OR 1=1 /*',
  '-- comment',
  '#',
  ';',
  'a;b',
  '\n',
  '\r\n',
  '\t',
  '\0',
  '\u0007',
  'é',
  'ünïcödé 😀',
  '\u202e',
  '\ufeff',
  '\u2028',
  'ʼ OR 1=1',
  '＇ OR 1=1',
  '{p0:String}',
  '{x:Int64}',
  '$1',
  '?',
  '%s',
  '0x41',
  'FORMAT TabSeparated',
  'x'.repeat(5000),
];

/** Decodes a ClickHouse string literal independently of literal.ts (escapes per the SQL reference). */
function decodeLiteral(lit: string): Uint8Array {
  assert.ok(lit.startsWith("'") && lit.endsWith("'") && lit.length >= 2, 'quoted');
  const bytes: number[] = [];
  const body = lit.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    assert.notEqual(ch, "'", 'no unescaped quote inside');
    if (ch !== '\\') {
      bytes.push(ch.charCodeAt(0));
      continue;
    }
    const next = body[++i]!;
    if (next === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (next === '\\' || next === "'") bytes.push(next.charCodeAt(0));
    else assert.fail(`unexpected escape \\${next}`);
  }
  return Uint8Array.from(bytes);
}

/** Requests with hostile numbers, networks or bounds: each must fail before any data query is sent. */
function refusedRequests(store: ClickHouseStore): (() => Promise<unknown>)[] {
  return [
    () => store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { dstPorts: [1e300] } }),
    () => store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { srcPorts: [-1] } }),
    () => store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { ports: [2 ** 53] } }),
    () => store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { srcCidrs: ["10.0.0.0/8' OR 1=1 --"] } }),
    () => store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { dstCidrs: ['10.0.0.0/33'] } }),
    () => store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { dstCidrs: ['::ffff:10.0.0.0/200'] } }),
    () => store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { dstCidrs: ['1.2.3.4/8/8'] } }),
    () => store.windowAggregates({ from: NaN, to: Infinity, windowSeconds: 10 }),
    () => store.windowAggregates({ from: 0, to: 1, windowSeconds: Infinity }),
    () => store.windowAggregates({ from: 0, to: 1, windowSeconds: -10 }),
    () => store.flows({ from: 0, to: 1e12, limit: 1e300 }),
    () => store.hosts({ from: 0, to: 1e12, limit: 0.5 }),
  ];
}

describe('literal formatter', () => {
  test('every corpus string becomes a printable-ASCII literal that decodes to its exact UTF-8 bytes', () => {
    for (const s of STRINGS) {
      const lit = stringLiteral(s);
      assert.match(lit, /^[\x20-\x7e]*$/, JSON.stringify(s));
      assert.deepEqual(decodeLiteral(lit), new TextEncoder().encode(s), JSON.stringify(s));
    }
  });

  test('lone surrogates, non-strings and anything but plain names as identifiers are refused', () => {
    assert.throws(() => stringLiteral('\ud800'), UnsafeSqlValueError);
    assert.throws(() => stringLiteral(42 as unknown as string), UnsafeSqlValueError);
    for (const s of [...STRINGS, '', '1abc', 'a-b', 'a.b', 'a b', 'x'.repeat(129)]) assert.throws(() => quoteIdentifier(s), UnsafeSqlValueError, JSON.stringify(s));
    assert.equal(quoteIdentifier('SrcAddr_2'), '`SrcAddr_2`');
  });

  test('numbers: huge, fractional, NaN and infinite values are refused where integers are needed; floats round-trip', () => {
    for (const v of [2 ** 53, -(2 ** 53), 1e308, 0.5, NaN, Infinity, -Infinity]) assert.throws(() => integerLiteral(v), UnsafeSqlValueError, String(v));
    assert.throws(() => integerLiteral(65536, 0, 65535), UnsafeSqlValueError);
    assert.equal(integerLiteral(-5), '(-5)', 'a negative value cannot merge with a minus into a comment');
    for (const v of [NaN, Infinity, -Infinity]) assert.throws(() => floatLiteral(v), UnsafeSqlValueError);
    assert.equal(floatLiteral(1e21), 'toFloat64(1e+21)');
    assert.equal(floatLiteral(-0.1), 'toFloat64((-0.1))');
  });

  test('parameter mode keeps values out of the SQL text altogether', () => {
    const b = new Binder(true);
    const text = STRINGS.map((s) => b.string(s)).join(',');
    assert.doesNotMatch(text, /DROP|OR 1=1|comment/);
    assert.deepEqual(Object.values(b.params), STRINGS);
    assert.throws(() => b.int(2 ** 60), UnsafeSqlValueError);
  });

  test('settings with hostile identifiers never validate', () => {
    for (const s of STRINGS.slice(0, 16)) {
      const r = resolveSettings({ store: 'clickhouse', clickhouse: { url: 'http://h:8123', database: s, table: s, columns: { ts: s } } });
      assert.equal(r.ok, false, JSON.stringify(s));
    }
  });
});

describe('injection corpus against the server', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('inject');
  const application = `flowlens-injection-${process.pid}`;
  const sent = new Map<string, string>();
  let store: ClickHouseStore;
  const startedAt = Math.floor(Date.now() / 1000) - 1;

  before(async () => {
    admin = adminClient();
    await exec(admin, `CREATE DATABASE ${db}`);
    await exec(admin, `CREATE TABLE ${db}.flows ${GENERIC_DDL} ENGINE = MergeTree ORDER BY ts`);
    // one flow per hostile string, with the string as its source address and protocol
    const rows = STRINGS.map((s, i) => ({ ts: 1485535480 + i, src_ip: s, dst_ip: '10.0.0.1', src_port: 1000 + i, dst_port: 80, proto: 'tcp', state: s, src_bytes: 1, dst_bytes: 1, label: s }));
    await admin.insert({ table: `${db}.flows`, values: rows, format: 'JSONEachRow' });
    store = new ClickHouseStore(settingsFor(db, 'flows'), PASSWORD, { application, onQuery: (sql, id) => sent.set(id, sql.text) });
  });

  after(async () => {
    await store.close();
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  test('each hostile host name selects exactly its own flow, never more', async () => {
    for (const s of STRINGS) {
      const t = await store.hostFlows({ hosts: [s], from: -Infinity, to: Infinity });
      assert.equal(t.length, 1, JSON.stringify(s).slice(0, 40));
      assert.equal(t.dicts.ip.value(t.srcIp[0]!), s.toLowerCase(), 'the value came back byte for byte');
    }
    const none = await store.hostFlows({ hosts: ["' OR ''='", "x') OR ('1'='1"], from: -Infinity, to: Infinity });
    assert.equal(none.length, 0);
  });

  test('hostile protocol names, ports, CIDRs and time bounds match nothing or are refused before SQL', async () => {
    const all = await store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10 });
    for (const s of STRINGS) {
      const aggs = await store.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { protocols: [s] } });
      // whitespace-only names normalise away (no protocol filter), as in the file store
      const expected = normalizeFilter({ protocols: [s] }).protocols === undefined ? all.length : 0;
      assert.equal(aggs.length, expected, JSON.stringify(s).slice(0, 40));
    }
    const refused = refusedRequests(store);
    const before = sent.size;
    for (const go of refused) await assert.rejects(go());
    const ranAfterRefusals = [...sent.values()].slice(before).filter((q) => !/^SELECT (version|count\(\) AS n FROM system\.databases|name, type FROM system\.columns)/.test(q));
    assert.deepEqual(ranAfterRefusals, [], 'refused requests sent no data query');
  });

  test('query_log holds only the queries the store built, byte for byte', async () => {
    await exec(admin, 'SYSTEM FLUSH LOGS');
    const rs = await admin.query({
      query: `SELECT query_id, query FROM system.query_log WHERE event_time >= toDateTime(${startedAt}) AND http_user_agent LIKE '${application} %' AND type = 1`,
      format: 'JSONEachRow',
    });
    const logged = await rs.json<{ query_id: string; query: string }>();
    assert.ok(logged.length >= STRINGS.length * 2, `the store's queries are logged (${logged.length})`);
    for (const row of logged) {
      const text = sent.get(row.query_id);
      assert.ok(text !== undefined, `unexpected query ran: ${row.query.slice(0, 200)}`);
      assert.equal(row.query.replace(/\s*FORMAT \w+\s*$/, ''), text);
    }
    const tables = await (await admin.query({ query: `SELECT name FROM system.tables WHERE database = '${db}'`, format: 'JSONEachRow' })).json<{ name: string }>();
    assert.deepEqual(tables.map((t) => t.name), ['flows'], 'nothing was dropped or created');
  });
});

describe('injection corpus in parameter mode on a modern engine (chdb)', { skip: chdbUnavailable() ?? false }, () => {
  const START = 1485535480;
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-chdb-inject-'));
  // one flow per hostile string, with the string as its source address, protocol, state and label
  const rows: FlowRow[] = STRINGS.map((s, i) => ({ ts: START + i, src_ip: s, dst_ip: '10.0.0.1', src_port: 1000 + i, dst_port: 80, proto: s, state: s, src_bytes: 1, dst_bytes: 1, label: s }));
  let table: FlowTable;
  let chdb: ChdbTransport;
  let setupStatements = 0;
  const announced: BoundSql[] = [];
  let store: ClickHouseStore;
  const range = { from: -Infinity, to: Infinity };

  /** The SQL the store announces for one call (detection queries aside). */
  async function sqlOf(call: () => Promise<unknown>): Promise<BoundSql[]> {
    const n = announced.length;
    await call();
    return announced.slice(n).filter((q) => !/^SELECT (version|count\(\) AS n FROM system\.databases|name, type FROM system\.columns)/.test(q.text));
  }

  const engineRows = async (text: string): Promise<Record<string, unknown>[]> =>
    chdb.rows({ text, params: {} }, { queryId: 'check', useParams: false, signal: new AbortController().signal, timeoutSeconds: 30 });

  before(async () => {
    table = tableOfRows(rows);
    chdb = new ChdbTransport();
    await loadGenericChdb(chdb, dir, rows);
    setupStatements = chdb.sent.length;
    store = new ClickHouseStore({ ...DEFAULT_CLICKHOUSE_SETTINGS, database: 'fl', table: 'flows', preset: 'generic', columns: {}, queryTimeoutSeconds: 60 }, '', {
      transport: chdb,
      onQuery: (sql) => announced.push(sql),
    });
  });

  after(async () => {
    await store?.close();
    await chdb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the engine takes query parameters, so the store sends every value as one', async () => {
    const caps = await store.serverCapabilities();
    assert.ok(caps.queryParams, caps.version);
  });

  test('each hostile host name selects exactly its own flow; the SQL text is that of a plain name', async () => {
    const [plain] = await sqlOf(() => store.hostFlows({ ...range, hosts: ['10.9.9.9'] }));
    assert.ok(plain);
    for (const s of STRINGS) {
      const what = JSON.stringify(s).slice(0, 40);
      let t: FlowTable | null = null;
      const sent = await sqlOf(async () => (t = await store.hostFlows({ ...range, hosts: [s] })));
      const got = t as FlowTable | null;
      assert.ok(got);
      assert.equal(got.length, 1, what);
      assert.equal(got.dicts.ip.value(got.srcIp[0]!), s.toLowerCase(), `${what}: the value came back byte for byte`);
      assert.deepEqual(sent.map((q) => q.text), [plain.text], `${what}: the value is not in the SQL text`);
      assert.deepEqual(Object.values(sent[0]!.params), Object.values(plain.params).map((v) => (v === '10.9.9.9' ? s.toLowerCase() : v)), `${what}: it travels as a parameter (lower case, as addresses are stored)`);
    }
    const none = await store.hostFlows({ ...range, hosts: ["' OR ''='", "x') OR ('1'='1"] });
    assert.equal(none.length, 0);
  });

  test('each hostile protocol name selects exactly its own flow (whitespace-only names: no filter), as in the engine', async () => {
    // a name without an IANA number: tcp would also match its number, 6, one more parameter
    const plain = (await sqlOf(() => store.flows({ ...range, filter: { protocols: ['arp'] } }))).map((q) => q.text);
    const plainAggs = (await sqlOf(() => store.windowAggregates({ ...range, windowSeconds: 10, filter: { protocols: ['arp'] } }))).map((q) => q.text).sort();
    for (const [i, s] of STRINGS.entries()) {
      const what = JSON.stringify(s).slice(0, 40);
      const filter = { protocols: [s] };
      const keep = new CompiledFilter(filter).keepMask(table);
      const wanted = keep === null ? STRINGS.map((x) => x.toLowerCase()) : [s.toLowerCase()];
      if (keep !== null) assert.deepEqual([...keep.keys()].filter((k) => keep[k] === 1), [i], `${what}: the engine keeps its own flow only`);
      else assert.equal(normalizeFilter(filter).protocols, undefined, `${what}: only a name that normalises away keeps everything`);
      let flows: FlowTable | null = null;
      const sent = await sqlOf(async () => (flows = await store.flows({ ...range, filter })));
      const got = flows as FlowTable | null;
      assert.ok(got);
      assert.deepEqual(Array.from({ length: got.length }, (_, k) => got.dicts.ip.value(got.srcIp[k]!)).sort(), [...wanted].sort(), what);
      if (keep !== null) assert.deepEqual(sent.map((q) => q.text), plain, `${what}: the value is not in the SQL text`);
      let aggs: Awaited<ReturnType<ClickHouseStore['windowAggregates']>> = [];
      const aggSent = await sqlOf(async () => (aggs = await store.windowAggregates({ ...range, windowSeconds: 10, filter })));
      assertSameAggregates(aggs, aggregateWindows(table, 10, { keep }), what);
      if (keep !== null) assert.deepEqual(aggSent.map((q) => q.text).sort(), plainAggs, `${what}: aggregation SQL text`);
    }
  });

  test('hostile numbers, networks and bounds are refused before any data query, in parameter mode too', async () => {
    const n = announced.length;
    for (const go of refusedRequests(store)) await assert.rejects(go());
    const ran = announced.slice(n).filter((q) => !/^SELECT (version|count\(\) AS n FROM system\.databases|name, type FROM system\.columns)/.test(q.text));
    assert.deepEqual(ran, []);
  });

  test('the engine ran only what the store announced, and the data is unchanged', async () => {
    const key = (q: BoundSql): string => JSON.stringify([q.text, q.params]);
    const received = chdb.sent.slice(setupStatements).map(key).sort();
    assert.ok(received.length >= STRINGS.length * 3, `the store's statements reached the engine (${received.length})`);
    assert.deepEqual(received, announced.map(key).sort());
    const tables = await engineRows("SELECT name FROM system.tables WHERE database = 'fl' ORDER BY name");
    assert.deepEqual(tables.map((t) => t.name), ['flows'], 'nothing was dropped or created');
    const stored = await engineRows('SELECT src_ip FROM fl.flows ORDER BY ts');
    assert.deepEqual(stored.map((r) => r.src_ip), STRINGS, 'every row is as it was loaded');
  });
});
