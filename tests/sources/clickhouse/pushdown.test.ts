/**
 * Push-down against a real server: the aggregates, describe() statistics and features computed in
 * ClickHouse equal the in-process engine's on the same generated flows, for the generic preset
 * (epoch Float64 and DateTime time columns; integer ms/µs/ns columns are in epoch.test.ts) and the
 * Akvorado preset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { aggregateWindows } from '../../../src/engine/features/aggregate.js';
import { CompiledFilter } from '../../../src/engine/filter/flowFilter.js';
import { describeCounts } from '../../../src/engine/quantile.js';
import type { FlowTable } from '../../../src/engine/flowTable.js';
import type { FlowFilter } from '../../../src/query/filter.js';
import { ALL_FEATURES, DEFAULT_FEATURES, DESCRIBE_STATS, SEED_FEATURES } from '../../../src/query/featureCatalog.js';
import { computeFeatures, FeaturePlan } from '../../../src/engine/features/compute.js';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import { distinctHosts } from '../../../src/backend/queries/hosts.js';
import { assertClose, assertSameAggregates, assertSameFeatures } from './compare.js';
import { GENERIC_DDL, generateRows, tableOfRows, type FlowRow } from './fixture.js';
import { adminClient, exec, PASSWORD, settingsFor, SKIP, testDatabase } from './server.js';

const START = 1_485_535_480; // 2017-01-27 16:44:40 UTC
const FILTERS: FlowFilter[] = [
  { srcCidrs: ['10.0.0.0/16'] },
  { dstCidrs: ['192.168.1.0/28', '2001:db8:1::/48'] },
  { srcCidrs: ['2001:db8::/32'] },
  { dstCidrs: ['172.16.0.0/12'] },
  { dstPorts: [443, 53] },
  { ports: [22] },
  { srcPorts: [1500, 1501, 1502, 2000] },
  { protocols: ['udp', 'icmp'] },
  { protocols: ['tcp'], dstCidrs: ['93.184.0.0/16'], dstPorts: [80, 8080] },
];

function reference(table: FlowTable, T: number, filter?: FlowFilter, from = -Infinity, to = Infinity) {
  const keep = new CompiledFilter(filter).keepMask(table) ?? new Uint8Array(table.length).fill(1);
  for (let i = 0; i < table.length; i++) if (!(table.ts[i]! >= from && table.ts[i]! < to)) keep[i] = 0;
  return aggregateWindows(table, T, { keep });
}

describe('ClickHouse push-down equals the in-process engine', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('pushdown');
  let rows: FlowRow[];
  let table: FlowTable;
  let intRows: FlowRow[];
  let intTable: FlowTable;
  const stores: ClickHouseStore[] = [];
  const store = (tableName: string, extra = {}): ClickHouseStore => {
    const s = new ClickHouseStore(settingsFor(db, tableName, extra), PASSWORD);
    stores.push(s);
    return s;
  };

  before(async () => {
    admin = adminClient();
    rows = generateRows(6000, START, 600);
    table = tableOfRows(rows);
    intRows = rows.map((r) => ({ ...r, ts: Math.floor(r.ts) }));
    intTable = tableOfRows(intRows);
    await exec(admin, `CREATE DATABASE ${db}`);
    await exec(admin, `CREATE TABLE ${db}.flows ${GENERIC_DDL} ENGINE = MergeTree ORDER BY ts`);
    await admin.insert({ table: `${db}.flows`, values: rows, format: 'JSONEachRow' });
    await exec(admin, `CREATE TABLE ${db}.flows_dt (ts DateTime, src_ip String, dst_ip String, src_port Nullable(UInt16), dst_port Nullable(UInt16), proto String, state Nullable(String), src_bytes Nullable(UInt64), dst_bytes Nullable(UInt64), label String) ENGINE = MergeTree ORDER BY ts`);
    await exec(admin, `INSERT INTO ${db}.flows_dt SELECT toDateTime(toUInt32(floor(ts))), src_ip, dst_ip, src_port, dst_port, proto, state, src_bytes, dst_bytes, label FROM ${db}.flows`);
    // Akvorado stores every address as 16 bytes (IPv4 mapped), protocol numbers, sampled counters
    await exec(admin, `CREATE TABLE ${db}.akvorado (TimeReceived DateTime, SamplingRate UInt64, SrcAddr FixedString(16), DstAddr FixedString(16), SrcPort UInt16, DstPort UInt16, Proto UInt32, Bytes UInt64, Packets UInt64) ENGINE = MergeTree ORDER BY TimeReceived`);
    const addr = (c: string): string => `if(IPv4NumToString(IPv4StringToNum(${c})) = ${c}, IPv4ToIPv6(IPv4StringToNum(${c})), IPv6StringToNum(${c}))`;
    await exec(admin, `INSERT INTO ${db}.akvorado SELECT toDateTime(toUInt32(floor(ts))), 1 + (src_port % 3), ${addr('src_ip')}, ${addr('dst_ip')}, src_port, dst_port, multiIf(proto = 'tcp', 6, proto = 'udp', 17, 1), ifNull(src_bytes, 0), 1 FROM ${db}.flows WHERE src_port IS NOT NULL AND src_ip NOT LIKE '%:%:%:%:%:%'`);
  });

  after(async () => {
    for (const s of stores) await s.close();
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  test('window aggregates and all features match for several window lengths', async () => {
    const s = store('flows');
    for (const T of [10, 7.5, 60]) {
      const got = await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: T });
      const want = reference(table, T);
      assert.ok(want.length >= 10, 'fixture spans many windows');
      assertSameAggregates(got, want, `T=${T}`);
      assertSameFeatures(got, want, `T=${T}`);
    }
  });

  test('an open range is closed at the rows\' extent and runs in runs; a window below the timestamps\' resolution keeps one branch', async () => {
    const sent: string[] = [];
    const s = new ClickHouseStore(settingsFor(db, 'flows'), PASSWORD, { onQuery: (q) => sent.push(q.text) });
    stores.push(s);
    const histograms = (): string[] => sent.filter((q) => q.startsWith('SELECT kind, w,'));
    assertSameAggregates(await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10 }), reference(table, 10), 'open range');
    assert.ok(sent.some((q) => q.startsWith('SELECT min(')), 'the extent was read');
    assert.match(histograms().at(-1)!, / UNION ALL /);
    const T = 1e-7;
    assertSameAggregates(await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: T }), reference(table, T), `open range, T=${T}`);
    assert.doesNotMatch(histograms().at(-1)!, / UNION ALL /);
    assert.match(histograms().at(-1)!, /GROUP BY w, gd, gs, gp\)/);
  });

  test('asked for some features, the server computes only their group sizes: same values, the rest omitted', async () => {
    const want = reference(table, 10);
    for (const names of [[...DEFAULT_FEATURES], [...SEED_FEATURES], ['dst_ip_per_dst_port_perc75', 'distinct_dst_port_per_src_ip_max', 'entries_per_flow_mean']]) {
      const plan = new FeaturePlan(names);
      const sent: string[] = [];
      const lean = new ClickHouseStore(settingsFor(db, 'flows'), PASSWORD, { onQuery: (q) => sent.push(q.text) });
      stores.push(lean);
      const got = await lean.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, multisets: plan.multisets });
      assert.deepEqual(computeFeatures(got, names), computeFeatures(want, names), names.join(','));
      // a bounded range (the roll-up in runs, with the packed key) reads the same subsets
      const ranged = await lean.windowAggregates({ from: START + 61, to: START + 533, windowSeconds: 10, multisets: plan.multisets });
      assert.deepEqual(computeFeatures(ranged, names), computeFeatures(reference(table, 10, undefined, START + 61, START + 533), names), `${names.join(',')} in a range`);
      for (const agg of got) for (const key of agg.omitted ?? []) assert.ok(!plan.multisets.has(key), `${key} is read by the features but omitted`);
      const other = ALL_FEATURES.find((n) => n.endsWith('_max') && !plan.multisets.has(n.slice(0, -4) as never));
      if (other) assert.throws(() => computeFeatures(got, [other]), /was not computed/);
      const histogram = sent.find((q) => q.startsWith('SELECT toUInt8(') || q.startsWith('SELECT kind, w,'));
      assert.ok(histogram, 'a histogram query was sent');
      // a single-key kind none of the features reads is not aggregated at all (a branch, or the roll-up's rows)
      if (![...plan.multisets].some((k) => k.endsWith('per_dst_port'))) assert.doesNotMatch(histogram, /toUInt8\(2\)( AS kind|, q1)/, 'no dst_port kind');
    }
  });

  test('filters (CIDR v4/v6, IPv4-mapped, ports, protocols) select the same flows', async () => {
    const s = store('flows');
    for (const filter of FILTERS) {
      const got = await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter });
      const want = reference(table, 10, filter);
      assert.ok(want.length > 0, `filter ${JSON.stringify(filter)} keeps some flows`);
      assertSameAggregates(got, want, JSON.stringify(filter));
    }
  });

  test('the time range keeps from <= ts < to, also for DateTime columns', async () => {
    const from = START + 123.4;
    const to = START + 400;
    const sent: string[] = [];
    const s = new ClickHouseStore(settingsFor(db, 'flows'), PASSWORD, { onQuery: (q) => sent.push(q.text) });
    stores.push(s);
    // a bounded range runs the roll-up as runs of whole windows; fractional windows test the cuts
    for (const T of [10, 0.7, 7.5]) {
      const got = await s.windowAggregates({ from, to, windowSeconds: T });
      assertSameAggregates(got, reference(table, T, undefined, from, to), `Float64 ts, T=${T}`);
      assertSameFeatures(got, reference(table, T, undefined, from, to), `Float64 ts, T=${T}`);
    }
    assert.ok(sent.some((q) => q.startsWith('SELECT kind, w,') && q.includes(' UNION ALL ')), 'the roll-up ran in runs');
    const gotDt = await store('flows_dt').windowAggregates({ from, to, windowSeconds: 10 });
    assertSameAggregates(gotDt, reference(intTable, 10, undefined, from, to), 'DateTime ts');
    assertSameFeatures(gotDt, reference(intTable, 10, undefined, from, to), 'DateTime ts');
  });

  test('describe() push-down (exact linear quantiles) equals describe() of the in-process multisets', async () => {
    const s = store('flows');
    for (const T of [10, 120]) {
      const got = await s.windowSummaries({ from: -Infinity, to: Infinity, windowSeconds: T, filter: T === 120 ? { protocols: ['tcp'] } : undefined });
      const want = reference(table, T, T === 120 ? { protocols: ['tcp'] } : undefined);
      assert.deepEqual(got.map((g) => g.start), want.map((w) => w.start));
      want.forEach((w, k) => {
        const g = got[k]!;
        assert.equal(g.countConns, w.countConns);
        assert.equal(g.countFlows, w.countFlows);
        for (const [key, values] of [...Object.entries(w.rowsPer), ...Object.entries(w.distinctPer)]) {
          const d = describeCounts(values);
          const gd = g.describe[key as keyof typeof g.describe];
          for (const stat of DESCRIBE_STATS) assertClose(gd ? gd[stat] : NaN, d[stat], `T=${T} ${w.start} ${key}_${stat}`);
        }
      });
    }
  });

  test('raw flows come back as the same table (time order, protocol names, missing values)', async () => {
    const got = await store('flows').flows({ from: -Infinity, to: Infinity });
    assert.equal(got.length, rows.length);
    const key = (t: FlowTable, i: number): string =>
      [t.ts[i], t.dicts.ip.value(t.srcIp[i]!), t.dicts.ip.value(t.dstIp[i]!), t.srcPort[i], t.dstPort[i], t.dicts.proto.value(t.proto[i]!), t.state![i]! < 0 ? null : t.dicts.state.value(t.state![i]!), t.srcBytes![i], t.dstBytes![i], t.dicts.label.value(t.label![i]!)].join('|');
    const want = Array.from({ length: table.length }, (_, i) => key(table, i)).sort();
    const have = Array.from({ length: got.length }, (_, i) => key(got, i));
    for (let i = 1; i < got.length; i++) assert.ok(got.ts[i]! >= got.ts[i - 1]!, 'time order');
    assert.deepEqual([...have].sort(), want);
    const limited = await store('flows').flows({ from: -Infinity, to: Infinity, limit: 10, filter: { protocols: ['icmp'] } });
    assert.equal(limited.length, 10);
    for (let i = 0; i < 10; i++) assert.equal(limited.dicts.proto.value(limited.proto[i]!), 'icmp');
    // newest first: the last 10 of the range, from the latest down
    const newest = await store('flows').flows({ from: -Infinity, to: Infinity, limit: 10, newest: true });
    const latest = [...table.ts].sort((a, b) => b - a).slice(0, 10);
    assert.deepEqual([...newest.ts], latest);
  });

  test('host flows are each host\'s source flows in time order; hosts are ranked by flow count', async () => {
    const s = store('flows');
    const hosts = ['10.0.0.1', '2001:db8::6', '00:11:22:33:44:55'];
    const got = await s.hostFlows({ hosts, from: START, to: START + 300 });
    for (const h of hosts) {
      const want = rows.filter((r) => r.src_ip === h && r.ts >= START && r.ts < START + 300).map((r) => r.ts).sort((a, b) => a - b);
      const have: number[] = [];
      for (let i = 0; i < got.length; i++) if (got.dicts.ip.value(got.srcIp[i]!) === h) have.push(got.ts[i]!);
      assert.ok(want.length > 0, `${h} has flows`);
      assert.deepEqual(have, want, h);
    }
    const counts = new Map<string, number>();
    for (const r of rows) for (const a of [r.src_ip, r.dst_ip]) counts.set(a, (counts.get(a) ?? 0) + 1);
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([h]) => h);
    assert.deepEqual(await s.hosts({ from: -Infinity, to: Infinity, limit: 15 }), ranked.slice(0, 15));
    const srcCounts = new Map<string, number>();
    for (const r of rows) if (r.dst_port === 443) srcCounts.set(r.src_ip, (srcCounts.get(r.src_ip) ?? 0) + 1);
    const srcRanked = [...srcCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([h]) => h);
    assert.deepEqual(await s.hosts({ from: -Infinity, to: Infinity, limit: 1000, role: 'src', filter: { dstPorts: [443] } }), srcRanked);
  });

  test('hosts equal the file-store path (distinctHosts on the same flows) for every role, filter and range', async () => {
    const s = store('flows');
    const roles = [['src', 'src'], ['dst', 'dst'], ['both', 'any']] as const;
    const filters: (FlowFilter | undefined)[] = [undefined, { dstPorts: [443] }, { srcCidrs: ['2001:db8::/32'] }, { protocols: ['udp'] }, { dstCidrs: ['172.16.0.0/12'] }];
    for (const [from, to] of [[-Infinity, Infinity], [START + 100.5, START + 300]] as const) {
      const inRange = tableOfRows(rows.filter((r) => r.ts >= from && r.ts < to));
      for (const filter of filters) {
        const flows = new CompiledFilter(filter).apply(inRange);
        for (const [role, fileRole] of roles) {
          const want = distinctHosts(flows, fileRole, 25).hosts;
          assert.ok(want.length > 0, `${role} ${JSON.stringify(filter)} has hosts`);
          assert.deepEqual(await s.hosts({ from, to, limit: 25, role, filter }), want, `${role} ${JSON.stringify(filter)} [${from}, ${to})`);
        }
      }
    }
  });

  test('Akvorado preset: IPv4-mapped addresses print as IPv4, bytes are scaled by the sampling rate, features match', async () => {
    const s = new ClickHouseStore(settingsFor(db, 'akvorado', { preset: 'akvorado' }), PASSWORD);
    stores.push(s);
    const pulled = await s.flows({ from: -Infinity, to: Infinity });
    const src = rows.filter((r) => r.src_port !== null && !/^([0-9a-f]{2}:){5}/.test(r.src_ip));
    assert.equal(pulled.length, src.length);
    const addrs = new Set(pulled.dicts.ip.values);
    assert.ok(addrs.has('10.0.0.1') && addrs.has('172.16.0.9') && addrs.has('2001:db8::6'), [...addrs].slice(0, 8).join(','));
    const bytes = src.reduce((sum, r) => sum + (r.src_bytes ?? 0) * (1 + (r.src_port! % 3)), 0);
    assert.equal(pulled.bytes!.reduce((a, b) => a + b, 0), bytes);
    const got = await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { dstCidrs: ['172.16.0.0/12', '192.168.0.0/16'] } });
    const want = aggregateWindows(pulled, 10, { keep: new CompiledFilter({ dstCidrs: ['172.16.0.0/12', '192.168.0.0/16'] }).keepMask(pulled) });
    assertSameAggregates(got, want, 'akvorado');
    assertSameFeatures(got, want, 'akvorado');
  });
});
