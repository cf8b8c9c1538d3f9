/**
 * Integer epoch time columns (milli-, micro- and nanoseconds) against a real server: push-down
 * aggregates, features, describe() and raw flows equal the in-process engine on the same flows.
 * Covers goflow2's Kafka-side `time_received_ns UInt64` and time columns chosen by a column
 * override on the generic preset.
 *
 * The engine's seconds for an integer time are the integer as a double divided by 10^k, as the
 * file store reads epoch numbers (parseEpoch in src/sources/file/time.ts); nanoseconds above 2^53
 * round there, so some rows sit a few hundred ns before a window boundary to pin that rounding.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { aggregateWindows } from '../../../src/engine/features/aggregate.js';
import { CompiledFilter } from '../../../src/engine/filter/flowFilter.js';
import { createDictionaries, FlowTableBuilder, NO_PORT, type FlowTable } from '../../../src/engine/flowTable.js';
import { describeCounts } from '../../../src/engine/quantile.js';
import { DESCRIBE_STATS } from '../../../src/query/featureCatalog.js';
import type { FlowFilter } from '../../../src/query/filter.js';
import type { ClickHouseSettings } from '../../../src/query/settings.js';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import { assertClose, assertSameAggregates, assertSameFeatures } from './compare.js';
import { generateRows, tableOfRows, type FlowRow } from './fixture.js';
import { adminClient, exec, PASSWORD, settingsFor, SKIP, testDatabase } from './server.js';

const START = 1_485_535_480; // a multiple of 10 and of 7.5 s
const FILTERS: (FlowFilter | undefined)[] = [undefined, { srcCidrs: ['10.0.0.0/16'] }, { dstCidrs: ['192.168.1.0/28', '2001:db8:1::/48'] }, { dstPorts: [443, 53] }, { protocols: ['udp', 'icmp'] }];

type Unit = 'ms' | 'us' | 'ns';
const PER_SECOND: Record<Unit, bigint> = { ms: 1_000n, us: 1_000_000n, ns: 1_000_000_000n };

/** Offsets (in the unit) of the rows that sit on a boundary: on it, just before it, just after it. */
const NEAR_BOUNDARY: Record<Unit, readonly bigint[]> = {
  ms: [0n, -1n, 1n],
  us: [0n, -1n, 1n, -999n],
  // 2^53 < t·10^9 < 2^61: the double holds multiples of 256 ns, and a second's ulp is ≈ 238 ns
  ns: [0n, -1n, 1n, -100n, -120n, -127n, -128n, -129n, -200n, -300n, -1000n],
};

/** Each row's time as an integer of the unit: its millisecond, plus a sub-millisecond part. */
function integerTimes(rows: readonly FlowRow[], unit: Unit): bigint[] {
  return rows.map((r, i) => {
    const ms = BigInt(Math.round(r.ts * 1000));
    const base = ms * (PER_SECOND[unit] / 1000n);
    // rows on whole tens of seconds (the fixture's window-boundary rows) move by a few units
    if (Number.isInteger(r.ts)) return base + NEAR_BOUNDARY[unit][i % NEAR_BOUNDARY[unit].length]!;
    const sub = PER_SECOND[unit] / 1000n;
    return base + BigInt((i * 7919) % 1_000_000) % sub;
  });
}

/** The seconds the engine holds for an integer time (parseEpoch: the number divided by 10^k). */
function seconds(t: bigint, unit: Unit): number {
  return Number(t) / Number(PER_SECOND[unit]);
}

function reference(table: FlowTable, T: number, filter?: FlowFilter, from = -Infinity, to = Infinity) {
  const keep = new CompiledFilter(filter).keepMask(table) ?? new Uint8Array(table.length).fill(1);
  for (let i = 0; i < table.length; i++) if (!(table.ts[i]! >= from && table.ts[i]! < to)) keep[i] = 0;
  return aggregateWindows(table, T, { keep });
}

const isV4 = (a: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(a);

/** Rows goflow2 could have written: ports, real addresses of one family (the EtherType says which). */
function goflowRow(r: FlowRow): boolean {
  return r.src_port !== null && r.dst_port !== null && !/^([0-9a-f]{2}:){5}/.test(r.src_ip) && isV4(r.src_ip) === isV4(r.dst_ip);
}

const samplingRate = (r: FlowRow): number => r.src_port! % 4;

/** A goflow2 row as the engine holds it: no state, total bytes and packets × sampling rate (0 → 1). */
function goflowTable(rows: readonly FlowRow[], ts: readonly number[]): FlowTable {
  const dicts = createDictionaries();
  const b = new FlowTableBuilder(dicts, ['bytes', 'packets'], rows.length);
  rows.forEach((r, k) => {
    const i = b.addRow();
    const rate = Math.max(1, samplingRate(r));
    b.ts[i] = ts[k]!;
    b.srcIp[i] = dicts.ip.code(r.src_ip);
    b.dstIp[i] = dicts.ip.code(r.dst_ip);
    b.srcPort[i] = r.src_port ?? NO_PORT;
    b.dstPort[i] = r.dst_port ?? NO_PORT;
    b.proto[i] = dicts.proto.code(r.proto);
    b.bytes![i] = (r.dst_bytes ?? 0) * rate;
    b.packets![i] = rate;
  });
  return b.finish();
}

describe('integer epoch time columns (ms, µs, ns) equal the in-process engine', { skip: SKIP }, () => {
  let admin: ClickHouseClient;
  const db = testDatabase('epoch');
  let rows: FlowRow[];
  const times = {} as Record<Unit, bigint[]>;
  const tables = {} as Record<Unit, FlowTable>;
  let goflowRows: FlowRow[];
  let goflow: FlowTable;
  const stores: ClickHouseStore[] = [];
  const store = (table: string, extra: Partial<ClickHouseSettings>, onQuery?: (text: string) => void): ClickHouseStore => {
    const s = new ClickHouseStore(settingsFor(db, table, extra), PASSWORD, onQuery ? { onQuery: (q) => onQuery(q.text) } : {});
    stores.push(s);
    return s;
  };

  before(async () => {
    admin = adminClient();
    rows = generateRows(5000, START, 500, 13);
    for (const unit of ['ms', 'us', 'ns'] as const) {
      times[unit] = integerTimes(rows, unit);
      tables[unit] = tableOfRows(rows.map((r, i) => ({ ...r, ts: seconds(times[unit][i]!, unit) })));
    }
    const kept = rows.map((r, i) => [r, i] as const).filter(([r]) => goflowRow(r));
    goflowRows = kept.map(([r]) => r);
    goflow = goflowTable(goflowRows, kept.map(([, i]) => seconds(times.ns[i]!, 'ns')));

    await exec(admin, `CREATE DATABASE ${db}`);
    // `ts` is a decoy an hour and a bit off: a store that ignored the override would read it
    await exec(
      admin,
      `CREATE TABLE ${db}.epochs (ts Float64, ts_ms UInt64, ts_us Int64, ts_ns UInt64, goflow UInt8, src_ip String, dst_ip String, src_port Nullable(UInt16), dst_port Nullable(UInt16), proto String, state Nullable(String), src_bytes Nullable(UInt64), dst_bytes Nullable(UInt64), label String) ENGINE = MergeTree ORDER BY ts_ns`,
    );
    // 64-bit integers travel as JSON strings: nanoseconds do not fit a double
    const values = rows.map((r, i) => ({ ...r, ts: r.ts + 3600.25, ts_ms: String(times.ms[i]), ts_us: String(times.us[i]), ts_ns: String(times.ns[i]), goflow: goflowRow(r) ? 1 : 0 }));
    await admin.insert({ table: `${db}.epochs`, values, format: 'JSONEachRow' });
    // goflow2's Kafka table: UInt64 nanoseconds, IPv4 in the leading 4 bytes of FixedString(16)
    await exec(
      admin,
      `CREATE TABLE ${db}.goflow (time_received_ns UInt64, sampling_rate UInt64, src_addr FixedString(16), dst_addr FixedString(16), etype UInt32, proto UInt32, src_port UInt32, dst_port UInt32, bytes UInt64, packets UInt64) ENGINE = MergeTree ORDER BY time_received_ns`,
    );
    const v4 = (c: string): string => `(IPv4NumToString(IPv4StringToNum(${c})) = ${c})`;
    const addr = (c: string): string => `if(${v4(c)}, toFixedString(concat(unhex(hex(IPv4StringToNum(${c}))), unhex('000000000000000000000000')), 16), IPv6StringToNum(${c}))`;
    await exec(
      admin,
      `INSERT INTO ${db}.goflow SELECT ts_ns, assumeNotNull(src_port) % 4, ${addr('src_ip')}, ${addr('dst_ip')}, if(${v4('src_ip')}, 2048, 34525), multiIf(proto = 'tcp', 6, proto = 'udp', 17, 1), assumeNotNull(src_port), assumeNotNull(dst_port), ifNull(dst_bytes, 0), 1 FROM ${db}.epochs WHERE goflow = 1`,
    );
  });

  after(async () => {
    for (const s of stores) await s.close();
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });

  test('the fixture puts rows on both sides of window boundaries in every unit', () => {
    for (const unit of ['ms', 'us', 'ns'] as const) {
      const ts = tables[unit].ts;
      let before = 0;
      for (let i = 0; i < ts.length; i++) if (Math.floor(ts[i]! / 10) !== Math.floor(Math.round(ts[i]!) / 10)) before++;
      assert.ok(before > 10, `${unit}: rows just before a boundary (${before})`);
    }
  });

  for (const unit of ['ms', 'us', 'ns'] as const) {
    test(`generic preset with ts mapped to an integer ${unit} column: aggregates and all features match, with and without filters`, async () => {
      const sent: string[] = [];
      const s = store('epochs', { columns: { ts: `ts_${unit}` } }, (q) => sent.push(q));
      for (const T of [10, 7.5, 60]) {
        const got = await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: T });
        const want = reference(tables[unit], T);
        assert.ok(want.length >= 8, 'fixture spans many windows');
        assertSameAggregates(got, want, `${unit} T=${T}`);
        assertSameFeatures(got, want, `${unit} T=${T}`);
      }
      for (const filter of FILTERS) {
        const got = await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter });
        assertSameAggregates(got, reference(tables[unit], 10, filter), `${unit} ${JSON.stringify(filter)}`);
      }
      // a bounded range compares seconds on the server; bounds just off whole seconds
      const from = START + 123.4567;
      const to = START + 400.0005;
      for (const T of [10, 0.7]) {
        const got = await s.windowAggregates({ from, to, windowSeconds: T });
        assertSameAggregates(got, reference(tables[unit], T, undefined, from, to), `${unit} range T=${T}`);
        assertSameFeatures(got, reference(tables[unit], T, undefined, from, to), `${unit} range T=${T}`);
      }
      assert.ok(sent.length > 0 && sent.every((q) => !q.includes('`ts`')), 'the decoy column ts is never read');
      assert.ok(sent.some((q) => q.includes(`\`ts_${unit}\``)), `the override column ts_${unit} is read`);
    });
  }

  test('raw flows carry the seconds each integer stands for, to the last bit', async () => {
    for (const unit of ['ms', 'us', 'ns'] as const) {
      const got = await store('epochs', { columns: { ts: `ts_${unit}` } }).flows({ from: -Infinity, to: Infinity });
      assert.equal(got.length, rows.length);
      const want = [...tables[unit].ts].sort((a, b) => a - b);
      assert.deepEqual([...got.ts], want, unit);
    }
  });

  test('describe() push-down on a nanosecond column equals describe() of the engine\'s multisets', async () => {
    const s = store('epochs', { columns: { ts: 'ts_ns' } });
    const filter: FlowFilter = { protocols: ['tcp'] };
    const got = await s.windowSummaries({ from: -Infinity, to: Infinity, windowSeconds: 30, filter });
    const want = reference(tables.ns, 30, filter);
    assert.deepEqual(got.map((g) => g.start), want.map((w) => w.start));
    want.forEach((w, k) => {
      const g = got[k]!;
      assert.equal(g.entries, w.entries);
      assert.equal(g.countFlows, w.countFlows);
      for (const [key, values] of [...Object.entries(w.rowsPer), ...Object.entries(w.distinctPer)]) {
        const d = describeCounts(values);
        const gd = g.describe[key as keyof typeof g.describe];
        for (const stat of DESCRIBE_STATS) assertClose(gd ? gd[stat] : NaN, d[stat], `${w.start} ${key}_${stat}`);
      }
    });
  });

  test('goflow2 preset on time_received_ns UInt64: aggregates, features and flows match the generated flows', async () => {
    const s = store('goflow', { preset: 'goflow2' });
    const caps = await s.serverCapabilities();
    assert.ok(goflowRows.length > 2000, 'most generated rows are goflow2 rows');
    for (const filter of FILTERS) {
      for (const T of [10, 7.5]) {
        const got = await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: T, filter });
        const want = reference(goflow, T, filter);
        assert.ok(want.length > 0, `${JSON.stringify(filter)} keeps some flows`);
        assertSameAggregates(got, want, `goflow2 T=${T} ${JSON.stringify(filter)}`);
        assertSameFeatures(got, want, `goflow2 T=${T} ${JSON.stringify(filter)}`);
      }
    }
    const from = START + 61.000000001;
    const to = START + 333.3;
    const ranged = await s.windowAggregates({ from, to, windowSeconds: 10 });
    assertSameAggregates(ranged, reference(goflow, 10, undefined, from, to), `goflow2 range on ${caps.version}`);
    const pulled = await s.flows({ from: -Infinity, to: Infinity });
    assert.deepEqual([...pulled.ts], [...goflow.ts].sort((a, b) => a - b));
    assert.equal(pulled.bytes!.reduce((a, b) => a + b, 0), goflow.bytes!.reduce((a, b) => a + b, 0));
  });
});
