/**
 * Hamerly's bounds for Lloyd iterations: each row keeps an upper bound on the distance to its
 * centre and one lower bound on the distance to every other centre. With few centres (an HMM has
 * 2–8 states) this beats Elkan's k bounds per row: a row that cannot be skipped costs one pass over
 * all centres, done four centres at a time (`nearestTwo`), and a skipped row costs two reads.
 *
 * The labels are exactly those of a full pass (nearest squared distance, first centre on ties):
 * a row is skipped only when every other centre is farther by a margin (`SAFE`) far above the
 * rounding of the bound updates, and a row that is not skipped gets its label from squared
 * distances computed as the full pass computes them.
 */
import { nearestTwo, sqDistance } from './distance.js';
import type { Observations } from './types.js';

const SAFE = 1e-9;
const UP = 1 + SAFE;
const DOWN = 1 - SAFE;

export class HamerlyBounds {
  readonly labels: Int32Array;
  /**
   * Bounds are kept against accumulated movement, so a pass writes nothing for rows it skips: the
   * upper bound on a row's distance to its centre a is `upper + drift[a]`; the lower bound on its
   * distance to any other centre is `lower − spread`, where `spread` sums each pass's largest move.
   */
  private readonly upper: Float64Array;
  private readonly lower: Float64Array;
  private readonly drift: Float64Array;
  private spread = 0;
  /** Half the distance from each centre to its nearest other centre. */
  private readonly half: Float64Array;
  private readonly near = new Float64Array(3);

  constructor(
    rows: number,
    private readonly k: number,
  ) {
    this.labels = new Int32Array(rows);
    this.upper = new Float64Array(rows);
    this.lower = new Float64Array(rows);
    this.drift = new Float64Array(k);
    this.half = new Float64Array(k);
  }

  /** A full pass: every row's nearest centre, and exact bounds. */
  assign(x: Observations, centers: Float64Array): void {
    const { data, offset, stride, dim: d, length: n } = x;
    const { k, labels, upper, lower, near } = this;
    this.drift.fill(0);
    this.spread = 0;
    for (let t = 0; t < n; t++) {
      nearestTwo(data, offset + t * stride, centers, k, d, near);
      labels[t] = near[0]!;
      upper[t] = Math.sqrt(near[1]!);
      lower[t] = Math.sqrt(near[2]!);
    }
  }

  /**
   * The labels under `centers`, which moved by `moved[c]` since the last pass. A row that changes
   * cluster carries its weight from one centre's sums and count to the other's.
   */
  reassign(x: Observations, weight: Float64Array, centers: Float64Array, moved: Float64Array, sums: Float64Array, counts: Float64Array): void {
    const { data, offset, stride, dim: d, length: n } = x;
    const { k, labels, upper, lower, drift, half, near } = this;
    let most = 0;
    let largest = 0;
    for (let c = 0; c < k; c++) {
      drift[c]! += moved[c]!;
      if (drift[c]! > most) most = drift[c]!;
      if (moved[c]! > largest) largest = moved[c]!;
    }
    const spread = (this.spread += largest);
    // the drift bookkeeping rounds at the scale of the largest accumulated movement, not of the bound
    const slack = 1e-12 * (most > spread ? most : spread);
    this.centreGaps(centers, d);
    for (let t = 0; t < n; t++) {
      const was = labels[t]!;
      const l = lower[t]! - spread;
      const h = half[was]!;
      const z = (l > h ? l : h) * DOWN;
      const u = upper[t]! + drift[was]!;
      if (u * UP + slack < z) continue;
      const b = offset + t * stride;
      nearestTwo(data, b, centers, k, d, near);
      const a = near[0]!;
      upper[t] = Math.sqrt(near[1]!) - drift[a]!;
      lower[t] = Math.sqrt(near[2]!) + spread;
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
    const { k, half } = this;
    half.fill(Infinity);
    for (let a = 0; a < k; a++) {
      for (let c = a + 1; c < k; c++) {
        const g = Math.sqrt(sqDistance(centers, a * d, centers, c * d, d)) / 2;
        if (g < half[a]!) half[a] = g;
        if (g < half[c]!) half[c] = g;
      }
    }
  }
}
