/**
 * The squared Euclidean distances of k-means. Every one is a sum in feature order, so a distance
 * computed alone or four at a time is the same number (the bounds and the seeding rely on it).
 */

/** Σ_j (data[b + j] − centers[cb + j])² over d values, in j order (every k-means distance is this one). */
export function sqDistance(data: Float64Array, b: number, centers: Float64Array, cb: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const diff = data[b + j]! - centers[cb + j]!;
    s += diff * diff;
  }
  return s;
}

const quad = new Float64Array(4);

/**
 * Nearest and second-nearest squared distance of row `b` over all k centres; the nearest centre's
 * index goes to `out[0]`, the distances to out[1] and out[2]. Four centres share one pass over the
 * row's values (`sqDistances4`).
 */
export function nearestTwo(data: Float64Array, b: number, centers: Float64Array, k: number, d: number, out: Float64Array): void {
  let best = 0;
  let bd = Infinity;
  let second = Infinity;
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    const c0 = c * d;
    const c1 = c0 + d;
    const c2 = c1 + d;
    const c3 = c2 + d;
    sqDistances4(data, b, centers, c0, c1, c2, c3, d, quad);
    for (let i = 0; i < 4; i++) {
      const v = quad[i]!;
      if (v < bd) {
        second = bd;
        bd = v;
        best = c + i;
      } else if (v < second) second = v;
    }
  }
  for (; c < k; c++) {
    const s = sqDistance(data, b, centers, c * d, d);
    if (s < bd) {
      second = bd;
      bd = s;
      best = c;
    } else if (s < second) second = s;
  }
  out[0] = best;
  out[1] = bd;
  out[2] = second;
}

/**
 * Squared distances of row `b` to four centres at once (offsets c0…c3 into `centers`, repeats
 * allowed), into out[0…3]: four independent sums, each in j order, so each is `sqDistance`'s value.
 */
export function sqDistances4(data: Float64Array, b: number, centers: Float64Array, c0: number, c1: number, c2: number, c3: number, d: number, out: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let j = 0; j < d; j++) {
    const v = data[b + j]!;
    const e0 = v - centers[c0 + j]!;
    const e1 = v - centers[c1 + j]!;
    const e2 = v - centers[c2 + j]!;
    const e3 = v - centers[c3 + j]!;
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}
