/** `clickhouse://` source URLs: what they resolve to, and the mistakes they refuse. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isClickHouseSpec, parseClickHouseSpec, SourceSpecError } from '../../../src/sources/url.js';

test('a goflow2 URL resolves to HTTP settings with the preset, user, database and table', () => {
  const { settings, password } = parseClickHouseSpec('clickhouse://analyst@ch.example:8123/netflow/flows_raw?preset=goflow2', { FLOWLENS_CLICKHOUSE_PASSWORD: 'pw' });
  assert.equal(settings.url, 'http://ch.example:8123');
  assert.equal(settings.user, 'analyst');
  assert.equal(settings.database, 'netflow');
  assert.equal(settings.table, 'flows_raw');
  assert.equal(settings.preset, 'goflow2');
  assert.equal(password, 'pw');
});

test('defaults: user default, database default, port 8123 (8443 for clickhouses://), no password', () => {
  const plain = parseClickHouseSpec('clickhouse://localhost/flows');
  assert.deepEqual([plain.settings.url, plain.settings.user, plain.settings.database, plain.settings.table, plain.settings.preset, plain.password], ['http://localhost:8123', 'default', 'default', 'flows', 'generic', '']);
  assert.equal(parseClickHouseSpec('clickhouses://h/db/t').settings.url, 'https://h:8443');
  assert.equal(parseClickHouseSpec('clickhouse://[::1]:9123/db/t').settings.url, 'http://[::1]:9123');
});

test('column roles and timeouts can be set in the query string', () => {
  const { settings } = parseClickHouseSpec('clickhouse://h/db/t?preset=akvorado&ts=TimeFlowStart&dst_port=DstPortNAT&timeout=120&connect_timeout=3');
  assert.deepEqual(settings.columns, { ts: 'TimeFlowStart', dst_port: 'DstPortNAT' });
  assert.equal(settings.queryTimeoutSeconds, 120);
  assert.equal(settings.connectTimeoutSeconds, 3);
});

test('a password in the URL is refused with the variable to use instead', () => {
  assert.throws(() => parseClickHouseSpec('clickhouse://u:secret@h/db/t'), (e: unknown) => e instanceof SourceSpecError && /FLOWLENS_CLICKHOUSE_PASSWORD/.test(e.message) && !/secret/.test(e.message));
});

test('unsafe names, unknown keys, presets and bad paths are refused with what to write', () => {
  for (const [spec, why] of [
    ['clickhouse://h/db/t%3BDROP', /table name may only hold/],
    ['clickhouse://h/db/t?ts=a%20b', /column name may only hold/],
    ['clickhouse://h/db/t?preset=nfdump', /preset must be one of/],
    ['clickhouse://h/db/t?colour=blue', /unknown key 'colour'/],
    ['clickhouse://h/a/b/c', /path must be \/database\/table/],
    ['clickhouse://h/db/t?timeout=-1', /seconds above 0/],
  ] as const) {
    assert.throws(() => parseClickHouseSpec(spec), (e: unknown) => e instanceof SourceSpecError && why.test(e.message), spec);
  }
  assert.ok(isClickHouseSpec('ClickHouse://h/t'));
  assert.ok(!isClickHouseSpec('/data/clickhouse/flows.csv'));
});
