import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { aggregateWindows, WindowAggregator } from '../../../src/engine/features/aggregate.js';
import { computeFeatures, FeaturePlan } from '../../../src/engine/features/compute.js';
import { WindowStream } from '../../../src/engine/features/windowStream.js';
import { sliceTable } from '../../../src/engine/flowTable.js';
import { ALL_FEATURES, SEED_FEATURES } from '../../../src/query/featureCatalog.js';
import { tableOf, type Row } from './tableFixture.js';

const rowArb: fc.Arbitrary<Row> = fc.record({
  ts: fc.integer({ min: 0, max: 80 }).map((x) => 1000 + x / 2),
  proto: fc.constantFrom('tcp', 'udp', 'icmp'),
  state: fc.constantFrom('closed', 'established', 'reset', 'new', 'closing', 'connecting', 'other', null),
  src: fc.constantFrom('10.0.0.1', '10.0.0.2', '2001:db8::1', 'aa:bb:cc:dd:ee:ff'),
  sport: fc.constantFrom(null, 1, 2, 3, 65535),
  dst: fc.constantFrom('10.0.0.1', '10.0.0.9', '192.168.1.1'),
  dport: fc.constantFrom(null, 53, 80, 443),
  up: fc.constantFrom(0, 5, 100, NaN),
  down: fc.constantFrom(0, 7, NaN),
});

/** A deliberately naive reference: string-keyed maps over row objects, per window. */
function naive(rows: readonly Row[], T: number): Map<number, Record<string, number | number[]>> {
  const byWin = new Map<number, Row[]>();
  for (const r of rows) {
    const w = Math.floor(r.ts / T) * T;
    byWin.set(w, [...(byWin.get(w) ?? []), r]);
  }
  const out = new Map<number, Record<string, number | number[]>>();
  for (const [w, rs] of byWin) {
    const uniq = (f: (r: Row) => unknown): number => new Set(rs.map(f)).size;
    const groups = (key: (r: Row) => string | null, count: (r: Row) => boolean): number[] => {
      const m = new Map<string, number>();
      for (const r of rs) {
        const k = key(r);
        if (k === null) continue;
        m.set(k, (m.get(k) ?? 0) + (count(r) ? 1 : 0));
      }
      return [...m.values()].sort((a, b) => a - b);
    };
    const distinctPer = (key: (r: Row) => string | null, val: (r: Row) => unknown): number[] => {
      const m = new Map<string, Set<unknown>>();
      for (const r of rs) {
        const k = key(r);
        if (k === null) continue;
        const s = m.get(k) ?? new Set();
        if (val(r) !== null) s.add(val(r));
        m.set(k, s);
      }
      return [...m.values()].map((s) => s.size).sort((a, b) => a - b);
    };
    const dp = (r: Row): string | null => (r.dport === null ? null : String(r.dport));
    const conn = (r: Row): string => `${r.dst}|${r.src}`;
    const flow = (r: Row): string | null => (r.dport === null || r.sport === null ? null : `${r.dst}|${r.dport}|${r.src}|${r.sport}|${r.proto}`);
    out.set(w, {
      entries: rs.length,
      count_dst_port: uniq((r) => r.dport),
      count_src_port: uniq((r) => r.sport),
      established: rs.filter((r) => r.state === 'established').length,
      count_flows: new Set(rs.map(flow).filter((x) => x !== null)).size,
      dst_port_per_conn: groups(conn, (r) => r.dport !== null),
      entries_per_flow: groups(flow, () => true),
      src_ip_per_dst_port: groups(dp, () => true),
      distinct_dst_ip_per_src_ip: distinctPer((r) => r.src, (r) => r.dst),
      distinct_dst_port_per_conn: distinctPer(conn, (r) => r.dport),
      distinct_src_ip_per_dst_port: distinctPer(dp, (r) => r.src),
    });
  }
  return out;
}

const sorted = (a: Float64Array): number[] => [...a].sort((x, y) => x - y);

test('aggregates agree with a naive string-keyed reference on random windows', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 60 }), fc.constantFrom(1, 2.5, 10), (rows, T) => {
      const ref = naive(rows, T);
      const aggs = aggregateWindows(tableOf(rows), T);
      assert.equal(aggs.length, ref.size);
      for (const a of aggs) {
        const r = ref.get(a.start)!;
        assert.ok(r, `window ${a.start}`);
        assert.equal(a.entries, r.entries);
        assert.equal(a.distinct.dstPort, r.count_dst_port);
        assert.equal(a.distinct.srcPort, r.count_src_port);
        assert.equal(a.states.established, r.established);
        assert.equal(a.countFlows, r.count_flows);
        assert.deepEqual(sorted(a.rowsPer.dst_port_per_conn), r.dst_port_per_conn);
        assert.deepEqual(sorted(a.rowsPer.entries_per_flow), r.entries_per_flow);
        assert.deepEqual(sorted(a.rowsPer.src_ip_per_dst_port), r.src_ip_per_dst_port);
        assert.deepEqual(sorted(a.distinctPer.distinct_dst_ip_per_src_ip), r.distinct_dst_ip_per_src_ip);
        assert.deepEqual(sorted(a.distinctPer.distinct_dst_port_per_conn), r.distinct_dst_port_per_conn);
        assert.deepEqual(sorted(a.distinctPer.distinct_src_ip_per_dst_port), r.distinct_src_ip_per_dst_port);
      }
    }),
    { numRuns: 200 },
  );
});

function featuresOf(aggs: ReturnType<typeof aggregateWindows>): { time: number[]; cols: number[][] } {
  const f = computeFeatures(aggs, ALL_FEATURES);
  return { time: [...f.time], cols: f.columns.map((c) => [...c]) };
}

test('shuffled input gives exactly the features of time-ordered input', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 60 }), fc.integer(), (rows, seed) => {
      const ordered = [...rows].sort((a, b) => a.ts - b.ts);
      const shuffled = [...rows];
      let s = seed >>> 0;
      for (let i = shuffled.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      assert.deepEqual(featuresOf(aggregateWindows(tableOf(shuffled), 10)), featuresOf(aggregateWindows(tableOf(ordered), 10)));
    }),
    { numRuns: 100 },
  );
});

test('a window stream fed sorted chunks of any size gives the batch result', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1 }), (rows, sizes) => {
      const table = tableOf([...rows].sort((a, b) => a.ts - b.ts));
      const stream = new WindowStream(5);
      const got = [];
      for (let at = 0, k = 0; at < table.length; k++) {
        const n = sizes[k % sizes.length]!;
        got.push(...stream.push(sliceTable(table, at, Math.min(table.length, at + n))));
        at += n;
      }
      got.push(...stream.flush());
      assert.equal(stream.lateRows, 0);
      assert.deepEqual(featuresOf(got), featuresOf(aggregateWindows(table, 5)));
    }),
    { numRuns: 100 },
  );
});

test('a window stream with lateness absorbs out-of-order rows within that lateness', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 80 }), (rows) => {
      // each row is at most 3 s older than the newest row before it
      const jittered = [...rows].sort((a, b) => a.ts - b.ts).map((r, i) => ({ ...r, ts: r.ts + (i % 2 === 0 ? 3 : 0) }));
      const table = tableOf(jittered);
      const stream = new WindowStream(5, { lateness: 3 });
      const got = [];
      for (let at = 0; at < table.length; at += 7) got.push(...stream.push(sliceTable(table, at, Math.min(table.length, at + 7))));
      got.push(...stream.flush());
      assert.equal(stream.lateRows, 0);
      assert.deepEqual(featuresOf(got), featuresOf(aggregateWindows(table, 5)));
    }),
    { numRuns: 100 },
  );
});

test('a window stream closes only complete windows when late-but-allowed rows interleave (scratch reused across emits)', () => {
  const row = (ts: number, src: string): Row => ({ ts, proto: 'tcp', state: 'new', src, sport: 1000 + ts, dst: '10.0.0.9', dport: 80, up: 1, down: 1 });
  // chunk 1 closes window 0 as a prefix; chunk 2 holds window-1 rows between window-2 rows, so
  // the complete rows are no prefix; chunk 3 adds to window 2, which must not have been closed
  const chunks = [
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 16].map((t) => row(t, '10.0.0.1')),
    [21, 12, 22, 13, 27].map((t) => row(t, '10.0.0.2')),
    [25, 28, 33, 40].map((t) => row(t, '10.0.0.3')),
  ];
  const table = tableOf(chunks.flat());
  const stream = new WindowStream(10, { lateness: 5 });
  const got = [...stream.push(sliceTable(table, 0, 10)), ...stream.push(sliceTable(table, 10, 15)), ...stream.push(sliceTable(table, 15, 19)), ...stream.flush()];
  assert.equal(stream.lateRows, 0);
  assert.deepEqual(got.map((a) => [a.start, a.entries]), [[0, 9], [10, 3], [20, 5], [30, 1], [40, 1]]);
  assert.deepEqual(featuresOf(got), featuresOf(aggregateWindows(table, 10)));
});

test('rows older than an emitted window are counted as late, not merged silently', () => {
  const stream = new WindowStream(10);
  const rows: Row[] = [
    { ts: 1, proto: 'tcp', src: 'a', sport: 1, dst: 'b', dport: 2 },
    { ts: 25, proto: 'tcp', src: 'a', sport: 1, dst: 'b', dport: 2 },
  ];
  const t = tableOf(rows);
  const first = stream.push(t);
  assert.deepEqual(first.map((a) => a.start), [0]);
  assert.equal(stream.pendingRows, 1);
  stream.push(sliceTable(t, 0, 1));
  assert.equal(stream.lateRows, 1);
  assert.deepEqual(stream.flush().map((a) => a.start), [20]);
});

test('large out-of-order tables (gathered into window order first) give the ordered result, batch and streamed', () => {
  const rows: Row[] = [];
  let s = 99;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  for (let i = 0; i < 40000; i++) {
    rows.push({ ts: rnd(600), proto: rnd(2) ? 'tcp' : 'udp', state: 'new', src: `10.0.0.${rnd(200)}`, sport: rnd(3) ? 1000 + rnd(500) : null, dst: `10.1.0.${rnd(50)}`, dport: rnd(20), up: rnd(9), down: 1 });
  }
  const ordered = tableOf([...rows].sort((a, b) => a.ts - b.ts));
  const shuffled = tableOf(rows);
  const expected = featuresOf(aggregateWindows(ordered, 10));
  assert.deepEqual(featuresOf(aggregateWindows(shuffled, 10)), expected);
  const stream = new WindowStream(10, { lateness: Infinity });
  const got = [...stream.push(sliceTable(shuffled, 0, 25000)), ...stream.push(sliceTable(shuffled, 25000, 40000)), ...stream.flush()];
  assert.deepEqual(featuresOf(got), expected);
  // the caller's table is never reordered
  assert.deepEqual([...shuffled.ts.subarray(0, 5)], rows.slice(0, 5).map((r) => r.ts));
});

test('skipping the distinct tables changes no seed feature and refuses distinct features', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 60 }), (rows) => {
      const table = tableOf([...rows].sort((a, b) => a.ts - b.ts));
      const lean = new WindowStream(5, { distinct: false });
      const got = [...lean.push(table), ...lean.flush()];
      const full = aggregateWindows(table, 5);
      const seedOnly = (aggs: typeof full): number[][] => computeFeatures(aggs, SEED_FEATURES).columns.map((c) => [...c]);
      assert.deepEqual(seedOnly(got), seedOnly(full));
      assert.throws(() => computeFeatures(got, ['distinct_dst_port_per_conn_max']), /was not computed/);
      // the two distinct families that come from the connection table are still there
      assert.deepEqual(computeFeatures(got, ['distinct_dst_ip_per_src_ip_mean']).columns, computeFeatures(full, ['distinct_dst_ip_per_src_ip_mean']).columns);
    }),
    { numRuns: 100 },
  );
});

test("a plan's aggregator options carry exactly the multisets its features read: same values, others refused", () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 60 }), fc.subarray([...ALL_FEATURES], { minLength: 1, maxLength: 8 }), (rows, names) => {
      const table = tableOf(rows);
      const plan = new FeaturePlan(names);
      const lean = aggregateWindows(table, 5, {}, new WindowAggregator(plan.aggregatorOptions()));
      const full = aggregateWindows(table, 5);
      assert.deepEqual(computeFeatures(lean, names).columns, computeFeatures(full, names).columns);
      for (const agg of lean) {
        for (const [key, values] of [...Object.entries(agg.rowsPer), ...Object.entries(agg.distinctPer)]) {
          if (!plan.multisets.has(key as never)) assert.equal(values.length, 0, `${key} is not read by ${names.join(',')}`);
        }
      }
      const other = ALL_FEATURES.find((n) => n.endsWith('_perc90') && !plan.multisets.has(n.slice(0, -'_perc90'.length) as never));
      if (other) assert.throws(() => computeFeatures(lean, [other]), /was not computed/);
    }),
    { numRuns: 100 },
  );
});
