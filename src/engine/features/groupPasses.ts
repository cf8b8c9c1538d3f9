/**
 * The passes a window aggregate is made of, each one small loop over the window's rows (columns
 * read from offset `at`, `m` rows). A window is a few thousand rows, so its scratch arrays stay in
 * cache from pass to pass; small single-purpose loops compile in a fraction of the time one loop
 * doing everything took (that compile was the largest fixed cost of a short run), run as fast,
 * and passes a query's features do not read are not run at all.
 *
 * Missing values (negative codes, NO_PORT) follow pandas: they drop their row from groups keyed
 * on them, and count as one value in `len(unique())`.
 */
import type { DirectGroups, TupleGroups } from './groupTables.js';

/**
 * Group id of each row's key (dictionary code or port; negative = missing → -1) into `out`, ids
 * 0, 1, … in order of first appearance. Returns the number of groups; `g.missing` tells whether
 * some row had no key.
 */
export function groupIds(key: Int32Array, at: number, m: number, g: DirectGroups, out: Int32Array): number {
  const gens = g.gens;
  const ids = g.ids;
  const gen = g.gen;
  const space = gens.length;
  let n = 0;
  let missing = 0;
  for (let i = 0; i < m; i++) {
    const k = key[at + i]!;
    if (k < 0) {
      out[i] = -1;
      missing = 1;
      continue;
    }
    // ports index 64 K tables and codes the dictionary's: anything beyond is a reader bug
    if (k >= space) throw new RangeError(`key ${k} out of range 0–${space - 1} (row ${at + i})`);
    if (gens[k] !== gen) {
      gens[k] = gen;
      ids[k] = n;
      out[i] = n++;
    } else out[i] = ids[k]!;
  }
  g.size = n;
  g.missing = missing === 1;
  return n;
}

/** `len(unique())` of a key column without group ids: distinct keys, plus one when some row has none. */
export function distinctCount(key: Int32Array, at: number, m: number, g: DirectGroups): number {
  const gens = g.gens;
  const gen = g.gen;
  const space = gens.length;
  let n = 0;
  let missing = 0;
  for (let i = 0; i < m; i++) {
    const k = key[at + i]!;
    if (k < 0) {
      missing = 1;
      continue;
    }
    if (k >= space) throw new RangeError(`key ${k} out of range 0–${space - 1} (row ${at + i})`);
    if (gens[k] !== gen) {
      gens[k] = gen;
      n++;
    }
  }
  return n + missing;
}

/** `counts[g]` = rows of group g (of `groupOf`) whose `other` group is present: pandas `groupby(key)[other].count()`. */
export function countWhere(groupOf: Int32Array, other: Int32Array, m: number, counts: Int32Array, groups: number): void {
  counts.fill(0, 0, groups);
  for (let i = 0; i < m; i++) {
    const g = groupOf[i]!;
    if (g >= 0 && other[i]! >= 0) counts[g]!++;
  }
}

/**
 * Two `countWhere` of the same groups in one pass: rows of each group whose `a`, and whose `b`,
 * group is present (the seed reads both counts of every key).
 */
export function countWhere2(groupOf: Int32Array, a: Int32Array, b: Int32Array, m: number, countsA: Int32Array, countsB: Int32Array, groups: number): void {
  countsA.fill(0, 0, groups);
  countsB.fill(0, 0, groups);
  for (let i = 0; i < m; i++) {
    const g = groupOf[i]!;
    if (g < 0) continue;
    if (a[i]! >= 0) countsA[g]!++;
    if (b[i]! >= 0) countsB[g]!++;
  }
}

/**
 * Connection groups `(dst_ip, src_ip)` (rows with both addresses) into `gc` (-1 for the others);
 * counts the distinct src per dst group and dst per src group as it goes. Returns the number of
 * connections.
 */
export function connPass(
  dst: Int32Array,
  src: Int32Array,
  at: number,
  m: number,
  gd: Int32Array,
  gs: Int32Array,
  conn: TupleGroups,
  gc: Int32Array,
  srcPerDst: Int32Array,
  dstPerSrc: Int32Array,
  nd: number,
  ns: number,
): number {
  srcPerDst.fill(0, 0, nd);
  dstPerSrc.fill(0, 0, ns);
  for (let i = 0; i < m; i++) {
    const a = gd[i]!;
    const b = gs[i]!;
    if (a < 0 || b < 0) {
      gc[i] = -1;
      continue;
    }
    gc[i] = conn.add2(dst[at + i]!, src[at + i]!);
    if (conn.isNew) {
      srcPerDst[a]!++;
      dstPerSrc[b]!++;
    }
  }
  return conn.size;
}

/**
 * 5-tuple groups (rows with both addresses, both ports and a protocol); `perFlow`, when given,
 * receives the rows of each. Returns the number of flows.
 */
export function flowPass(
  dst: Int32Array,
  src: Int32Array,
  dstPort: Int32Array,
  srcPort: Int32Array,
  proto: Int32Array,
  at: number,
  m: number,
  flow: TupleGroups,
  perFlow: Int32Array | null,
): number {
  for (let i = 0; i < m; i++) {
    const r = at + i;
    const d = dst[r]!;
    const s = src[r]!;
    const dp = dstPort[r]!;
    const sp = srcPort[r]!;
    const pr = proto[r]!;
    if (d < 0 || s < 0 || dp < 0 || sp < 0 || pr < 0) continue;
    const g = flow.add(d, s, (dp << 16) | sp, pr);
    if (perFlow !== null) {
      if (flow.isNew) perFlow[g] = 0;
      perFlow[g]!++;
    }
  }
  return flow.size;
}

/**
 * Distinct dst ports per connection: each new `(conn, dst_port)` adds one to its connection's
 * count (`counts`, per conn group, zeroed here for `groups`).
 */
export function distinctPortsPerConn(gc: Int32Array, dstPort: Int32Array, at: number, m: number, table: TupleGroups, counts: Int32Array, groups: number): void {
  counts.fill(0, 0, groups);
  for (let i = 0; i < m; i++) {
    const c = gc[i]!;
    const dp = dstPort[at + i]!;
    if (c < 0 || dp < 0) continue;
    table.add2(c, dp);
    if (table.isNew) counts[c]!++;
  }
}

/**
 * Distinct pairs `(key, dst_port)` of rows with both: each new pair adds one to the key's group
 * count and one to the port's (`perKey`, `perPort`, zeroed here).
 */
export function distinctKeyPortPairs(
  key: Int32Array,
  dstPort: Int32Array,
  at: number,
  m: number,
  gk: Int32Array,
  gp: Int32Array,
  table: TupleGroups,
  perKey: Int32Array,
  keys: number,
  perPort: Int32Array,
  ports: number,
): void {
  perKey.fill(0, 0, keys);
  perPort.fill(0, 0, ports);
  for (let i = 0; i < m; i++) {
    const a = gk[i]!;
    const p = gp[i]!;
    if (a < 0 || p < 0) continue;
    table.add2(key[at + i]!, dstPort[at + i]!);
    if (table.isNew) {
      perKey[a]!++;
      perPort[p]!++;
    }
  }
}

/** Rows per state code (codes < counts.length; negative = no state). */
export function countStates(state: Int32Array, at: number, m: number, counts: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const st = state[at + i]!;
    if (st >= 0) counts[st]!++;
  }
}

/** Sum of a byte column over the window, NaN skipped (pandas `sum()`). */
export function sumColumn(values: Float64Array, at: number, m: number): number {
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const v = values[at + i]!;
    if (v === v) sum += v;
  }
  return sum;
}

/** Sum of `up + down` per row, rows where either is NaN skipped (pandas sums the NaN-propagating total). */
export function sumPairs(up: Float64Array, down: Float64Array, at: number, m: number): number {
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const v = up[at + i]! + down[at + i]!;
    if (v === v) sum += v;
  }
  return sum;
}
