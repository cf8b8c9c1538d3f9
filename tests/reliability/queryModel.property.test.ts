/**
 * Hostile input against the query model: whatever JSON a dashboard, an API client or an old saved
 * query holds, the validators answer with field errors instead of throwing, and every query built
 * only from valid parts is accepted. Seeded so a failure replays; the seed is printed by fast-check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ALL_FEATURES,
  COVARIANCE_TYPES,
  HOST_ROLES,
  MAX_FULL_COVARIANCE_VALUES,
  PROFILE_FEATURES,
  QUERY_TYPES,
  SCORE_METHODS,
  SCORE_OUTPUTS,
  migrateQuery,
  parseCidr,
  resolveSettings,
  validateFilter,
  validateProfileSpec,
  validateQuery,
  type FieldError,
} from '../../src/query/index.js';

const RUNS = 2000;
const SEED = 0x5eed7;
const params = { numRuns: RUNS, seed: SEED };

/** Keys the validators look at, so generated objects reach deep branches instead of only the top. */
const QUERY_KEYS = ['queryType', 'schemaVersion', 'windowSeconds', 'window', 'features', 'fillEmpty', 'filter', 'profile', 'profileId', 'method', 'scoreMethod', 'output', 'hosts', 'bucketSeconds', 'limit', 'role', 'referenceHost', 'srcCidr', 'dstCidr', 'protocol', '__proto__', 'constructor'];
const FILTER_KEYS = ['srcCidrs', 'dstCidrs', 'srcPorts', 'dstPorts', 'ports', 'protocols'];
const PROFILE_KEYS = ['hosts', 'from', 'to', 'features', 'window', 'states', 'covarianceType', 'seed', 'iterations', 'tol'];

/** What JSON.parse can produce (fast-check's jsonValue also makes null-prototype objects, which JSON never does). */
const asParsed = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<unknown> => a.map((v) => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as unknown)));

const nasty = fc.oneof(
  asParsed(fc.jsonValue()),
  fc.constantFrom('', ' ', 'NaN', '-1', '1e309', '0x10', '\u0000', '../../etc/passwd', "'; DROP TABLE flows; --", '10.0.0.0/33', '::/129', '[::1]:80', 'toString', '__proto__'),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 1e308, -1, 0.5, 2 ** 32),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const keyed = (keys: string[], value: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length });

const hostileFilter = asParsed(fc.oneof(nasty, keyed(FILTER_KEYS, fc.oneof(nasty, fc.array(nasty, { maxLength: 4 })))));
const hostileProfile = asParsed(fc.oneof(nasty, keyed(PROFILE_KEYS, fc.oneof(nasty, fc.array(fc.oneof(nasty, keyed(['name', 'bins'], nasty)), { maxLength: 4 })))));
// Parsed from JSON text the way the backend parses it, so `__proto__` arrives as an own key.
const hostileQuery = asParsed(fc.oneof(nasty, keyed(QUERY_KEYS, fc.oneof(nasty, hostileFilter, hostileProfile, fc.constantFrom(...QUERY_TYPES, 'scores')))));

function assertErrorsWellFormed(errors: readonly FieldError[], what: string): void {
  assert.ok(Array.isArray(errors), `${what}: errors must be a list`);
  for (const e of errors) {
    assert.equal(typeof e.field, 'string', `${what}: field must be a string`);
    assert.ok(e.field.length > 0, `${what}: field must name something`);
    assert.equal(typeof e.message, 'string', `${what}: message must be a string`);
    assert.ok(e.message.length > 0, `${what}: message must say something`);
  }
}

test('validateQuery never throws on arbitrary JSON and lists every refusal as field + message', () => {
  fc.assert(
    fc.property(hostileQuery, (input) => {
      const r = validateQuery(input);
      if (!r.ok) {
        assert.ok(r.errors.length > 0, 'a refusal must say why');
        assertErrorsWellFormed(r.errors, 'validateQuery');
      } else {
        assert.ok((QUERY_TYPES as readonly string[]).includes(r.query.queryType));
      }
    }),
    params,
  );
});

test('validateQuery accepts what it returned (validation is idempotent on accepted queries)', () => {
  fc.assert(
    fc.property(hostileQuery, (input) => {
      const r = validateQuery(input);
      if (!r.ok) return;
      const again = validateQuery(JSON.parse(JSON.stringify(r.query)) as unknown);
      assert.ok(again.ok, `re-validating an accepted query failed: ${JSON.stringify(again)}`);
    }),
    params,
  );
});

test('migrateQuery never throws, and a migrated query migrates to itself', () => {
  fc.assert(
    fc.property(hostileQuery, (input) => {
      if (typeof input !== 'object' || input === null) return;
      const once = migrateQuery(input as Record<string, unknown>);
      const twice = migrateQuery(structuredClone(once));
      assert.deepEqual(twice, once);
    }),
    params,
  );
});

test('validateFilter and validateProfileSpec never throw and name the offending field', () => {
  fc.assert(
    fc.property(hostileFilter, hostileProfile, (f, p) => {
      assertErrorsWellFormed(validateFilter(f), 'validateFilter');
      assertErrorsWellFormed(validateProfileSpec(p), 'validateProfileSpec');
    }),
    params,
  );
});

// Finding R1 (`clickhouse.table: null` threw a TypeError) is fixed; this guards it.
test('resolveSettings never throws on arbitrary jsonData and refuses with field + message', () => {
  const section = (keys: string[]): fc.Arbitrary<unknown> => fc.oneof(nasty, keyed(keys, nasty));
  const settings = asParsed(fc.oneof(
    nasty,
    fc.record(
      {
        store: fc.oneof(nasty, fc.constantFrom('file', 'clickhouse')),
        file: section(['root', 'format', 'timeZone']),
        clickhouse: fc.oneof(section(['url', 'user', 'database', 'table', 'preset', 'queryTimeoutSeconds', 'connectTimeoutSeconds']), fc.record({ columns: fc.oneof(nasty, keyed(['ts', 'src_ip', 'nope', '__proto__'], nasty)) })),
        limits: section(['maxRows', 'maxSpanSeconds', 'maxHosts']),
      },
      { requiredKeys: [] },
    ),
  ));
  fc.assert(
    fc.property(settings, (jsonData) => {
      const r = resolveSettings(jsonData);
      if (!r.ok) {
        assert.ok(r.errors.length > 0);
        assertErrorsWellFormed(r.errors, 'resolveSettings');
      } else {
        for (const k of ['maxRows', 'maxSpanSeconds', 'maxHosts'] as const) assert.ok(Number.isInteger(r.settings.limits[k]) && r.settings.limits[k] >= 1, `accepted limit ${k} must be a whole number ≥ 1`);
      }
    }),
    params,
  );
});

test('parseCidr never throws on arbitrary text and explains every refusal', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.ipV4().chain((a) => fc.tuple(fc.constant(a), fc.oneof(fc.constant(''), fc.integer({ min: -5, max: 200 }).map((n) => `/${n}`), fc.string({ maxLength: 5 }).map((s) => `/${s}`)))).map(([a, p]) => a + p),
    fc.ipV6().chain((a) => fc.tuple(fc.constant(a), fc.oneof(fc.constant(''), fc.integer({ min: -5, max: 200 }).map((n) => `/${n}`)))).map(([a, p]) => a + p),
    fc.ipV6().map((a) => `[${a}]:443`),
  );
  fc.assert(
    fc.property(text, (s) => {
      const r = parseCidr(s);
      if (r.ok) {
        assert.ok(r.value.prefix >= 0 && r.value.prefix <= (r.value.family === 4 ? 32 : 128));
        assert.equal(r.value.bytes.length, r.value.family === 4 ? 4 : 16);
        // The canonical text parses back to the same network.
        const back = parseCidr(r.value.text);
        assert.ok(back.ok && back.value.text === r.value.text);
      } else {
        assert.equal(typeof r.error, 'string');
        assert.ok(r.error.length > 0);
      }
    }),
    params,
  );
});

test('parseCidr accepts every generated address with every legal prefix', () => {
  fc.assert(
    fc.property(fc.oneof(fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })), fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }))), ([addr, prefix]) => {
      const r = parseCidr(`${addr}/${prefix}`);
      assert.ok(r.ok, `${addr}/${prefix} refused: ${r.ok ? '' : r.error}`);
      assert.equal(r.value.prefix, prefix);
    }),
    params,
  );
});

// Valid parts only: every combination must be accepted (a validator that refuses too much fails here).
const cidr = fc.oneof(fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })), fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }))).map(([a, p]) => `${a}/${p}`);
const port = fc.integer({ min: 0, max: 65535 });
const validFilter = fc.record(
  { srcCidrs: fc.array(cidr, { maxLength: 3 }), dstCidrs: fc.array(cidr, { maxLength: 3 }), srcPorts: fc.array(port, { maxLength: 3 }), dstPorts: fc.array(port, { maxLength: 3 }), ports: fc.array(port, { maxLength: 3 }), protocols: fc.array(fc.constantFrom('tcp', 'udp', 'icmp'), { maxLength: 3 }) },
  { requiredKeys: [] },
);
const profileFeature = fc.constantFrom(...(Object.keys(PROFILE_FEATURES) as (keyof typeof PROFILE_FEATURES)[])).chain((name) =>
  PROFILE_FEATURES[name] === 'numeric' ? fc.record({ name: fc.constant(name), bins: fc.integer({ min: 2, max: 100 }) }) : fc.constant({ name }),
);
const validProfile = fc.record(
  {
    hosts: fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { minLength: 1, maxLength: 3 }),
    features: fc.array(profileFeature, { minLength: 1, maxLength: 3 }),
    window: fc.integer({ min: 1, max: 1000 }),
    states: fc.integer({ min: 1, max: 64 }),
    covarianceType: fc.constantFrom(...COVARIANCE_TYPES),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    iterations: fc.integer({ min: 1, max: 1000 }),
    tol: fc.double({ min: 0, max: 10, noNaN: true }),
  },
  { requiredKeys: ['hosts'] },
).filter((p) => p.covarianceType !== 'full' || (p.states ?? 4) * (p.window ?? 10) ** 2 <= MAX_FULL_COVARIANCE_VALUES);
const validQuery = fc.oneof(
  fc.record({ queryType: fc.constant('features'), windowSeconds: fc.integer({ min: 1, max: 7 * 86400 }), features: fc.uniqueArray(fc.constantFrom(...ALL_FEATURES), { minLength: 1, maxLength: 8 }), filter: validFilter, fillEmpty: fc.boolean() }, { requiredKeys: ['queryType'] }),
  fc.record({ queryType: fc.constant('hostScores'), profile: validProfile, method: fc.constantFrom(...SCORE_METHODS), output: fc.constantFrom(...SCORE_OUTPUTS), hosts: fc.array(fc.ipV4(), { maxLength: 3 }), bucketSeconds: fc.integer({ min: 0, max: 86400 }), limit: fc.integer({ min: 1, max: 1_000_000 }), filter: validFilter }, { requiredKeys: ['queryType', 'profile'] }),
  fc.record({ queryType: fc.constant('profile'), profile: validProfile }),
  fc.record({ queryType: fc.constant('profile'), profileId: fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/) }),
  fc.record({ queryType: fc.constantFrom('flows', 'hosts'), limit: fc.integer({ min: 1, max: 1_000_000 }), filter: validFilter }, { requiredKeys: ['queryType'] }),
  fc.record({ queryType: fc.constant('hosts'), role: fc.constantFrom(...HOST_ROLES) }),
).map((q) => ({ ...q, schemaVersion: 1 }));

test('every query built from valid parts validates, keeps its type and survives a JSON round trip', () => {
  fc.assert(
    fc.property(validQuery, (q) => {
      const r = validateQuery(JSON.parse(JSON.stringify(q)) as unknown);
      assert.ok(r.ok, `valid query refused: ${JSON.stringify(q)} → ${JSON.stringify(r.ok ? null : r.errors)}`);
      assert.equal(r.query.queryType, q.queryType);
      const again = validateQuery(JSON.parse(JSON.stringify(r.query)) as unknown);
      assert.ok(again.ok);
      assert.deepEqual(again.query, r.query);
    }),
    params,
  );
});
