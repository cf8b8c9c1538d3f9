/**
 * The SQL Flowlens generates for MODERN ClickHouse servers (query parameters,
 * quantileExactInclusive, DateTime64, IPv6 columns) run in chdb — a current ClickHouse engine from
 * PyPI — gives the in-process engine's aggregates, describe() values and flows. The same store code
 * runs; only the transport differs from the HTTP one used against real servers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aggregateWindows } from '../../src/engine/features/aggregate.js';
import { CompiledFilter } from '../../src/engine/filter/flowFilter.js';
import { describeCounts } from '../../src/engine/quantile.js';
import type { FlowTable } from '../../src/engine/flowTable.js';
import { DESCRIBE_STATS } from '../../src/query/featureCatalog.js';
import type { FlowFilter } from '../../src/query/filter.js';
import { DEFAULT_CLICKHOUSE_SETTINGS, type ClickHousePreset } from '../../src/query/settings.js';
import { ClickHouseStore } from '../../src/sources/clickhouse/store.js';
import { assertClose, assertSameAggregates, assertSameFeatures } from '../sources/clickhouse/compare.js';
import { generateRows, loadGenericChdb, tableOfRows, type FlowRow } from '../sources/clickhouse/fixture.js';
import { ChdbTransport, chdbUnavailable } from './chdbTransport.js';

const SKIP = chdbUnavailable() ?? false;
const START = 1_485_535_480;
const FILTERS: (FlowFilter | undefined)[] = [undefined, { srcCidrs: ['10.0.0.0/16'] }, { dstCidrs: ['2001:db8:1::/48', '172.16.0.0/12'] }, { dstPorts: [443, 53] }, { protocols: ['udp'] }];

function filtered(table: FlowTable, T: number, filter?: FlowFilter) {
  return aggregateWindows(table, T, { keep: new CompiledFilter(filter).keepMask(table) });
}

describe('generated SQL on a modern ClickHouse engine (chdb)', { skip: SKIP }, () => {
  let chdb: ChdbTransport;
  let rows: FlowRow[];
  let table: FlowTable;
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-chdb-data-'));
  const stores: ClickHouseStore[] = [];
  const store = (tableName: string, preset: ClickHousePreset): ClickHouseStore => {
    const s = new ClickHouseStore({ ...DEFAULT_CLICKHOUSE_SETTINGS, database: 'fl', table: tableName, preset, columns: {}, queryTimeoutSeconds: 60 }, '', { transport: chdb });
    stores.push(s);
    return s;
  };

  before(async () => {
    chdb = new ChdbTransport();
    rows = generateRows(4000, START, 400, 11);
    table = tableOfRows(rows);
    await loadGenericChdb(chdb, dir, rows);
    // goflow2: DateTime64(9) times, IPv4 in the leading 4 bytes of FixedString(16) when etype = 0x0800
    await chdb.exec(
      'CREATE TABLE fl.flows_raw (time_received_ns DateTime64(9), sampling_rate UInt64, src_addr FixedString(16), dst_addr FixedString(16), etype UInt32, proto UInt32, src_port UInt32, dst_port UInt32, bytes UInt64, packets UInt64) ENGINE = MergeTree ORDER BY time_received_ns',
    );
    const leading = (c: string): string => `if(isIPv4String(${c}), toFixedString(concat(unhex(hex(toIPv4(${c}))), unhex('000000000000000000000000')), 16), toFixedString(IPv6StringToNum(${c}), 16))`;
    await chdb.exec(
      `INSERT INTO fl.flows_raw SELECT fromUnixTimestamp64Nano(toInt64(round(ts * 1000)) * 1000000), src_port % 4, ${leading('src_ip')}, ${leading('dst_ip')}, if(isIPv4String(src_ip), 2048, 34525), multiIf(proto = 'tcp', 6, proto = 'udp', 17, 1), src_port, dst_port, ifNull(dst_bytes, 0), 1 FROM fl.flows WHERE src_port IS NOT NULL AND isIPv4String(src_ip) = isIPv4String(dst_ip) AND src_ip NOT LIKE '%:%:%:%:%:%'`,
    );
    // Akvorado on a modern server: native IPv6 columns, LowCardinality
    await chdb.exec(
      'CREATE TABLE fl.akvorado (TimeReceived DateTime, SamplingRate UInt64, SrcAddr IPv6, DstAddr IPv6, SrcPort UInt16, DstPort UInt16, Proto UInt32, Bytes UInt64, Packets UInt64, ExporterName LowCardinality(String)) ENGINE = MergeTree ORDER BY TimeReceived',
    );
    await chdb.exec(
      `INSERT INTO fl.akvorado SELECT toDateTime(toUInt32(floor(ts))), 1 + src_port % 3, toIPv6(src_ip), toIPv6(dst_ip), src_port, dst_port, multiIf(proto = 'tcp', 6, proto = 'udp', 17, 1), ifNull(src_bytes, 0), 1, 'r1' FROM fl.flows WHERE src_port IS NOT NULL AND src_ip NOT LIKE '%:%:%:%:%:%'`,
    );
  });

  after(async () => {
    for (const s of stores) await s.close();
    await chdb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the engine is modern and the store uses its dialect (parameters, quantileExactInclusive)', async () => {
    const s = store('flows', 'generic');
    const caps = await s.serverCapabilities();
    assert.ok(caps.major >= 23, caps.version);
    assert.ok(caps.queryParams && caps.quantileExactInclusive && caps.dateTime64 && caps.ipStringOrNull);
    await s.windowSummaries({ from: -Infinity, to: Infinity, windowSeconds: 10, filter: { srcCidrs: ['10.0.0.0/8'] } });
    const texts = chdb.sent.map((q) => q.text).join('\n');
    assert.match(texts, /quantileExactInclusive\(0\.25\)/);
    assert.match(texts, /\{p\d+:String\}/);
    assert.match(texts, /IPv6StringToNumOrNull/);
  });

  test('generic preset: aggregates, features and describe() equal the in-process engine on the generated flows', async () => {
    const s = store('flows', 'generic');
    for (const filter of FILTERS) {
      for (const T of [10, 30]) {
        const want = filtered(table, T, filter);
        assert.ok(want.length > 0);
        const got = await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: T, filter });
        assertSameAggregates(got, want, `T=${T} ${JSON.stringify(filter)}`);
        assertSameFeatures(got, want, `T=${T} ${JSON.stringify(filter)}`);
      }
      // a bounded range: the roll-up runs in runs of whole windows, with parameters for the cuts
      const inRange = Uint8Array.from(new CompiledFilter(filter).keepMask(table) ?? new Uint8Array(table.length).fill(1), (k, i) => (k && table.ts[i]! >= START + 50 && table.ts[i]! < START + 350 ? 1 : 0));
      const ranged = await s.windowAggregates({ from: START + 50, to: START + 350, windowSeconds: 7.5, filter });
      assertSameAggregates(ranged, aggregateWindows(table, 7.5, { keep: inRange }), `bounded T=7.5 ${JSON.stringify(filter)}`);
      const summaries = await s.windowSummaries({ from: START + 50, to: START + 350, windowSeconds: 60, filter });
      const want = aggregateWindows(table, 60, { keep: Uint8Array.from(new CompiledFilter(filter).keepMask(table) ?? new Uint8Array(table.length).fill(1), (k, i) => (k && table.ts[i]! >= START + 50 && table.ts[i]! < START + 350 ? 1 : 0)) });
      assert.deepEqual(summaries.map((x) => x.start), want.map((x) => x.start));
      want.forEach((w, k) => {
        for (const [key, values] of [...Object.entries(w.rowsPer), ...Object.entries(w.distinctPer)]) {
          const d = describeCounts(values);
          const gd = summaries[k]!.describe[key as keyof (typeof summaries)[number]['describe']];
          for (const stat of DESCRIBE_STATS) assertClose(gd ? gd[stat] : NaN, d[stat], `${w.start} ${key}_${stat}`);
        }
      });
    }
  });

  test('generic preset: flows and hosts equal the generated data', async () => {
    const s = store('flows', 'generic');
    const flows = await s.flows({ from: -Infinity, to: Infinity });
    assert.equal(flows.length, rows.length);
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.src_ip, (counts.get(r.src_ip) ?? 0) + 1);
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([h]) => h);
    assert.deepEqual(await s.hosts({ from: -Infinity, to: Infinity, limit: 10, role: 'src' }), ranked.slice(0, 10));
    const hostFlows = await s.hostFlows({ hosts: [ranked[0]!], from: -Infinity, to: Infinity });
    assert.deepEqual([...hostFlows.ts], rows.filter((r) => r.src_ip === ranked[0]).map((r) => r.ts).sort((a, b) => a - b));
  });

  for (const [name, preset] of [['flows_raw', 'goflow2'], ['akvorado', 'akvorado']] as const) {
    test(`${preset} preset: push-down equals the engine on the flows the store reads; addresses print as the generator wrote them`, async () => {
      const s = store(name, preset);
      const pulled = await s.flows({ from: -Infinity, to: Infinity });
      assert.ok(pulled.length > 1000);
      const written = new Set(rows.map((r) => r.src_ip.replace(/^::ffff:/, '')));
      for (const a of pulled.dicts.ip.values) assert.ok(written.has(a) || rows.some((r) => r.dst_ip.replace(/^::ffff:/, '') === a), `unexpected address text ${a}`);
      for (const filter of FILTERS) {
        const want = filtered(pulled, 10, filter);
        const got = await s.windowAggregates({ from: -Infinity, to: Infinity, windowSeconds: 10, filter });
        assertSameAggregates(got, want, `${preset} ${JSON.stringify(filter)}`);
      }
    });
  }
});
