/**
 * Quantiles and describe() statistics computed exactly as pandas 2.2 / numpy 2.1 do, so feature
 * values match the seed notebook bit for bit (semantics.md §1).
 */

/** Reads the i-th smallest value of a sample of n values. */
type OrderStat = (i: number) => number;

function quantileAt(at: OrderStat, n: number, q: number): number {
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  if (h >= n - 1) return at(n - 1);
  if (h <= 0) return at(0);
  const lo = Math.floor(h);
  const a = at(lo);
  const b = at(lo + 1);
  const t = h - lo;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

function medianAt(at: OrderStat, n: number): number {
  if (n === 0) return NaN;
  const mid = n >> 1;
  if (n % 2 === 1) return at(mid);
  return (at(mid - 1) + at(mid)) / 2;
}

/**
 * Linear-interpolated quantile of an ascending-sorted sample, as `numpy.quantile(method='linear')`
 * (which pandas `Series.quantile` calls): virtual index `h = (n − 1)·q`, then numpy's `_lerp`,
 * which interpolates from the upper neighbour when the weight is ≥ 0.5 — that choice changes the
 * last bits of the result, so it is kept. Empty sample → NaN.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  return quantileAt((i) => sorted[i]!, sorted.length, q);
}

/** Median as pandas `Series.median` (numpy `nanmedian`: mean of the two middle values). */
export function medianSorted(sorted: ArrayLike<number>): number {
  return medianAt((i) => sorted[i]!, sorted.length);
}

/** The seed's `describe_distribution`: max, mean, perc25, perc50 (median), perc75, perc90. */
export interface Description {
  max: number;
  mean: number;
  perc25: number;
  perc50: number;
  perc75: number;
  perc90: number;
}

function describeWith(at: OrderStat, n: number, max: number, sum: number): Description {
  return {
    max,
    mean: sum / n,
    perc25: quantileAt(at, n, 0.25),
    perc50: medianAt(at, n),
    perc75: quantileAt(at, n, 0.75),
    perc90: quantileAt(at, n, 0.9),
  };
}

const EMPTY: Description = { max: NaN, mean: NaN, perc25: NaN, perc50: NaN, perc75: NaN, perc90: NaN };

/**
 * describe() of a multiset. Sorts `values` IN PLACE (callers pass scratch or owned arrays).
 * The mean sums in ascending order; for the integer group sizes this engine describes, every
 * partial sum is an exact integer, so the result equals numpy's pairwise float sum divided by n.
 */
export function describeInPlace(values: Float64Array): Description {
  const n = values.length;
  if (n === 0) return { ...EMPTY };
  values.sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  return describeWith((i) => values[i]!, n, values[n - 1]!, sum);
}

/**
 * describe() of a multiset of counts (non-negative integers, such as group sizes) without
 * sorting: a histogram yields the few order statistics the quantiles read, and the formulas are
 * those of `describeInPlace`, so results are identical. Falls back to sorting a copy when the
 * values are not small integers. Does not modify `values`.
 */
export function describeCounts(values: Float64Array): Description {
  const n = values.length;
  if (n === 0) return { ...EMPTY };
  let max = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!(v >= 0) || v !== Math.floor(v)) return describeInPlace(values.slice());
    if (v > max) max = v;
    sum += v;
  }
  if (max > 4 * n + 1024) return describeInPlace(values.slice());
  // cum[v]: how many values are ≤ v, so the i-th smallest is the first v with cum[v] > i
  const cum = new Int32Array(max + 1);
  for (let i = 0; i < n; i++) cum[values[i]!]!++;
  for (let v = 1; v <= max; v++) cum[v]! += cum[v - 1]!;
  return describeWith((i) => firstAbove(cum, i), n, max, sum);
}

/** The first index of the non-decreasing `cum` whose value exceeds `i` (one exists: cum's last is n > i). */
function firstAbove(cum: ArrayLike<number>, i: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > i) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * describe() of a multiset given as distinct values and how often each occurs (counts ≥ 0; a
 * value may repeat), without expanding it: the order statistics the quantiles read are found on
 * the running counts. For integer values (group sizes) the sum, and so every statistic, is the
 * one `describeCounts` gives on the expanded multiset; other values are expanded and sorted.
 */
export function describeCounted(values: ArrayLike<number>, counts: ArrayLike<number>): Description {
  const k = values.length;
  const order: number[] = [];
  let n = 0;
  let integral = true;
  for (let i = 0; i < k; i++) {
    const c = counts[i]!;
    if (!(c >= 0) || c !== Math.floor(c)) throw new RangeError(`a multiset count must be a non-negative integer, got ${c}`);
    if (c === 0) continue;
    order.push(i);
    n += c;
    const v = values[i]!;
    if (!(v >= 0) || v !== Math.floor(v)) integral = false;
  }
  if (n === 0) return { ...EMPTY };
  if (!integral) {
    const all = new Float64Array(n);
    let at = 0;
    for (const i of order) all.fill(values[i]!, at, (at += counts[i]!));
    return describeInPlace(all);
  }
  order.sort((a, b) => values[a]! - values[b]!);
  const ends = new Float64Array(order.length);
  let seen = 0;
  let sum = 0;
  order.forEach((i, j) => {
    seen += counts[i]!;
    ends[j] = seen;
    sum += values[i]! * counts[i]!;
  });
  // the value at position p: the first run whose running count exceeds p
  const at = (p: number): number => values[order[firstAbove(ends, p)]!]!;
  return describeWith(at, n, values[order[order.length - 1]!]!, sum);
}
