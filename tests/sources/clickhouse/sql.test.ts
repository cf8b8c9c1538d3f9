/**
 * SQL generation without a server: schema resolution per preset, and the dialect chosen per
 * server version (18.16: literals only, no modern functions; modern: every value a parameter).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { histogramSql, totalsSql } from '../../../src/sources/clickhouse/aggregateSql.js';
import { Binder } from '../../../src/sources/clickhouse/binder.js';
import { capabilitiesOf } from '../../../src/sources/clickhouse/capabilities.js';
import { describeSql } from '../../../src/sources/clickhouse/describeSql.js';
import { cidrBounds } from '../../../src/sources/clickhouse/filterSql.js';
import { resolveSchema, type TableSchema } from '../../../src/sources/clickhouse/schema.js';
import type { QueryContext } from '../../../src/sources/clickhouse/scope.js';
import { parseCidr } from '../../../src/query/ip.js';
import { DEFAULT_FEATURES, SEED_FEATURES } from '../../../src/query/featureCatalog.js';
import { FeaturePlan } from '../../../src/engine/features/compute.js';

const AKVORADO = new Map([
  ['TimeReceived', 'DateTime'],
  ['SamplingRate', 'UInt64'],
  ['SrcAddr', 'IPv6'],
  ['DstAddr', 'IPv6'],
  ['SrcPort', 'UInt16'],
  ['DstPort', 'UInt16'],
  ['Proto', 'UInt32'],
  ['Bytes', 'UInt64'],
  ['Packets', 'UInt64'],
  ['ExporterName', 'LowCardinality(String)'],
]);
const GOFLOW2 = new Map([
  ['time_received_ns', 'DateTime64(9)'],
  ['sampling_rate', 'UInt64'],
  ['src_addr', 'FixedString(16)'],
  ['dst_addr', 'FixedString(16)'],
  ['etype', 'UInt32'],
  ['proto', 'UInt32'],
  ['src_port', 'UInt32'],
  ['dst_port', 'UInt32'],
  ['bytes', 'UInt64'],
  ['packets', 'UInt64'],
]);
const GENERIC = new Map([
  ['ts', 'Float64'],
  ['src_ip', 'String'],
  ['dst_ip', 'LowCardinality(String)'],
  ['src_port', 'Nullable(UInt16)'],
  ['dst_port', 'Nullable(UInt16)'],
  ['proto', 'String'],
  ['state', "Enum8('closed' = 1, 'established' = 2)"],
  ['src_bytes', 'Nullable(UInt64)'],
  ['dst_bytes', 'UInt64'],
]);

function schemaOf(columns: Map<string, string>, preset: 'akvorado' | 'goflow2' | 'generic', overrides = {}): TableSchema {
  const r = resolveSchema(columns, preset, overrides, 'table t');
  if (!r.ok) assert.fail(r.problems.join(' '));
  return r.schema;
}

describe('schema resolution', () => {
  test('Akvorado: DateTime time, IPv6 addresses with the IPv4-mapped layout, bytes scaled by SamplingRate, no state', () => {
    const s = schemaOf(AKVORADO, 'akvorado');
    assert.deepEqual([s.ts.time, s.srcIp.address, s.ipv4Layout], [{ kind: 'datetime' }, 'ipv6', { kind: 'mapped' }]);
    assert.equal(s.bytes!.scaleBy, 'SamplingRate');
    assert.equal(s.state, null);
    assert.equal(s.proto!.value, 'number');
  });

  test('goflow2: DateTime64(9) time and 16-byte addresses with IPv4 in the leading bytes when etype is 0x0800', () => {
    const s = schemaOf(GOFLOW2, 'goflow2');
    assert.deepEqual(s.ts.time, { kind: 'datetime64', scale: 9 });
    assert.deepEqual(s.ipv4Layout, { kind: 'leading', etypeColumn: 'etype' });
    assert.equal(s.srcIp.address, 'fixed16');
  });

  test('generic: Nullable ports, LowCardinality and Enum columns; epoch units from the column name', () => {
    const s = schemaOf(GENERIC, 'generic');
    assert.equal(s.srcPort!.nullable, true);
    assert.equal(s.dstIp.address, 'string');
    assert.equal(s.state!.value, 'text');
    assert.equal(s.bytes, null, 'absent optional columns are simply absent');
    const ms = schemaOf(new Map([...GENERIC, ['ts_ms', 'UInt64']]), 'generic', { ts: 'ts_ms' });
    assert.deepEqual(ms.ts.time, { kind: 'epoch', divisor: 1000 });
  });

  test('problems name the column, the role and what it must be', () => {
    const r = resolveSchema(new Map([['ts', 'Nullable(DateTime)'], ['src_ip', 'Array(String)']]), 'generic', {}, 'table db.t');
    assert.equal(r.ok, false);
    const text = r.ok ? '' : r.problems.join('\n');
    assert.match(text, /Column 'ts' \(ts\) in table db\.t has type Nullable\(DateTime\), but ts must be DateTime/);
    assert.match(text, /Column 'src_ip' \(src_ip\) .* has type Array\(String\)/);
    assert.match(text, /Column 'dst_ip' \(dst_ip\) is missing from table db\.t/);
  });
});

describe('dialect per server version', () => {
  const filter = { srcCidrs: ['10.0.0.0/8', '2001:db8::/32'], dstPorts: [53], protocols: ['udp'] };
  const build = (version: string, columns: Map<string, string>, preset: 'akvorado' | 'goflow2' | 'generic') => {
    const ctx: QueryContext = { ref: { database: 'db', table: 't' }, schema: schemaOf(columns, preset), caps: capabilitiesOf(version) };
    const b = new Binder(ctx.caps.queryParams);
    const scope = { from: 1_000_000, to: 1_003_600.5, filter };
    const text = [totalsSql(ctx, scope, 10, b), histogramSql(ctx, scope, 10, b), describeSql(ctx, 'conn', scope, 10, b)!].join('\n');
    return { text, params: b.params };
  };

  test('18.16: values are literals, and no function or syntax newer than 18.16 appears', () => {
    const { text, params } = build('18.16.1', GENERIC, 'generic');
    assert.deepEqual(params, {});
    assert.doesNotMatch(text, /\{p\d+:|toStartOfInterval|quantileExactInclusive|OrNull|OrDefault|toDateTime64|isIPv4String|\bWITH\b/);
    assert.match(text, /`dst_port` IN \(53\)/);
    assert.match(text, /arraySort\(groupArray\(/);
    assert.match(text, /toFloat64\(1003600\.5\)/);
  });

  test('modern servers: every value is a parameter, quantiles by quantileExactInclusive', () => {
    const { text, params } = build('24.8.4.13', GENERIC, 'generic');
    // the protocol-number-to-name table of protocolText is the code's own constant, not a value
    const valuesText = text.replace(/\[(?:'[^']*'(?:, )?)+\]/g, '[…]');
    assert.doesNotMatch(valuesText, /1003600\.5|'udp'|unhex\('(?!0{32}')/, 'only the all-zero address constant is written inline');
    assert.ok(Object.values(params).includes(1003600.5) && Object.values(params).includes('udp'));
    assert.match(text, /quantileExactInclusive\(0\.9\)/);
  });

  test('a modern goflow2 table reads DateTime64 through toUnixTimestamp64Nano', () => {
    assert.match(build('23.3.1', GOFLOW2, 'goflow2').text, /toUnixTimestamp64Nano\(`time_received_ns`\)/);
  });
});

test('CIDR bounds: IPv4 networks as their IPv4-mapped range, IPv6 as is', () => {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const v4 = cidrBounds((parseCidr('10.1.0.0/16') as { ok: true; value: never }).value);
  assert.equal(hex(v4.lo), '00000000000000000000ffff0a010000');
  assert.equal(hex(v4.hi), '00000000000000000000ffff0a01ffff');
  const v6 = cidrBounds((parseCidr('2001:db8::/33') as { ok: true; value: never }).value);
  assert.equal(hex(v6.lo), '20010db8000000000000000000000000');
  assert.equal(hex(v6.hi), '20010db87fffffffffffffffffffffff');
});

describe('one-scan roll-up of the address and port histograms', () => {
  const sqlFor = (columns: Map<string, string>, preset: 'akvorado' | 'generic', features: readonly string[] | null): string => {
    const ctx: QueryContext = { ref: { database: 'db', table: 't' }, schema: schemaOf(columns, preset), caps: capabilitiesOf('18.16.1') };
    const wanted = features === null ? undefined : new FeaturePlan(features).multisets;
    return histogramSql(ctx, { from: 0, to: 3600 }, 10, new Binder(false), wanted);
  };
  const rolled = /arrayReduce\('sumMap'/;

  test('is used when distinct counts are read from text addresses', () => {
    assert.match(sqlFor(GENERIC, 'generic', null), rolled);
    assert.match(sqlFor(GENERIC, 'generic', ['distinct_src_ip_per_dst_ip_perc50']), rolled);
  });

  test('is used for the seed features, which read four kinds without distinct counts', () => {
    assert.match(sqlFor(GENERIC, 'generic', SEED_FEATURES), rolled);
  });

  test('is not used when only the connection kind is read: one plain GROUP BY', () => {
    const sql = sqlFor(GENERIC, 'generic', DEFAULT_FEATURES);
    assert.doesNotMatch(sql, rolled);
    assert.match(sql, /^SELECT toUInt8\(3\) AS kind/);
  });

  test('over a bounded range runs as two UNION ALL runs of whole windows keyed by packed window and port, unbounded as one', () => {
    const ctx: QueryContext = { ref: { database: 'db', table: 't' }, schema: schemaOf(GENERIC, 'generic'), caps: capabilitiesOf('18.16.1') };
    const bounded = histogramSql(ctx, { from: 0, to: 3600 }, 10, new Binder(false));
    assert.equal(bounded.split(' UNION ALL ').length, 2);
    assert.match(bounded, /AND w < toFloat64\(180\) .* AND w >= toFloat64\(180\) /);
    const unbounded = histogramSql(ctx, { from: -Infinity, to: Infinity }, 10, new Binder(false));
    assert.equal(unbounded.split(' UNION ALL ').length, 1);
    // window and port share one key where the run's first window is known
    assert.equal(bounded.match(/GROUP BY wp, gd, gs\)/g)?.length, 2);
    assert.match(unbounded, /GROUP BY w, gd, gs, gp\)/);
  });

  test('is not used for 16-byte addresses, which the per-kind branches group unhashed', () => {
    assert.doesNotMatch(sqlFor(AKVORADO, 'akvorado', null), rolled);
  });
});

describe('flows in the totals scan', () => {
  const ctxOf = (columns: Map<string, string>, preset: 'akvorado' | 'generic'): QueryContext => ({ ref: { database: 'db', table: 't' }, schema: schemaOf(columns, preset), caps: capabilitiesOf('18.16.1') });

  test('windowAggregates totals number the 5-tuples of nullable ports only where both ports are set', () => {
    const sql = totalsSql(ctxOf(GENERIC, 'generic'), { from: 0, to: 3600 }, 10, new Binder(false), new Set(), true);
    assert.match(sql, /groupArrayIf\(cityHash64\(lower\(`dst_ip`\), lower\(`src_ip`\), assumeNotNull\(`dst_port`\), assumeNotNull\(`src_port`\), transform\(replaceRegexpOne\(lower\(`proto`\), .*?\), \[.*?\], \[.*?\], replaceRegexpOne\(lower\(`proto`\), .*?\)\)\), isNotNull\(`dst_port`\) AND isNotNull\(`src_port`\)\)/);
    assert.match(sql, /\.1\) AS fj, arrayConcat\(\[toUInt64\(length\(fo\) - length\(fr\)\)\], fh\.2\) AS fn /);
  });

  test('a table without a part of the 5-tuple gets no flow columns, and the histogram query no flow kind', () => {
    const ctx = ctxOf(GENERIC, 'generic');
    const noProto: QueryContext = { ...ctx, schema: { ...ctx.schema, proto: null } };
    assert.doesNotMatch(totalsSql(noProto, { from: 0, to: 3600 }, 10, new Binder(false), new Set(), true), /AS fj/);
    assert.doesNotMatch(histogramSql(ctx, { from: 0, to: 3600 }, 10, new Binder(false)), /toUInt8\(4\)/);
  });
});
