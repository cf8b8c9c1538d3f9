/**
 * FlowTable → one WindowAggregate per non-empty tumbling window (semantics.md §1), with the
 * pandas meaning of missing values: a missing port/address counts as one value in
 * `len(unique())`, is not counted by `count()`, and drops its row from groups keyed on it.
 */
import { NO_PORT, type FlowTable } from '../flowTable.js';
import { SEED_STATES } from '../../query/featureCatalog.js';
import { ALL_MULTISETS, type DistinctPerKey, type MultisetKey, type WindowAggregate } from './windowAggregate.js';
import { DirectGroups, TupleGroups } from './groupTables.js';
import { bucketByWindow } from './windowIndex.js';
import { GATHER_MIN_ROWS, inWindowOrder } from './windowOrder.js';
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

/** Scratch counters indexed by group id; grown on demand and reused across windows. */
class Counters {
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  c = new Int32Array(1024);
  d = new Int32Array(1024);

  ensure(n: number): void {
    if (n <= this.a.length) return;
    let cap = this.a.length;
    while (cap < n) cap *= 2;
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
    this.c = new Int32Array(cap);
    this.d = new Int32Array(cap);
  }
}

/**
 * Computes window aggregates from rows of a table. Holds reusable scratch tables, so one instance
 * serves many windows (and many chunks of a stream) without allocating per window beyond the
 * returned multisets.
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
  // per dst_ip: rows with dst_port, rows with src_ip, distinct dst_port, distinct src_ip
  private readonly perDst = new Counters();
  // per src_ip: rows with dst_port, rows with dst_ip, distinct dst_port, distinct dst_ip
  private readonly perSrc = new Counters();
  // per dst_port: rows with dst_ip, rows with src_ip, distinct dst_ip, distinct src_ip
  private readonly perDport = new Counters();
  // per conn: rows with dst_port, distinct dst_port; per flow: rows (in c)
  private readonly perConn = new Counters();
  private stateCounts = new Float64Array(64);
  /** Whether to compute the distinct-per multisets that need their own group tables. */
  private readonly distinct: boolean;
  /** Multisets not handed out: not wanted, or needing the distinct tables that were skipped. */
  private readonly omitted: readonly MultisetKey[] | undefined;
  private readonly omittedSet: ReadonlySet<MultisetKey>;

  /**
   * `distinct: false` skips three of the five hash tables when no `distinct_*` feature is wanted;
   * `multisets` limits the group-size arrays each aggregate carries to those the features read.
   */
  constructor(opts: AggregatorOptions = {}) {
    this.distinct = opts.distinct ?? true;
    const wanted = opts.multisets;
    const omitted = ALL_MULTISETS.filter((k) => (!this.distinct && NEEDS_DISTINCT_TABLES.includes(k as DistinctPerKey)) || (wanted !== undefined && !wanted.has(k)));
    this.omitted = omitted.length ? omitted : undefined;
    this.omittedSet = new Set(omitted);
  }

  /** The first `n` counts as a multiset, or none when it is omitted. */
  private out(key: MultisetKey, counts: Int32Array, n: number): Float64Array {
    return this.omittedSet.has(key) ? NONE : f64(counts, n);
  }

  /**
   * The aggregate of the rows `rows[from…to)` (or rows `from…to` themselves when `rows` is
   * null) of `table`, all of which lie in the window starting at `start`.
   */
  aggregate(table: FlowTable, start: number, rows: Int32Array | null, from: number, to: number): WindowAggregate {
    const m = to - from;
    const nIp = table.dicts.ip.size;
    this.dst.reset(nIp);
    this.src.reset(nIp);
    this.dport.reset(PORT_SPACE);
    this.sport.reset(PORT_SPACE);
    this.conn.reset(m);
    this.connDport.reset(m);
    this.dstDport.reset(m);
    this.srcDport.reset(m);
    this.flow.reset(m);
    this.perDst.ensure(m);
    this.perSrc.ensure(m);
    this.perDport.ensure(m);
    this.perConn.ensure(m);
    const nState = table.dicts.state.size;
    if (this.stateCounts.length < nState) this.stateCounts = new Float64Array(nState * 2);
    const stateCounts = this.stateCounts;
    stateCounts.fill(0, 0, nState);

    const { dstIp, srcIp, dstPort, srcPort, proto } = table;
    const state = table.state;
    const up = table.srcBytes;
    const down = table.dstBytes;
    const total = table.bytes;
    const pdA = this.perDst.a, pdB = this.perDst.b, pdC = this.perDst.c, pdD = this.perDst.d;
    const psA = this.perSrc.a, psB = this.perSrc.b, psC = this.perSrc.c, psD = this.perSrc.d;
    const ppA = this.perDport.a, ppB = this.perDport.b, ppC = this.perDport.c, ppD = this.perDport.d;
    const pcA = this.perConn.a, pcB = this.perConn.b, pcC = this.perConn.c;
    // the single-key groups are inlined (direct indexing by code or port)
    const dGens = this.dst.gens, dIds = this.dst.ids, dGen = this.dst.gen;
    const sGens = this.src.gens, sIds = this.src.ids, sGen = this.src.gen;
    const pGens = this.dport.gens, pIds = this.dport.ids, pGen = this.dport.gen;
    const spGens = this.sport.gens, spGen = this.sport.gen;
    const conn = this.conn, connDport = this.connDport, dstDport = this.dstDport, srcDport = this.srcDport, flow = this.flow;
    const wantDistinct = this.distinct;
    let nd = 0;
    let ns = 0;
    let np = 0;
    let nsp = 0;
    let missDst = 0;
    let missSrc = 0;
    let missDport = 0;
    let missSport = 0;
    let sumUp = 0;
    let sumDown = 0;
    let sumTotal = 0;

    for (let i = from; i < to; i++) {
      const r = rows === null ? i : rows[i]!;
      const d = dstIp[r]!;
      const s = srcIp[r]!;
      const dp = dstPort[r]!;
      const sp = srcPort[r]!;
      const hasD = d >= 0 ? 1 : 0;
      const hasS = s >= 0 ? 1 : 0;
      const hasDp = dp !== NO_PORT && dp >= 0 ? 1 : 0;
      // ports index 64 K tables and pack two to a 32-bit key: anything else is a reader bug
      if (dp > 65535 || sp > 65535) throw new RangeError(`port ${dp > 65535 ? dp : sp} out of range 0–65535 (row ${r})`);
      let gd = -1;
      let gs = -1;
      let gp = -1;
      if (hasD) {
        if (dGens[d] !== dGen) {
          dGens[d] = dGen;
          gd = nd++;
          dIds[d] = gd;
          pdA[gd] = pdB[gd] = pdC[gd] = pdD[gd] = 0;
        } else gd = dIds[d]!;
        pdA[gd] += hasDp;
        pdB[gd] += hasS;
      } else missDst = 1;
      if (hasS) {
        if (sGens[s] !== sGen) {
          sGens[s] = sGen;
          gs = ns++;
          sIds[s] = gs;
          psA[gs] = psB[gs] = psC[gs] = psD[gs] = 0;
        } else gs = sIds[s]!;
        psA[gs] += hasDp;
        psB[gs] += hasD;
      } else missSrc = 1;
      if (hasDp) {
        if (pGens[dp] !== pGen) {
          pGens[dp] = pGen;
          gp = np++;
          pIds[dp] = gp;
          ppA[gp] = ppB[gp] = ppC[gp] = ppD[gp] = 0;
        } else gp = pIds[dp]!;
        ppA[gp] += hasD;
        ppB[gp] += hasS;
      } else missDport = 1;
      const hasSp = sp !== NO_PORT && sp >= 0;
      if (hasSp) {
        if (spGens[sp] !== spGen) {
          spGens[sp] = spGen;
          nsp++;
        }
      } else missSport = 1;
      if (state !== null) {
        const st = state[r]!;
        if (st >= 0) stateCounts[st]!++;
      }
      if (hasD && hasS) {
        const gc = conn.add2(d, s);
        if (conn.isNew) {
          pcA[gc] = pcB[gc] = 0;
          pdD[gd]!++;
          psD[gs]!++;
        }
        pcA[gc] += hasDp;
        if (hasDp) {
          if (wantDistinct) {
            connDport.add(d, s, dp, 0);
            if (connDport.isNew) pcB[gc]!++;
          }
          if (hasSp) {
            const pr = proto[r]!;
            if (pr >= 0) {
              const gf = flow.add(d, s, (dp << 16) | sp, pr);
              if (flow.isNew) pcC[gf] = 0;
              pcC[gf]!++;
            }
          }
        }
      }
      if (hasDp && wantDistinct) {
        if (hasD) {
          dstDport.add2(d, dp);
          if (dstDport.isNew) {
            pdC[gd]!++;
            ppC[gp]!++;
          }
        }
        if (hasS) {
          srcDport.add2(s, dp);
          if (srcDport.isNew) {
            psC[gs]!++;
            ppD[gp]!++;
          }
        }
      }
      // pandas sum() skips NaN
      if (up !== null) {
        const v = up[r]!;
        if (v === v) sumUp += v;
      }
      if (down !== null) {
        const v = down[r]!;
        if (v === v) sumDown += v;
      }
      if (total !== null) {
        const v = total[r]!;
        if (v === v) sumTotal += v;
      } else if (up !== null && down !== null) {
        const v = up[r]! + down[r]!;
        if (v === v) sumTotal += v;
      }
    }

    const states = {} as Record<(typeof SEED_STATES)[number], number>;
    for (const name of SEED_STATES) {
      const code = table.dicts.state.lookup(name);
      states[name] = code === undefined || code >= nState ? 0 : stateCounts[code]!;
    }
    const nc = this.conn.size;
    const nf = this.flow.size;
    return {
      start,
      entries: m,
      distinct: {
        dstPort: np + missDport,
        srcPort: nsp + missSport,
        dstIp: nd + missDst,
        srcIp: ns + missSrc,
      },
      states,
      countConns: nc,
      countFlows: nf,
      rowsPer: {
        dst_port_per_conn: this.out('dst_port_per_conn', pcA, nc),
        entries_per_flow: this.out('entries_per_flow', pcC, nf),
        dst_port_per_dst_ip: this.out('dst_port_per_dst_ip', pdA, nd),
        src_ip_per_dst_ip: this.out('src_ip_per_dst_ip', pdB, nd),
        dst_port_per_src_ip: this.out('dst_port_per_src_ip', psA, ns),
        dst_ip_per_src_ip: this.out('dst_ip_per_src_ip', psB, ns),
        dst_ip_per_dst_port: this.out('dst_ip_per_dst_port', ppA, np),
        src_ip_per_dst_port: this.out('src_ip_per_dst_port', ppB, np),
      },
      distinctPer: {
        distinct_dst_port_per_conn: this.out('distinct_dst_port_per_conn', pcB, nc),
        distinct_dst_port_per_dst_ip: this.out('distinct_dst_port_per_dst_ip', pdC, nd),
        distinct_src_ip_per_dst_ip: this.out('distinct_src_ip_per_dst_ip', pdD, nd),
        distinct_dst_port_per_src_ip: this.out('distinct_dst_port_per_src_ip', psC, ns),
        distinct_dst_ip_per_src_ip: this.out('distinct_dst_ip_per_src_ip', psD, ns),
        distinct_dst_ip_per_dst_port: this.out('distinct_dst_ip_per_dst_port', ppC, np),
        distinct_src_ip_per_dst_port: this.out('distinct_src_ip_per_dst_port', ppD, np),
      },
      ...(this.omitted ? { omitted: this.omitted } : {}),
      bytesUp: up !== null ? sumUp : null,
      bytesDown: down !== null ? sumDown : null,
      bytesTotal: total !== null || (up !== null && down !== null) ? sumTotal : null,
    };
  }
}

export interface AggregatorOptions {
  distinct?: boolean;
  multisets?: ReadonlySet<MultisetKey>;
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
  const buckets = bucketByWindow(table.ts, table.length, windowSeconds, opts.keep ?? null);
  let source = table;
  let rows = buckets.rows;
  if (rows !== null && (opts.reorderInPlace === true || rows.length >= GATHER_MIN_ROWS)) {
    source = inWindowOrder(table, rows, opts.reorderInPlace === true);
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
