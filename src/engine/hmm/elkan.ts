/**
 * Elkan's bounds for Lloyd iterations: each row keeps an upper bound on the distance to its centre
 * and a lower bound on the distance to every centre; with the half distances between centres, the
 * triangle inequality shows most rows keep their label without computing any distance.
 *
 * The labels are exactly those of a full pass (nearest squared distance, first centre on ties):
 * a centre is passed over only when it is farther by a margin (`SAFE`) far above the rounding of
 * the bound updates, and every comparison that decides a label is made on freshly computed squared
 * distances, with the full pass's tie-break.
 */
import type { Observations } from './types.js';

const SAFE = 1e-9;
const UP = 1 + SAFE;
const DOWN = 1 - SAFE;

/** Σ_j (data[b + j] − centers[cb + j])² over d values, in j order (every k-means distance is this one). */
export function sqDistance(data: Float64Array, b: number, centers: Float64Array, cb: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const diff = data[b + j]! - centers[cb + j]!;
    s += diff * diff;
  }
  return s;
}

export class ElkanBounds {
  readonly labels: Int32Array;
  /**
   * Bounds are kept against the centres' accumulated movement `drift`, so a pass updates nothing
   * for rows it skips: the upper bound on a row's distance to its centre a is `upper + drift[a]`,
   * the lower bound on its distance to centre c is `lower[c] − drift[c]` (row-major m×k).
   */
  private readonly upper: Float64Array;
  private readonly lower: Float64Array;
  private readonly drift: Float64Array;
  /** Half the distance between centres a and c, k×k. */
  private readonly gap: Float64Array;
  /** Half the distance from each centre to its nearest other centre. */
  private readonly half: Float64Array;

  constructor(
    rows: number,
    private readonly k: number,
  ) {
    this.labels = new Int32Array(rows);
    this.upper = new Float64Array(rows);
    this.lower = new Float64Array(rows * k);
    this.drift = new Float64Array(k);
    this.gap = new Float64Array(k * k);
    this.half = new Float64Array(k);
  }

  /** A full pass: every row's nearest centre, and all k distances as exact bounds. */
  assign(x: Observations, centers: Float64Array): void {
    const { data, offset, stride, dim: d, length: n } = x;
    const { k, labels, upper, lower, drift } = this;
    drift.fill(0);
    for (let t = 0; t < n; t++) {
      const b = offset + t * stride;
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const s = sqDistance(data, b, centers, c * d, d);
        lower[t * k + c] = Math.sqrt(s);
        if (s < bd) {
          bd = s;
          best = c;
        }
      }
      labels[t] = best;
      upper[t] = Math.sqrt(bd);
    }
  }

  /**
   * The labels under `centers`, which moved by `moved[c]` since the last pass. A row that changes
   * cluster carries its weight from one centre's sums and count to the other's.
   */
  reassign(x: Observations, weight: Float64Array, centers: Float64Array, moved: Float64Array, sums: Float64Array, counts: Float64Array): void {
    const { data, offset, stride, dim: d, length: n } = x;
    const { k, labels, upper, lower, drift, gap, half } = this;
    let most = 0;
    for (let c = 0; c < k; c++) {
      drift[c]! += moved[c]!;
      if (drift[c]! > most) most = drift[c]!;
    }
    // the drift bookkeeping rounds at the scale of the largest drift, not of the bound
    const slack = 1e-12 * most;
    this.centreGaps(centers, d);
    for (let t = 0; t < n; t++) {
      const was = labels[t]!;
      let a = was;
      let u = upper[t]! + drift[a]!;
      if (u * UP + slack < half[a]! * DOWN) continue;
      const lb = t * k;
      const b = offset + t * stride;
      let sqA = -1;
      for (let c = 0; c < k; c++) {
        if (c === a) continue;
        const l = lower[lb + c]! - drift[c]!;
        const g = gap[a * k + c]!;
        const z = (l > g ? l : g) * DOWN;
        if (u * UP + slack < z) continue;
        if (sqA < 0) {
          sqA = sqDistance(data, b, centers, a * d, d);
          u = Math.sqrt(sqA);
          lower[lb + a] = u + drift[a]!;
          if (u * UP + slack < z) continue;
        }
        const sqC = sqDistance(data, b, centers, c * d, d);
        const dc = Math.sqrt(sqC);
        lower[lb + c] = dc + drift[c]!;
        if (sqC < sqA || (sqC === sqA && c < a)) {
          a = c;
          sqA = sqC;
          u = dc;
        }
      }
      if (sqA < 0) continue;
      upper[t] = u - drift[a]!;
      if (a !== was) {
        labels[t] = a;
        const w = weight[t]!;
        counts[was]! -= w;
        counts[a]! += w;
        for (let j = 0, from = was * d, to = a * d; j < d; j++) {
          const v = w * data[b + j]!;
          sums[from + j]! -= v;
          sums[to + j]! += v;
        }
      }
    }
  }

  private centreGaps(centers: Float64Array, d: number): void {
    const { k, gap, half } = this;
    half.fill(Infinity);
    for (let a = 0; a < k; a++) {
      for (let c = a + 1; c < k; c++) {
        const g = Math.sqrt(sqDistance(centers, a * d, centers, c * d, d)) / 2;
        gap[a * k + c] = gap[c * k + a] = g;
        if (g < half[a]!) half[a] = g;
        if (g < half[c]!) half[c] = g;
      }
    }
  }
}
