/**
 * k-means with greedy k-means++ seeding, best of `nInit` runs by inertia — the procedure
 * scikit-learn's `KMeans(n_init=10)` follows when hmmlearn initialises the state means. Seeded
 * with our own generator: deterministic for a seed, not bit-identical to scikit-learn's draws.
 *
 * The same procedure as over every row, done with less work: distances only for distinct rows
 * (`distinctRows`), k-means++ measures a step's candidates in one pass and skips rows whose
 * nearest centre is too close to change (`seeding.ts`), and Lloyd's assignment uses Hamerly's
 * bounds (`hamerly.ts`). On integer-valued rows (flow-code windows) the
 * result is bit for bit the one of the plain procedure; on real-valued rows sums are formed in
 * another order, so they agree to rounding.
 */
import { Rng } from '../random.js';
import { runSteps, type Steps } from '../steps.js';
import { distinctRows, type DistinctRows } from './distinctRows.js';
import { nearestTwo, sqDistance } from './distance.js';
import { HamerlyBounds } from './hamerly.js';
import { seedPlusPlus, sumOver } from './seeding.js';
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

/** Labels every row of `x` with its nearest centre (first on ties) and its squared distance. */
function assignLabels(x: Observations, centers: Float64Array, k: number, labels: Int32Array, dist: Float64Array): void {
  const { data, offset, stride, dim: d, length: n } = x;
  const near = new Float64Array(3);
  for (let t = 0; t < n; t++) {
    nearestTwo(data, offset + t * stride, centers, k, d, near);
    labels[t] = near[0]!;
    dist[t] = near[1]!;
  }
}

/**
 * Lloyd iterations from `centers` (updated in place); returns the inertia. Labels are found per
 * distinct row, with Hamerly's bounds sparing most distance computations once the centres settle
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
  const bounds = new HamerlyBounds(m, k);
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
