/**
 * k-means with greedy k-means++ seeding, best of `nInit` runs by inertia — the procedure
 * scikit-learn's `KMeans(n_init=10)` follows when hmmlearn initialises the state means. Seeded
 * with our own generator: deterministic for a seed, not bit-identical to scikit-learn's draws.
 *
 * The same procedure as over every row, done with less work: distances only for distinct rows
 * (`distinctRows`), k-means++ skips rows whose nearest centre is too close to change, and Lloyd's
 * assignment uses Elkan's bounds (`elkan.ts`). On integer-valued rows (flow-code windows) the
 * result is bit for bit the one of the plain procedure; on real-valued rows sums are formed in
 * another order, so they agree to rounding.
 */
import { Rng } from '../random.js';
import { runSteps, type Steps } from '../steps.js';
import { distinctRows, type DistinctRows } from './distinctRows.js';
import { ElkanBounds, sqDistance } from './elkan.js';
import type { Observations } from './types.js';

export interface KMeansOptions {
  k: number;
  seed: number;
  nInit?: number;
  maxIter?: number;
  /** Relative tolerance on the squared centre shift (scikit-learn: tol · mean feature variance). */
  tol?: number;
}

export interface KMeansResult {
  centers: Float64Array;
  inertia: number;
}

const row = (x: Observations, t: number): number => x.offset + t * x.stride;

/** Lower bound index in a non-decreasing cumulative array (numpy searchsorted, side left). */
function searchSorted(cum: Float64Array, v: number): number {
  let lo = 0;
  let hi = cum.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, cum.length - 1);
}

/** Squared distance of every distinct row to centre 0. */
function distancesToFirst(x: Observations, centers: Float64Array, out: Float64Array): void {
  const { data, offset, stride, dim: d, length: n } = x;
  for (let u = 0; u < n; u++) out[u] = sqDistance(data, offset + u * stride, centers, 0, d);
}

/**
 * Each distinct row's squared distance to its nearest centre once centre `c` joins centres 0…c−1
 * (`closest`, reached at centre `near`), and which centre that is. A row whose nearest centre lies
 * at least twice as far from `c` as from the row cannot come nearer to `c` (triangle inequality),
 * so its distance to `c` is never computed; the values are those of computing every one.
 */
function distancesWith(x: Observations, centers: Float64Array, c: number, closest: Float64Array, near: Int32Array, out: Float64Array, outNear: Int32Array, gap2: Float64Array): void {
  const { data, offset, stride, dim: d, length: n } = x;
  const cb = c * d;
  for (let j = 0; j < c; j++) gap2[j] = sqDistance(centers, j * d, centers, cb, d);
  for (let u = 0; u < n; u++) {
    const have = closest[u]!;
    const j = near[u]!;
    if (gap2[j]! > 4 * have * (1 + 1e-9)) {
      out[u] = have;
      outNear[u] = j;
      continue;
    }
    const s = sqDistance(data, offset + u * stride, centers, cb, d);
    if (s < have) {
      out[u] = s;
      outNear[u] = c;
    } else {
      out[u] = have;
      outNear[u] = j;
    }
  }
}

/** Σ over the input rows, in their order, of the value of the distinct row each one is. */
function sumOver(of: Int32Array, values: Float64Array): number {
  let p = 0;
  for (let t = 0; t < of.length; t++) p += values[of[t]!]!;
  return p;
}

/**
 * Greedy k-means++. Draws and potentials run over the input rows in their order (so the result is
 * the one every row would give), distances over the distinct rows only.
 */
function* seedPlusPlus(x: Observations, dr: DistinctRows, k: number, rng: Rng): Steps<Float64Array> {
  const n = x.length;
  const d = x.dim;
  const of = dr.of;
  const centers = new Float64Array(k * d);
  const copy = (t: number, c: number): void => {
    const b = row(x, t);
    for (let j = 0; j < d; j++) centers[c * d + j] = x.data[b + j]!;
  };
  copy(rng.nextInt(n), 0);
  const m = dr.x.length;
  const closest = new Float64Array(m);
  const near = new Int32Array(m);
  distancesToFirst(dr.x, centers, closest);
  let pot = sumOver(of, closest);
  const trials = 2 + Math.floor(Math.log(k));
  const cum = new Float64Array(n);
  const cand = new Float64Array(m);
  const candNear = new Int32Array(m);
  const bestDist = new Float64Array(m);
  const bestNear = new Int32Array(m);
  const gap2 = new Float64Array(k);
  for (let c = 1; c < k; c++) {
    yield;
    let acc = 0;
    for (let t = 0; t < n; t++) cum[t] = acc += closest[of[t]!]!;
    let bestPot = Infinity;
    let bestT = -1;
    for (let trial = 0; trial < trials; trial++) {
      // All points coincide with chosen centres: any point is as good as another.
      const t = pot > 0 ? searchSorted(cum, rng.nextFloat() * pot) : rng.nextInt(n);
      copy(t, c);
      distancesWith(dr.x, centers, c, closest, near, cand, candNear, gap2);
      const p = sumOver(of, cand);
      if (p < bestPot) {
        bestPot = p;
        bestT = t;
        bestDist.set(cand);
        bestNear.set(candNear);
      }
    }
    copy(bestT, c);
    closest.set(bestDist);
    near.set(bestNear);
    pot = bestPot;
  }
  return centers;
}

/**
 * Labels every row of `x` with its nearest centre (first on ties) and its squared distance. The
 * hot loop of k-means: plain arguments and locals only, so the JIT keeps them in registers.
 */
function assignLabels(x: Observations, centers: Float64Array, k: number, labels: Int32Array, dist: Float64Array): void {
  const { data, offset, stride, dim: d, length: n } = x;
  for (let t = 0; t < n; t++) {
    const b = offset + t * stride;
    let best = 0;
    let bd = Infinity;
    for (let c = 0, cb = 0; c < k; c++, cb += d) {
      const s = sqDistance(data, b, centers, cb, d);
      if (s < bd) {
        bd = s;
        best = c;
      }
    }
    labels[t] = best;
    dist[t] = bd;
  }
}

/**
 * Lloyd iterations from `centers` (updated in place); returns the inertia. Labels are found per
 * distinct row, with Elkan's bounds sparing most distance computations once the centres settle
 * (the labels are the ones a full pass gives); sums and counts weigh each distinct row by its
 * multiplicity and follow the rows that change cluster, which for integer-valued data (flow codes)
 * is exactly the sum over every row. An
 * iteration that leaves a cluster empty falls back to the rows themselves, since the relocation
 * takes single rows.
 */
function* lloyd(x: Observations, dr: DistinctRows, centers: Float64Array, k: number, maxIter: number, tolAbs: number): Steps<number> {
  const n = x.length;
  const d = x.dim;
  const ux = dr.x;
  const m = ux.length;
  const bounds = new ElkanBounds(m, k);
  const ulabels = bounds.labels;
  const udist = new Float64Array(m);
  const moved = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let labels: Int32Array | null = null;
  let dist: Float64Array | null = null;
  let bounded = false;
  for (let it = 0; it < maxIter; it++) {
    yield;
    if (bounded) {
      bounds.reassign(ux, dr.weight, centers, moved, sums, counts);
    } else {
      bounds.assign(ux, centers);
      bounded = true;
      sums.fill(0);
      counts.fill(0);
      for (let u = 0; u < m; u++) {
        const c = ulabels[u]!;
        const w = dr.weight[u]!;
        counts[c]! += w;
        const b = u * d;
        for (let j = 0; j < d; j++) sums[c * d + j]! += w * ux.data[b + j]!;
      }
    }
    if (counts.includes(0)) {
      // the relocation needs every row's exact distance, and moves single rows: no bounds survive it
      assignLabels(ux, centers, k, ulabels, udist);
      bounded = false;
      labels ??= new Int32Array(n);
      dist ??= new Float64Array(n);
      sums.fill(0);
      counts.fill(0);
      for (let t = 0; t < n; t++) {
        const u = dr.of[t]!;
        const c = (labels[t] = ulabels[u]!);
        dist[t] = udist[u]!;
        counts[c]!++;
        const b = row(x, t);
        for (let j = 0; j < d; j++) sums[c * d + j]! += x.data[b + j]!;
      }
      // Empty clusters take the points farthest from their centres, as scikit-learn relocates them.
      for (let c = 0; c < k; c++) {
        if (counts[c]! > 0) continue;
        let far = -1;
        let fd = -1;
        for (let t = 0; t < n; t++) {
          if (counts[labels[t]!]! > 1 && dist[t]! > fd) {
            fd = dist[t]!;
            far = t;
          }
        }
        if (far < 0) continue;
        const old = labels[far]!;
        const b = row(x, far);
        for (let j = 0; j < d; j++) {
          sums[old * d + j]! -= x.data[b + j]!;
          sums[c * d + j] = x.data[b + j]!;
        }
        counts[old]!--;
        counts[c] = 1;
        labels[far] = c;
        dist[far] = 0;
      }
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      let own = 0;
      if (counts[c] !== 0) {
        for (let j = 0; j < d; j++) {
          const v = sums[c * d + j]! / counts[c]!;
          const diff = v - centers[c * d + j]!;
          shift += diff * diff;
          own += diff * diff;
          centers[c * d + j] = v;
        }
      }
      moved[c] = Math.sqrt(own);
    }
    if (shift <= tolAbs) break;
  }
  // The inertia under the final centres: labels by one more bounded pass, then the distance of
  // each row to its own centre only, computed as a full pass computes it.
  if (bounded) {
    bounds.reassign(ux, dr.weight, centers, moved, sums, counts);
    distanceToLabel(ux, centers, ulabels, udist);
  } else assignLabels(ux, centers, k, ulabels, udist);
  return sumOver(dr.of, udist);
}

/** Squared distance of every row to the centre it is labelled with. */
function distanceToLabel(x: Observations, centers: Float64Array, labels: Int32Array, dist: Float64Array): void {
  const { data, offset, stride, dim: d, length: n } = x;
  for (let t = 0; t < n; t++) dist[t] = sqDistance(data, offset + t * stride, centers, labels[t]! * d, d);
}

/** Mean over features of the per-feature variance (ddof 0), scikit-learn's tolerance scale. */
function meanVariance(x: Observations): number {
  const n = x.length;
  const d = x.dim;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let t = 0; t < n; t++) mean += x.data[row(x, t) + j]!;
    mean /= n;
    let v = 0;
    for (let t = 0; t < n; t++) {
      const diff = x.data[row(x, t) + j]! - mean;
      v += diff * diff;
    }
    total += v / n;
  }
  return total / d;
}

/**
 * Cluster centres (k×d). With fewer observations than clusters, the observations are reused in
 * order (scikit-learn refuses; duplicate centres are harmless to the HMM that follows).
 */
export function kmeans(x: Observations, opts: KMeansOptions): KMeansResult {
  return runSteps(kmeansSteps(x, opts));
}

/** `kmeans` as steps: a pause point per seeded centre and per Lloyd iteration. */
export function* kmeansSteps(x: Observations, opts: KMeansOptions): Steps<KMeansResult> {
  const { k } = opts;
  const d = x.dim;
  const n = x.length;
  if (n === 0) throw new RangeError('k-means needs at least one observation');
  if (n <= k) {
    const centers = new Float64Array(k * d);
    for (let c = 0; c < k; c++) {
      const b = row(x, c % n);
      for (let j = 0; j < d; j++) centers[c * d + j] = x.data[b + j]!;
    }
    return { centers, inertia: 0 };
  }
  const rng = new Rng(opts.seed);
  const tolAbs = (opts.tol ?? 1e-4) * meanVariance(x);
  const dr = distinctRows(x);
  let best: KMeansResult | null = null;
  for (let run = 0; run < (opts.nInit ?? 10); run++) {
    const centers = yield* seedPlusPlus(x, dr, k, rng);
    const inertia = yield* lloyd(x, dr, centers, k, opts.maxIter ?? 300, tolAbs);
    if (best === null || inertia < best.inertia) best = { centers, inertia };
  }
  return best!;
}
