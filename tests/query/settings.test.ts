import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings, type SettingsResult } from '../../src/query/settings.js';

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
  assert.ok(resolveSettings({ file: { root: '/x', timeZone: '-09:30' } }).ok);
  // offsets past a day, or minutes past the hour, are typos the reader would also refuse
  assert.equal(resolveSettings({ file: { root: '/x', timeZone: '+25:00' } }).ok, false);
  assert.equal(resolveSettings({ file: { root: '/x', timeZone: '+02:60' } }).ok, false);
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

describe('file.columns (generic CSV header columns per role)', () => {
  const csv = (columns: unknown): SettingsResult => resolveSettings({ file: { root: '/x', format: 'csv', columns } });
  const fields = (r: SettingsResult): string[] => (r.ok ? [] : r.errors.map((e) => e.field));
  const messages = (r: SettingsResult): string => (r.ok ? '' : r.errors.map((e) => e.message).join('\n'));

  test('defaults to no map, so formats other than csv need none', () => {
    const r = resolveSettings({ file: { root: '/x' } });
    assert.ok(r.ok);
    assert.deepEqual(r.ok && r.settings.file.columns, {});
  });

  test('csv with ts, src_ip and dst_ip mapped resolves, header names kept as text with blanks around them trimmed', () => {
    const r = csv({ ts: ' Start Time ', src_ip: 'Src Addr (v4)', dst_ip: 'dst-addr;"x"', bytes: 'Größe' });
    assert.ok(r.ok, messages(r));
    assert.deepEqual(r.ok && r.settings.file.columns, { ts: 'Start Time', src_ip: 'Src Addr (v4)', dst_ip: 'dst-addr;"x"', bytes: 'Größe' });
  });

  test('csv without a map asks for ts, src_ip and dst_ip, each on its own field', () => {
    const r = csv(undefined);
    assert.deepEqual(fields(r), ['file.columns.ts', 'file.columns.src_ip', 'file.columns.dst_ip']);
    assert.match(messages(r), /Generic CSV needs ts: name the header column that holds the flow start time\./);
  });

  test('csv names only the required roles that are missing', () => {
    const r = csv({ ts: 'when', bytes: 'octets' });
    assert.deepEqual(fields(r), ['file.columns.src_ip', 'file.columns.dst_ip']);
    assert.match(messages(r), /needs src_ip.*source address/);
    assert.match(messages(r), /needs dst_ip.*destination address/);
  });

  test('an unknown role is refused with the known roles listed', () => {
    const r = csv({ ts: 'when', src_ip: 'from', dst_ip: 'to', srcPort: 'sp' });
    assert.deepEqual(fields(r), ['file.columns.srcPort']);
    assert.equal(messages(r), "Unknown column role 'srcPort': use one of ts, src_ip, dst_ip, src_port, dst_port, proto, state, bytes, packets, src_bytes, dst_bytes, duration, label.");
  });

  test('an empty, blank or non-text column name is refused on its role', () => {
    for (const bad of ['', '   ']) {
      const r = csv({ ts: 'when', src_ip: bad, dst_ip: 'to' });
      assert.deepEqual(fields(r), ['file.columns.src_ip'], JSON.stringify(bad));
      assert.equal(messages(r), 'The header column for src_ip is empty: name it, or leave src_ip out.');
    }
    for (const bad of [null, 7, ['sa']]) {
      const r = csv({ ts: 'when', src_ip: 'from', dst_ip: bad });
      assert.deepEqual(fields(r), ['file.columns.dst_ip'], JSON.stringify(bad));
      assert.equal(messages(r), 'The header column for dst_ip must be text, e.g. "start_time".');
    }
  });

  test('one column given for two roles is refused on the second, also when only its case differs', () => {
    const same = csv({ ts: 'when', src_ip: 'addr', dst_ip: 'addr' });
    assert.deepEqual(fields(same), ['file.columns.dst_ip']);
    assert.equal(messages(same), "Column 'addr' is already given for src_ip; each role needs its own column.");
    // The reader matches header names ignoring case, so these would read one column twice.
    assert.deepEqual(fields(csv({ ts: 'when', src_ip: 'Addr', dst_ip: 'to', label: 'ADDR ' })), ['file.columns.label']);
  });

  test('a map that is not an object of role → column is refused as a whole', () => {
    for (const bad of ['ts=when', ['when'], null]) {
      const r = csv(bad);
      assert.deepEqual(fields(r), ['file.columns'], JSON.stringify(bad));
    }
  });

  test('a map left in the settings of another format is ignored, not checked and not passed on', () => {
    for (const format of ['auto', 'seed', 'nfdump']) {
      const r = resolveSettings({ file: { root: '/x', format, columns: { ts: '', source: 'sa' } } });
      assert.ok(r.ok, `${format}: ${messages(r)}`);
      assert.deepEqual(r.ok && r.settings.file.columns, {});
    }
  });

  test('a ClickHouse store does not check the file column map (the editor hides the file section)', () => {
    const r = resolveSettings({ store: 'clickhouse', clickhouse: { url: 'http://ch:8123' }, file: { format: 'csv', columns: { ts: '' } } });
    assert.ok(r.ok, messages(r));
  });
});

test('the file root is trimmed and must be absolute (a relative one would depend on Grafana\'s working folder)', () => {
  const r = resolveSettings({ file: { root: ' /var/lib/flows ' } });
  assert.ok(r.ok);
  assert.equal(r.ok && r.settings.file.root, '/var/lib/flows');
  const relative = resolveSettings({ file: { root: 'flows' } });
  assert.equal(relative.ok, false);
  assert.match(relative.ok ? '' : relative.errors[0]!.message, /must be an absolute path, such as \/var\/lib\/flowlens\/flows \(got 'flows'\)/);
});
