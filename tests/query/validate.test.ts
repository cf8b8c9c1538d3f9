import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultQuery, describeErrors, migrateQuery, parseFilterArgs, QUERY_TYPES, validateQuery } from '../../src/query/index.js';

test('the default query of every type is valid', () => {
  for (const t of QUERY_TYPES) {
    const q = defaultQuery(t);
    if (t === 'hostScores' || t === 'profile') (q as { profile: { hosts: string[] } }).profile.hosts = ['10.0.0.1'];
    const r = validateQuery(q);
    assert.ok(r.ok, `${t}: ${r.ok ? '' : describeErrors(r.errors)}`);
  }
});

test('absent fields take defaults and a features query keeps the features asked for', () => {
  const r = validateQuery({ queryType: 'features', schemaVersion: 1, features: ['count_src_ip', 'num_entries'] });
  assert.ok(r.ok);
  assert.equal(r.query.queryType, 'features');
  if (r.query.queryType === 'features') {
    assert.equal(r.query.windowSeconds, 10);
    assert.deepEqual(r.query.features, ['count_src_ip', 'num_entries']);
  }
});

test('invalid queries list every problem with the field it concerns', () => {
  const r = validateQuery({ queryType: 'features', schemaVersion: 1, windowSeconds: -5, features: ['nope'], filter: { srcCidrs: ['10.0.0.0/40'], dstPorts: [70000] } });
  assert.equal(r.ok, false);
  const fields = r.ok ? [] : r.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['features', 'filter.dstPorts[0]', 'filter.srcCidrs[0]', 'windowSeconds']);
  assert.match(r.ok ? '' : describeErrors(r.errors), /Unknown feature "nope"/);
});

test('unknown query types and non-objects are refused', () => {
  assert.equal(validateQuery('features').ok, false);
  const r = validateQuery({ queryType: 'graph', schemaVersion: 1 });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.errors[0]!.message, /choose one of features, hostScores/);
});

test('host scores need a reference host unless an imported profile is named', () => {
  const noHost = validateQuery({ queryType: 'hostScores', schemaVersion: 1 });
  assert.equal(noHost.ok, false);
  assert.equal(noHost.ok ? '' : noHost.errors[0]!.field, 'profile.hosts');
  assert.ok(validateQuery({ queryType: 'hostScores', schemaVersion: 1, profileId: 'bot-47' }).ok);
  assert.equal(validateQuery({ queryType: 'hostScores', schemaVersion: 1, profileId: '../x' }).ok, false);
});

test('schema-0 saved queries migrate to the current model', () => {
  const old = { refId: 'A', window: '1m', features: 'num_entries, count_dst_port', srcCidr: '10.0.0.0/8,192.168.0.0/16', protocol: 'TCP' };
  const r = validateQuery(old);
  assert.ok(r.ok, r.ok ? '' : describeErrors(r.errors));
  assert.deepEqual(r.query, {
    refId: 'A',
    queryType: 'features',
    schemaVersion: 1,
    windowSeconds: 60,
    features: ['num_entries', 'count_dst_port'],
    filter: { srcCidrs: ['10.0.0.0/8', '192.168.0.0/16'], protocols: ['tcp'] },
    fillEmpty: false,
  });
  const scores = migrateQuery({ queryType: 'scores', referenceHost: '147.32.84.165', scoreMethod: 'viterbi' });
  assert.deepEqual(scores, { queryType: 'hostScores', profile: { hosts: ['147.32.84.165'] }, method: 'viterbi', schemaVersion: 1 });
  const current = { queryType: 'flows', schemaVersion: 1, limit: 5, filter: {} };
  assert.equal(migrateQuery(current), current, 'a current query is returned as is');
});

test('CLI filter arguments accumulate per key and reject unknown keys', () => {
  assert.deepEqual(parseFilterArgs(['src=10.0.0.0/8', 'dport=443,53', 'proto=UDP', 'src=2001:db8::/32']), {
    srcCidrs: ['10.0.0.0/8', '2001:db8::/32'],
    dstPorts: [53, 443],
    protocols: ['udp'],
  });
  assert.throws(() => parseFilterArgs(['host=1.2.3.4']), /key one of src, dst, sport, dport, port, proto/);
  assert.throws(() => parseFilterArgs(['dport=http']), /not a port/);
});

test('a training range is checked where it is written: numbers, milliseconds, and an end before the start', () => {
  const errorsOf = (profile: Record<string, unknown>): Record<string, string> => {
    const r = validateQuery({ queryType: 'hostScores', schemaVersion: 1, profile: { hosts: ['10.0.0.1'], ...profile } });
    return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.field, e.message]));
  };
  assert.match(errorsOf({ from: 1313488800 })['profile.from']!, /is a number: write it as text, "1313488800"/);
  assert.match(errorsOf({ from: '1313488800000' })['profile.from']!, /looks like epoch milliseconds: give epoch seconds \(1313488800\)/);
  assert.match(errorsOf({ from: '2011-08-16T11:00:00Z', to: '2011-08-16T10:00:00Z' })['profile.to']!, /ends before it starts/);
  assert.deepEqual(errorsOf({ from: '1313488800', to: '2011-08-16T10:10:00Z' }), {});
});

test('host score hosts are addresses, one per entry; a dashboard variable is left to the front end', () => {
  const errorsOf = (hosts: unknown[]): string[] => {
    const r = validateQuery({ queryType: 'hostScores', schemaVersion: 1, profileId: 'bot-47', hosts });
    return r.ok ? [] : r.errors.map((e) => `${e.field}: ${e.message}`);
  };
  assert.deepEqual(errorsOf(['10.0.0.1', '2001:db8::1', '$host', '${hosts}']), []);
  assert.deepEqual(errorsOf(['10.0.0.1,10.0.0.2']), ["hosts: '10.0.0.1,10.0.0.2' is not an address: list IP (or MAC) addresses, one per entry."]);
});

test('a mistyped profile setting is refused with the nearest name, not ignored for the default', () => {
  const r = validateQuery({ queryType: 'hostScores', schemaVersion: 1, profile: { hosts: ['10.0.0.1'], window_size: 20, state: 3 } });
  assert.equal(r.ok, false);
  const messages = r.ok ? [] : r.errors.map((e) => `${e.field}: ${e.message}`);
  assert.match(messages[0]!, /^profile\.window_size: Unknown profile setting 'window_size' \(did you mean window\?\): the settings are hosts, from, to, features, window, states, covarianceType, seed, iterations, tol\.$/);
  assert.match(messages[1]!, /^profile\.state: Unknown profile setting 'state' \(did you mean states\?\)/);
});

test('problems past the first 20 are counted, across the filter and the query, in one closing line', () => {
  const r = validateQuery({ queryType: 'flows', limit: 0, filter: { dstPorts: Array.from({ length: 1000 }, () => -1) } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.errors.length, 21);
  // 1000 bad ports and the limit: 1001 problems, 20 listed
  assert.match(r.errors[20]!.message, /^…and 981 more problems/);
});
