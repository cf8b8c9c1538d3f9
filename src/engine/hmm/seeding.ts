/**
 * Greedy k-means++ seeding (scikit-learn's: 2 + ⌊ln k⌋ candidate centres per step, the one that
 * lowers the potential most is kept), on the distinct rows of the observations.
 *
 * The same procedure as over every row, done with less work: draws and potentials run over the
 * input rows in their order (so the result is the one every row would give), distances over the
 * distinct rows only, all of a step's candidates in one pass, and rows whose nearest centre is
 * too close for any candidate to come nearer are not measured at all.
 */
import type { Rng } from '../random.js';
import { lowerBound } from '../search.js';
import type { Steps } from '../steps.js';
import { sqDistance, sqDistances4 } from './distance.js';
import type { DistinctRows } from './distinctRows.js';
import type { Observations } from './types.js';

/** Σ over the input rows, in their order, of the value of the distinct row each one is. */
export function sumOver(of: Int32Array, values: Float64Array, from = 0): number {
  let p = 0;
  for (let t = 0; t < of.length; t++) p += values[from + of[t]!]!;
  return p;
}

/** The nearest-centre distances and centres of every distinct row under each of a step's candidates. */
interface Candidates {
  /** Candidate i's centre at i·d. */
  centers: Float64Array;
  /** Row u's squared distance to its nearest centre with candidate i added, at i·m + u. */
  dist: Float64Array;
  near: Int32Array;
  /** Squared distance from chosen centre j to candidate i, at i·k + j. */
  gap2: Float64Array;
}

/**
 * Fills `cand` for `q` candidates (q ≤ 4) joining the chosen centres 0…c−1, where each distinct
 * row's nearest one is `near[u]` at squared distance `closest[u]`. A candidate at least twice as
 * far from that centre as the row is cannot come nearer (triangle inequality); a row for which
 * this holds for every candidate is not measured, and the values are those of measuring it.
 */
function measureCandidates(x: Observations, centers: Float64Array, c: number, k: number, q: number, closest: Float64Array, near: Int32Array, cand: Candidates): void {
  const { data, offset, stride, dim: d, length: m } = x;
  const { dist, near: cnear, gap2 } = cand;
  for (let i = 0; i < q; i++) for (let j = 0; j < c; j++) gap2[i * k + j] = sqDistance(centers, j * d, cand.centers, i * d, d);
  // lanes past q repeat the last candidate, so one four-wide pass serves 2–4 candidates
  const lane = (i: number): number => Math.min(i, q - 1) * d;
  const [o0, o1, o2, o3] = [lane(0), lane(1), lane(2), lane(3)];
  const s = new Float64Array(4);
  // a row is measured when some candidate is near enough to its centre j: the nearest one decides
  const nearest = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    let g = Infinity;
    for (let i = 0; i < q; i++) if (gap2[i * k + j]! < g) g = gap2[i * k + j]!;
    nearest[j] = g;
  }
  for (let u = 0; u < m; u++) {
    const have = closest[u]!;
    const j = near[u]!;
    const measure = nearest[j]! <= 4 * have * (1 + 1e-9);
    if (measure) sqDistances4(data, offset + u * stride, cand.centers, o0, o1, o2, o3, d, s);
    for (let i = 0; i < q; i++) {
      const v = measure ? s[i]! : Infinity;
      if (v < have) {
        dist[i * m + u] = v;
        cnear[i * m + u] = c;
      } else {
        dist[i * m + u] = have;
        cnear[i * m + u] = j;
      }
    }
  }
}

export function* seedPlusPlus(x: Observations, dr: DistinctRows, k: number, rng: Rng): Steps<Float64Array> {
  const n = x.length;
  const d = x.dim;
  const of = dr.of;
  const centers = new Float64Array(k * d);
  const copy = (t: number, to: Float64Array, at: number): void => {
    const b = x.offset + t * x.stride;
    for (let j = 0; j < d; j++) to[at + j] = x.data[b + j]!;
  };
  copy(rng.nextInt(n), centers, 0);
  const m = dr.x.length;
  const closest = new Float64Array(m);
  const near = new Int32Array(m);
  for (let u = 0; u < m; u++) closest[u] = sqDistance(dr.x.data, dr.x.offset + u * dr.x.stride, centers, 0, d);
  let pot = sumOver(of, closest);
  const trials = 2 + Math.floor(Math.log(k));
  const cum = new Float64Array(n);
  const picked = new Int32Array(trials);
  const bestDist = new Float64Array(m);
  const bestNear = new Int32Array(m);
  const cand: Candidates = { centers: new Float64Array(4 * d), dist: new Float64Array(4 * m), near: new Int32Array(4 * m), gap2: new Float64Array(4 * k) };
  for (let c = 1; c < k; c++) {
    yield;
    let acc = 0;
    for (let t = 0; t < n; t++) cum[t] = acc += closest[of[t]!]!;
    // the draws do not depend on the candidates' distances: all of them first, in order
    for (let i = 0; i < trials; i++) picked[i] = pot > 0 ? Math.min(lowerBound(cum, rng.nextFloat() * pot), n - 1) : rng.nextInt(n);
    let bestPot = Infinity;
    let best = -1;
    for (let first = 0; first < trials; first += 4) {
      const q = Math.min(4, trials - first);
      for (let i = 0; i < q; i++) copy(picked[first + i]!, cand.centers, i * d);
      measureCandidates(dr.x, centers, c, k, q, closest, near, cand);
      for (let i = 0; i < q; i++) {
        const p = sumOver(of, cand.dist, i * m);
        if (p < bestPot) {
          bestPot = p;
          best = first + i;
          bestDist.set(cand.dist.subarray(i * m, i * m + m));
          bestNear.set(cand.near.subarray(i * m, i * m + m));
        }
      }
    }
    copy(picked[best]!, centers, c * d);
    closest.set(bestDist);
    near.set(bestNear);
    pot = bestPot;
  }
  return centers;
}
