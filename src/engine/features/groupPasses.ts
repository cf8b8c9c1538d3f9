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
 * Groups of a pair of keys `(a, b)` (rows where both are present: `ga`/`gb` are their group ids),
 * and for each group of `a` the number of distinct `b` (`perA`, zeroed here for `na` groups),
 * and the other way round (`perB`). `pairOf`, when given, receives each row's pair id (-1 when
 * a key is missing). Returns the number of pairs. Connections are the pairs (dst_ip, src_ip);
 * the distinct tables pair an address with the dst port.
 */
export function pairGroups(
  a: Int32Array,
  b: Int32Array,
  at: number,
  m: number,
  ga: Int32Array,
  gb: Int32Array,
  table: TupleGroups,
  perA: Int32Array,
  na: number,
  perB: Int32Array,
  nb: number,
  pairOf: Int32Array | null,
): number {
  perA.fill(0, 0, na);
  perB.fill(0, 0, nb);
  for (let i = 0; i < m; i++) {
    const x = ga[i]!;
    const y = gb[i]!;
    if (x < 0 || y < 0) {
      if (pairOf !== null) pairOf[i] = -1;
      continue;
    }
    const id = table.add2(a[at + i]!, b[at + i]!);
    if (pairOf !== null) pairOf[i] = id;
    if (table.isNew) {
      perA[x]!++;
      perB[y]!++;
    }
  }
  return table.size;
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
