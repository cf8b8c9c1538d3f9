/**
 * FlowTable → one WindowAggregate per non-empty tumbling window (semantics.md §1), with the
 * pandas meaning of missing values: a missing port/address counts as one value in
 * `len(unique())`, is not counted by `count()`, and drops its row from groups keyed on it.
 */
import type { FlowTable } from '../flowTable.js';
import { SEED_STATES } from '../../query/featureCatalog.js';
import { ALL_MULTISETS, type DistinctPerKey, type MultisetKey, type RowsPerKey, type WindowAggregate } from './windowAggregate.js';
import { DirectGroups, TupleGroups } from './groupTables.js';
import { countStates, countWhere, countWhere2, distinctPortsPerConn, flowPass, groupIds, pairGroups, sumColumn, sumPairs } from './groupPasses.js';
import { bucketByWindowSteps } from './windowIndex.js';
import { GATHER_MIN_ROWS, inWindowOrderSteps } from './windowOrder.js';
import { runSteps, type Steps } from '../steps.js';

export interface AggregateOptions {
  /** Rows with `keep[i] === 0` are left out (filters, time range). */
  keep?: Uint8Array | null;
  /**
   * The caller owns the table and allows its rows to be reordered (window order) in place, which
   * spares a copy when the input is out of time order. Row contents are unchanged.
   */
  reorderInPlace?: boolean;
}

const PORT_SPACE = 65536;

/** An Int32Array of at least `n` entries, reusing `a` when it is long enough. */
function atLeast(a: Int32Array, n: number): Int32Array {
  if (n <= a.length) return a;
  let cap = a.length;
  while (cap < n) cap *= 2;
  return new Int32Array(cap);
}

/** Scratch arrays of one window, grown on demand and reused across windows. */
class Scratch {
  // per row: group ids of dst_ip, src_ip, dst_port and connection (-1 = none)
  gd: Int32Array = new Int32Array(1024);
  gs: Int32Array = new Int32Array(1024);
  gp: Int32Array = new Int32Array(1024);
  gc: Int32Array = new Int32Array(1024);
  // src_port: only its group count is read
  gq: Int32Array = new Int32Array(1024);
  // per group (at most one per row): the multisets' counts
  counts: Int32Array[] = Array.from({ length: ALL_MULTISETS.length }, () => new Int32Array(1024));

  ensure(m: number): void {
    this.gd = atLeast(this.gd, m);
    this.gs = atLeast(this.gs, m);
    this.gp = atLeast(this.gp, m);
    this.gc = atLeast(this.gc, m);
    this.gq = atLeast(this.gq, m);
    for (let k = 0; k < this.counts.length; k++) this.counts[k] = atLeast(this.counts[k]!, m);
  }
}

/** Scratch columns for a window whose rows are scattered in its table (`WindowAggregator.gather`). */
class GatheredColumns {
  readonly srcIp: Int32Array;
  readonly dstIp: Int32Array;
  readonly srcPort: Int32Array;
  readonly dstPort: Int32Array;
  readonly proto: Int32Array;
  readonly state: Int32Array;
  readonly bytes: Float64Array;
  readonly srcBytes: Float64Array;
  readonly dstBytes: Float64Array;

  constructor(cap: number) {
    this.srcIp = new Int32Array(cap);
    this.dstIp = new Int32Array(cap);
    this.srcPort = new Int32Array(cap);
    this.dstPort = new Int32Array(cap);
    this.proto = new Int32Array(cap);
    this.state = new Int32Array(cap);
    this.bytes = new Float64Array(cap);
    this.srcBytes = new Float64Array(cap);
    this.dstBytes = new Float64Array(cap);
  }
}

/** Index of each multiset's counts in `Scratch.counts`. */
const SLOT = new Map<MultisetKey, number>(ALL_MULTISETS.map((k, i) => [k, i]));

/**
 * Computes window aggregates from rows of a table. Holds reusable scratch tables, so one instance
 * serves many windows (and many chunks of a stream) without allocating per window beyond the
 * returned multisets. Each aggregate is a sequence of small passes (groupPasses.ts); the passes
 * that only feed multisets nobody asked for are skipped.
 */
export class WindowAggregator {
  private readonly dst = new DirectGroups();
  private readonly src = new DirectGroups();
  private readonly dport = new DirectGroups(PORT_SPACE);
  private readonly sport = new DirectGroups(PORT_SPACE);
  private readonly conn = new TupleGroups();
  private readonly connDport = new TupleGroups();
  private readonly dstDport = new TupleGroups();
  private readonly srcDport = new TupleGroups();
  private readonly flow = new TupleGroups();
  private readonly scratch = new Scratch();
  /** The window's columns, gathered when its rows are not contiguous in the table. */
  private gathered: GatheredColumns | null = null;
  private stateCounts = new Float64Array(64);
  private windows = new Float64Array(0);
  /** Whether to compute the distinct-per multisets that need their own group tables. */
  private readonly distinct: boolean;
  private readonly bytes: boolean;
  /** Multisets not handed out: not wanted, or needing the distinct tables that were skipped. */
  private readonly omitted: readonly MultisetKey[] | undefined;
  private readonly omittedSet: ReadonlySet<MultisetKey>;

  /**
   * `distinct: false` skips three of the five hash tables when no `distinct_*` feature is wanted;
   * `multisets` limits the group-size arrays each aggregate carries to those the features read.
   */
  constructor(opts: AggregatorOptions = {}) {
    this.distinct = opts.distinct ?? true;
    this.bytes = opts.bytes ?? true;
    const wanted = opts.multisets;
    const omitted = ALL_MULTISETS.filter((k) => (!this.distinct && NEEDS_DISTINCT_TABLES.includes(k as DistinctPerKey)) || (wanted !== undefined && !wanted.has(k)));
    this.omitted = omitted.length ? omitted : undefined;
    this.omittedSet = new Set(omitted);
  }

  private wants(key: MultisetKey): boolean {
    return !this.omittedSet.has(key);
  }

  /** The counts array of a multiset, for a pass to fill. */
  private counts(key: MultisetKey): Int32Array {
    return this.scratch.counts[SLOT.get(key)!]!;
  }

  /** A reusable array of at least `n` doubles for `bucketByWindow`'s per-row window numbers. */
  windowScratch(n: number): Float64Array {
    if (this.windows.length < n) this.windows = new Float64Array(Math.max(n, 2 * this.windows.length));
    return this.windows;
  }

  /** Two rows-per multisets of the same groups: one pass when both are wanted. */
  private perPair(keyA: RowsPerKey, keyB: RowsPerKey, groupOf: Int32Array, a: Int32Array, b: Int32Array, groups: number, m: number): void {
    if (this.wants(keyA) && this.wants(keyB)) countWhere2(groupOf, a, b, m, this.counts(keyA), this.counts(keyB), groups);
    else {
      this.per(keyA, groupOf, a, groups, m);
      this.per(keyB, groupOf, b, groups, m);
    }
  }

  /** Counts a rows-per multiset (when wanted): rows of each `groupOf` group whose `other` is present. */
  private per(key: RowsPerKey, groupOf: Int32Array, other: Int32Array, groups: number, m: number): void {
    if (this.wants(key)) countWhere(groupOf, other, m, this.counts(key), groups);
  }

  /** The first `n` counts of a multiset as its array, or none when it is omitted. */
  private out(key: MultisetKey, n: number): Float64Array {
    return this.wants(key) ? f64(this.counts(key), n) : NONE;
  }

  /**
   * The aggregate of the rows `rows[from…to)` (or rows `from…to` themselves when `rows` is
   * null) of `table`, all of which lie in the window starting at `start`.
   */
  aggregate(table: FlowTable, start: number, rows: Int32Array | null, from: number, to: number): WindowAggregate {
    const m = to - from;
    const t = rows === null ? table : this.gather(table, rows, from, m);
    const at = rows === null ? from : 0;
    const nIp = table.dicts.ip.size;
    this.dst.reset(nIp);
    this.src.reset(nIp);
    this.dport.reset(PORT_SPACE);
    this.sport.reset(PORT_SPACE);
    const sc = this.scratch;
    sc.ensure(m);
    const { gd, gs, gp, gc } = sc;

    const nd = groupIds(t.dstIp, at, m, this.dst, gd);
    const ns = groupIds(t.srcIp, at, m, this.src, gs);
    const np = groupIds(t.dstPort, at, m, this.dport, gp);
    const distinct = {
      dstPort: np + (this.dport.missing ? 1 : 0),
      srcPort: groupIds(t.srcPort, at, m, this.sport, sc.gq) + (this.sport.missing ? 1 : 0),
      dstIp: nd + (this.dst.missing ? 1 : 0),
      srcIp: ns + (this.src.missing ? 1 : 0),
    };
    this.perPair('dst_port_per_dst_ip', 'src_ip_per_dst_ip', gd, gp, gs, nd, m);
    this.perPair('dst_port_per_src_ip', 'dst_ip_per_src_ip', gs, gp, gd, ns, m);
    this.perPair('dst_ip_per_dst_port', 'src_ip_per_dst_port', gp, gd, gs, np, m);

    this.conn.reset(m);
    const nc = pairGroups(t.dstIp, t.srcIp, at, m, gd, gs, this.conn, this.counts('distinct_src_ip_per_dst_ip'), nd, this.counts('distinct_dst_ip_per_src_ip'), ns, gc);
    this.per('dst_port_per_conn', gc, gp, nc, m);
    this.flow.reset(m);
    const nf = flowPass(t.dstIp, t.srcIp, t.dstPort, t.srcPort, t.proto, at, m, this.flow, this.wants('entries_per_flow') ? this.counts('entries_per_flow') : null);
    if (this.distinct) {
      this.connDport.reset(m);
      distinctPortsPerConn(gc, t.dstPort, at, m, this.connDport, this.counts('distinct_dst_port_per_conn'), nc);
      this.dstDport.reset(m);
      pairGroups(t.dstIp, t.dstPort, at, m, gd, gp, this.dstDport, this.counts('distinct_dst_port_per_dst_ip'), nd, this.counts('distinct_dst_ip_per_dst_port'), np, null);
      this.srcDport.reset(m);
      pairGroups(t.srcIp, t.dstPort, at, m, gs, gp, this.srcDport, this.counts('distinct_dst_port_per_src_ip'), ns, this.counts('distinct_src_ip_per_dst_port'), np, null);
    }

    const nState = table.dicts.state.size;
    if (this.stateCounts.length < nState) this.stateCounts = new Float64Array(nState * 2);
    const stateCounts = this.stateCounts;
    stateCounts.fill(0, 0, nState);
    if (t.state !== null) countStates(t.state, at, m, stateCounts);
    const states = {} as Record<(typeof SEED_STATES)[number], number>;
    for (const name of SEED_STATES) {
      const code = table.dicts.state.lookup(name);
      states[name] = code === undefined || code >= nState ? 0 : stateCounts[code]!;
    }
    const up = this.bytes ? t.srcBytes : null;
    const down = this.bytes ? t.dstBytes : null;
    const total = this.bytes ? t.bytes : null;
    return {
      start,
      entries: m,
      distinct,
      states,
      countConns: nc,
      countFlows: nf,
      rowsPer: {
        dst_port_per_conn: this.out('dst_port_per_conn', nc),
        entries_per_flow: this.out('entries_per_flow', nf),
        dst_port_per_dst_ip: this.out('dst_port_per_dst_ip', nd),
        src_ip_per_dst_ip: this.out('src_ip_per_dst_ip', nd),
        dst_port_per_src_ip: this.out('dst_port_per_src_ip', ns),
        dst_ip_per_src_ip: this.out('dst_ip_per_src_ip', ns),
        dst_ip_per_dst_port: this.out('dst_ip_per_dst_port', np),
        src_ip_per_dst_port: this.out('src_ip_per_dst_port', np),
      },
      distinctPer: {
        distinct_dst_port_per_conn: this.out('distinct_dst_port_per_conn', nc),
        distinct_dst_port_per_dst_ip: this.out('distinct_dst_port_per_dst_ip', nd),
        distinct_src_ip_per_dst_ip: this.out('distinct_src_ip_per_dst_ip', nd),
        distinct_dst_port_per_src_ip: this.out('distinct_dst_port_per_src_ip', ns),
        distinct_dst_ip_per_src_ip: this.out('distinct_dst_ip_per_src_ip', ns),
        distinct_dst_ip_per_dst_port: this.out('distinct_dst_ip_per_dst_port', np),
        distinct_src_ip_per_dst_port: this.out('distinct_src_ip_per_dst_port', np),
      },
      ...(this.omitted ? { omitted: this.omitted } : {}),
      bytesUp: up !== null ? sumColumn(up, at, m) : null,
      bytesDown: down !== null ? sumColumn(down, at, m) : null,
      bytesTotal: total !== null ? sumColumn(total, at, m) : up !== null && down !== null ? sumPairs(up, down, at, m) : null,
    };
  }

  /**
   * The columns of rows `rows[from…from+m)` as one contiguous table (reused scratch), so every
   * pass reads sequentially; only the columns aggregates read are gathered.
   */
  private gather(table: FlowTable, rows: Int32Array, from: number, m: number): FlowTable {
    if (this.gathered === null || this.gathered.srcIp.length < m) this.gathered = new GatheredColumns(Math.max(m, 1024, 2 * (this.gathered?.srcIp.length ?? 0)));
    const g = this.gathered;
    const pick = <C extends Int32Array | Float64Array>(src: C, dst: C): C => {
      for (let i = 0; i < m; i++) dst[i] = src[rows[from + i]!]!;
      return dst;
    };
    const optional = <C extends Int32Array | Float64Array>(src: C | null, dst: C): C | null => (src === null ? null : pick(src, dst));
    return {
      length: m,
      dicts: table.dicts,
      ts: table.ts, // not read by the passes
      srcIp: pick(table.srcIp, g.srcIp),
      dstIp: pick(table.dstIp, g.dstIp),
      srcPort: pick(table.srcPort, g.srcPort),
      dstPort: pick(table.dstPort, g.dstPort),
      proto: pick(table.proto, g.proto),
      state: optional(table.state, g.state),
      bytes: optional(table.bytes, g.bytes),
      packets: null,
      srcBytes: optional(table.srcBytes, g.srcBytes),
      dstBytes: optional(table.dstBytes, g.dstBytes),
      duration: null,
      label: null,
    };
  }
}

export interface AggregatorOptions {
  distinct?: boolean;
  multisets?: ReadonlySet<MultisetKey>;
  /** Sum the byte columns (default true); without, `bytes*` are null, as for a format without them. */
  bytes?: boolean;
}

const NONE = new Float64Array(0);

/** The multisets that `distinct: false` leaves out. */
const NEEDS_DISTINCT_TABLES: readonly DistinctPerKey[] = [
  'distinct_dst_port_per_conn',
  'distinct_dst_port_per_dst_ip',
  'distinct_dst_port_per_src_ip',
  'distinct_dst_ip_per_dst_port',
  'distinct_src_ip_per_dst_port',
];

function f64(counts: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = counts[i]!;
  return out;
}

/**
 * One aggregate per non-empty tumbling window of `windowSeconds`, sorted by start. Input order
 * does not matter: rows are bucketed by window number, never sorted as objects.
 */
export function aggregateWindows(table: FlowTable, windowSeconds: number, opts: AggregateOptions = {}, aggregator = new WindowAggregator()): WindowAggregate[] {
  return runSteps(aggregateWindowsSteps(table, windowSeconds, opts, aggregator));
}

/** Rows (plus a per-window cost) between two pause points of `aggregateWindowsSteps`. */
const ROWS_PER_STEP = 16384;
const WINDOW_COST = 32;

/** `aggregateWindows` as steps: a pause point every few thousand rows, between windows. */
export function* aggregateWindowsSteps(table: FlowTable, windowSeconds: number, opts: AggregateOptions = {}, aggregator = new WindowAggregator()): Steps<WindowAggregate[]> {
  const buckets = yield* bucketByWindowSteps(table.ts, table.length, windowSeconds, opts.keep ?? null, aggregator.windowScratch(table.length));
  let source = table;
  let rows = buckets.rows;
  if (rows !== null && (opts.reorderInPlace === true || rows.length >= GATHER_MIN_ROWS)) {
    yield;
    source = yield* inWindowOrderSteps(table, rows, opts.reorderInPlace === true);
    rows = null;
  }
  yield;
  const out: WindowAggregate[] = [];
  let work = 0;
  for (let k = 0; k < buckets.windows.length; k++) {
    const from = buckets.offsets[k]!;
    const to = buckets.offsets[k + 1]!;
    out.push(aggregator.aggregate(source, buckets.windows[k]! * windowSeconds, rows, from, to));
    work += to - from + WINDOW_COST;
    if (work >= ROWS_PER_STEP) {
      work = 0;
      yield;
    }
  }
  return out;
}

/** The aggregate of a window without flows (for zero-filled rows): what pandas gives on an empty frame. */
export function emptyAggregate(start: number, withBytes: { up: boolean; down: boolean; total: boolean }): WindowAggregate {
  const none = new Float64Array(0);
  const states = {} as Record<(typeof SEED_STATES)[number], number>;
  for (const name of SEED_STATES) states[name] = 0;
  return {
    start,
    entries: 0,
    distinct: { dstPort: 0, srcPort: 0, dstIp: 0, srcIp: 0 },
    states,
    countConns: 0,
    countFlows: 0,
    rowsPer: {
      dst_port_per_conn: none,
      entries_per_flow: none,
      dst_port_per_dst_ip: none,
      src_ip_per_dst_ip: none,
      dst_port_per_src_ip: none,
      dst_ip_per_src_ip: none,
      dst_ip_per_dst_port: none,
      src_ip_per_dst_port: none,
    },
    distinctPer: {
      distinct_dst_port_per_conn: none,
      distinct_dst_port_per_dst_ip: none,
      distinct_src_ip_per_dst_ip: none,
      distinct_dst_port_per_src_ip: none,
      distinct_dst_ip_per_src_ip: none,
      distinct_dst_ip_per_dst_port: none,
      distinct_src_ip_per_dst_port: none,
    },
    bytesUp: withBytes.up ? 0 : null,
    bytesDown: withBytes.down ? 0 : null,
    bytesTotal: withBytes.total ? 0 : null,
  };
}
