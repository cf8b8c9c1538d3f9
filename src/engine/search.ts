/** Binary search shared by the engine's sorted-array lookups. */

/** The first index whose value is not below `x` in ascending `a` (numpy searchsorted, side left); a.length when none. */
export function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
