/**
 * k-means with greedy k-means++ seeding, best of `nInit` runs by inertia — the procedure
 * scikit-learn's `KMeans(n_init=10)` follows when hmmlearn initialises the state means. Seeded
 * with our own generator: deterministic for a seed, not bit-identical to scikit-learn's draws.
 */
import { Rng } from '../random.js';
import { runSteps, type Steps } from '../steps.js';
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

function sqDist(x: Observations, t: number, c: Float64Array, ci: number): number {
  const d = x.dim;
  const b = row(x, t);
  let s = 0;
  for (let k = 0; k < d; k++) {
    const diff = x.data[b + k]! - c[ci * d + k]!;
    s += diff * diff;
  }
  return s;
}

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

function* seedPlusPlus(x: Observations, k: number, rng: Rng): Steps<Float64Array> {
  const n = x.length;
  const d = x.dim;
  const centers = new Float64Array(k * d);
  const copy = (t: number, c: number): void => {
    const b = row(x, t);
    for (let j = 0; j < d; j++) centers[c * d + j] = x.data[b + j]!;
  };
  copy(rng.nextInt(n), 0);
  const closest = new Float64Array(n);
  let pot = 0;
  for (let t = 0; t < n; t++) {
    closest[t] = sqDist(x, t, centers, 0);
    pot += closest[t]!;
  }
  const trials = 2 + Math.floor(Math.log(k));
  const cum = new Float64Array(n);
  const cand = new Float64Array(n);
  const bestDist = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    yield;
    let acc = 0;
    for (let t = 0; t < n; t++) cum[t] = acc += closest[t]!;
    let bestPot = Infinity;
    let bestT = -1;
    for (let trial = 0; trial < trials; trial++) {
      // All points coincide with chosen centres: any point is as good as another.
      const t = pot > 0 ? searchSorted(cum, rng.nextFloat() * pot) : rng.nextInt(n);
      copy(t, c);
      let p = 0;
      for (let u = 0; u < n; u++) {
        const dd = Math.min(closest[u]!, sqDist(x, u, centers, c));
        cand[u] = dd;
        p += dd;
      }
      if (p < bestPot) {
        bestPot = p;
        bestT = t;
        bestDist.set(cand);
      }
    }
    copy(bestT, c);
    closest.set(bestDist);
    pot = bestPot;
  }
  return centers;
}

function* lloyd(x: Observations, centers: Float64Array, k: number, maxIter: number, tolAbs: number): Steps<number> {
  const n = x.length;
  const d = x.dim;
  const labels = new Int32Array(n);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const assign = (): number => {
    let inertia = 0;
    for (let t = 0; t < n; t++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = sqDist(x, t, centers, c);
        if (dd < bd) {
          bd = dd;
          best = c;
        }
      }
      labels[t] = best;
      dist[t] = bd;
      inertia += bd;
    }
    return inertia;
  };
  for (let it = 0; it < maxIter; it++) {
    yield;
    assign();
    sums.fill(0);
    counts.fill(0);
    for (let t = 0; t < n; t++) {
      const c = labels[t]!;
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
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0; j < d; j++) {
        const v = sums[c * d + j]! / counts[c]!;
        const diff = v - centers[c * d + j]!;
        shift += diff * diff;
        centers[c * d + j] = v;
      }
    }
    if (shift <= tolAbs) break;
  }
  return assign();
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
  let best: KMeansResult | null = null;
  for (let run = 0; run < (opts.nInit ?? 10); run++) {
    const centers = yield* seedPlusPlus(x, k, rng);
    const inertia = yield* lloyd(x, centers, k, opts.maxIter ?? 300, tolAbs);
    if (best === null || inertia < best.inertia) best = { centers, inertia };
  }
  return best!;
}
