import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/query/settings.js';

test('a file store needs a root folder and says so', () => {
  const r = resolveSettings({ store: 'file' });
  assert.equal(r.ok, false);
  assert.equal(r.ok ? '' : r.errors[0]!.field, 'file.root');
  const ok = resolveSettings({ file: { root: '/data/flows' } });
  assert.ok(ok.ok);
  assert.equal(ok.ok && ok.settings.file.timeZone, 'UTC');
});

test('ClickHouse identifiers outside the allow-list are refused', () => {
  const r = resolveSettings({ store: 'clickhouse', clickhouse: { url: 'http://ch:8123', table: 'flows; DROP TABLE x', columns: { ts: 'Time`' } } });
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? [] : r.errors.map((e) => e.field), ['clickhouse.table', 'clickhouse.columns.ts']);
});

test('unknown time zones are refused and IANA zones accepted', () => {
  assert.equal(resolveSettings({ file: { root: '/x', timeZone: 'Mars/Base' } }).ok, false);
  assert.ok(resolveSettings({ file: { root: '/x', timeZone: 'Europe/Prague' } }).ok);
  assert.ok(resolveSettings({ file: { root: '/x', timeZone: '+02:00' } }).ok);
});
