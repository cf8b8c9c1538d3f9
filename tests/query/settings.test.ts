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

test('limits default to generous bounds, take whole numbers above 0 and name the field they refuse', () => {
  const ok = resolveSettings({ file: { root: '/x' }, limits: { maxBytes: 5 * 2 ** 30 } });
  assert.ok(ok.ok);
  if (ok.ok) {
    assert.equal(ok.settings.limits.maxBytes, 5 * 2 ** 30);
    assert.equal(ok.settings.limits.maxRows, 50_000_000);
  }
  for (const bad of [0, -1, 1.5, '10GB']) {
    const r = resolveSettings({ file: { root: '/x' }, limits: { maxBytes: bad } });
    assert.equal(r.ok, false, `maxBytes ${String(bad)}`);
    if (!r.ok) assert.deepEqual(r.errors.map((e) => e.field), ['limits.maxBytes']);
  }
});
