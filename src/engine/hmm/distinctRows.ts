/**
 * Distinct rows of an observation matrix. Sliding windows over a few flow codes repeat a lot, and
 * k-means only needs the distance work once per distinct window (with its multiplicity).
 */
import type { Observations } from './types.js';

/**
 * The distinct observations of `x` (dense, in order of first appearance), how often each occurs,
 * and which one each row is (50 k windows of a bot's flows hold ~11 k distinct ones).
 */
export interface DistinctRows {
  x: Observations;
  weight: Float64Array;
  /** Row t of the input is distinct row `of[t]`. */
  of: Int32Array;
}

export function distinctRows(x: Observations): DistinctRows {
  const { data, offset, stride, dim: d, length: n } = x;
  let cap = 16;
  while (cap < 2 * n) cap *= 2;
  const slots = new Int32Array(cap).fill(-1);
  const out = new Float64Array(n * d);
  const weight = new Float64Array(n);
  const of = new Int32Array(n);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  let u = 0;
  for (let t = 0; t < n; t++) {
    const b = offset + t * stride;
    let h = 0x811c9dc5;
    for (let j = 0; j < d; j++) {
      const v = data[b + j]!;
      let w: number;
      // codes are small integers: hash them as such (-0 | 0 is 0, and -0 equals 0); other values by their bits
      if ((v | 0) === v) w = v | 0;
      else {
        bits[0] = v;
        w = words[0]! ^ Math.imul(words[1]!, 0x9e3779b1);
      }
      h = Math.imul(h ^ w, 0x01000193);
    }
    // murmur3's finaliser, so the low bits used as the slot depend on every input bit
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let i = (h >>> 0) & (cap - 1);
    for (;;) {
      const v = slots[i]!;
      if (v < 0) {
        slots[i] = u;
        for (let j = 0; j < d; j++) out[u * d + j] = data[b + j]!;
        weight[u] = 1;
        of[t] = u++;
        break;
      }
      let same = true;
      for (let j = 0; j < d && same; j++) same = out[v * d + j] === data[b + j];
      if (same) {
        weight[v]!++;
        of[t] = v;
        break;
      }
      i = (i + 1) & (cap - 1);
    }
  }
  return { x: { data: out.subarray(0, u * d), length: u, dim: d, stride: d, offset: 0 }, weight: weight.subarray(0, u), of };
}
