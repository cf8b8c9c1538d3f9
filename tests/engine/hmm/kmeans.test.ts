/**
 * k-means clusters each distinct observation once (with its multiplicity). These tests hold it to
 * the plain procedure over every row — greedy k-means++ with the same draws, Lloyd iterations,
 * scikit-learn's relocation of empty clusters, best of nInit by inertia — written out here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random.js';
import { denseObservations, kmeans, slidingWindows, type Observations } from '../../../src/engine/hmm/index.js';

function rowsOf(x: Observations): number[][] {
  return Array.from({ length: x.length }, (_, t) => Array.from(x.data.subarray(x.offset + t * x.stride, x.offset + t * x.stride + x.dim)));
}

const sq = (a: number[], b: number[]): number => a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0);

/** The procedure over every row, as scikit-learn describes it (and as Flowlens did before). */
function referenceKmeans(x: Observations, k: number, seed: number, nInit = 10, maxIter = 300, tol = 1e-4): { centers: number[][]; inertia: number } {
  const rows = rowsOf(x);
  const n = rows.length;
  const d = x.dim;
  let varSum = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (const r of rows) mean += r[j]!;
    mean /= n;
    let v = 0;
    for (const r of rows) v += (r[j]! - mean) ** 2;
    varSum += v / n;
  }
  const tolAbs = tol * (varSum / d);
  const rng = new Rng(seed);
  let best: { centers: number[][]; inertia: number } | null = null;
  for (let run = 0; run < nInit; run++) {
    const centers: number[][] = [[...rows[rng.nextInt(n)]!]];
    let closest = rows.map((r) => sq(r, centers[0]!));
    let pot = closest.reduce((s, v) => s + v, 0);
    const trials = 2 + Math.floor(Math.log(k));
    for (let c = 1; c < k; c++) {
      const cum: number[] = [];
      let acc = 0;
      for (const v of closest) cum.push((acc += v));
      let bestPot = Infinity;
      let bestT = -1;
      let bestDist: number[] = [];
      for (let trial = 0; trial < trials; trial++) {
        let t: number;
        if (pot > 0) {
          const v = rng.nextFloat() * pot;
          t = cum.findIndex((s) => !(s < v));
          if (t < 0) t = n - 1;
        } else t = rng.nextInt(n);
        const cand = rows.map((r, u) => Math.min(closest[u]!, sq(r, rows[t]!)));
        const p = cand.reduce((s, v) => s + v, 0);
        if (p < bestPot) [bestPot, bestT, bestDist] = [p, t, cand];
      }
      centers.push([...rows[bestT]!]);
      closest = bestDist;
      pot = bestPot;
    }
    const nearest = (r: number[]): [number, number] => {
      let bc = 0;
      let bd = Infinity;
      centers.forEach((c, i) => {
        const dd = sq(r, c);
        if (dd < bd) [bc, bd] = [i, dd];
      });
      return [bc, bd];
    };
    for (let it = 0; it < maxIter; it++) {
      const labels = rows.map((r) => nearest(r)[0]);
      const dist = rows.map((r) => nearest(r)[1]);
      const sums = centers.map(() => new Array<number>(d).fill(0));
      const counts = new Array<number>(k).fill(0);
      rows.forEach((r, t) => {
        counts[labels[t]!]!++;
        r.forEach((v, j) => (sums[labels[t]!]![j]! += v));
      });
      for (let c = 0; c < k; c++) {
        if (counts[c]! > 0) continue;
        let far = -1;
        let fd = -1;
        rows.forEach((_, t) => {
          if (counts[labels[t]!]! > 1 && dist[t]! > fd) [fd, far] = [dist[t]!, t];
        });
        if (far < 0) continue;
        const old = labels[far]!;
        rows[far]!.forEach((v, j) => {
          sums[old]![j]! -= v;
          sums[c]![j] = v;
        });
        counts[old]!--;
        counts[c] = 1;
        labels[far] = c;
        dist[far] = 0;
      }
      let shift = 0;
      for (let c = 0; c < k; c++) {
        if (counts[c] === 0) continue;
        for (let j = 0; j < d; j++) {
          const v = sums[c]![j]! / counts[c]!;
          shift += (v - centers[c]![j]!) ** 2;
          centers[c]![j] = v;
        }
      }
      if (shift <= tolAbs) break;
    }
    const inertia = rows.reduce((s, r) => s + nearest(r)[1], 0);
    if (best === null || inertia < best.inertia) best = { centers: centers.map((c) => [...c]), inertia };
  }
  return best!;
}

/**
 * Centres as a set: on real-valued data, runs that reach the same clustering with the centres in
 * another order have inertias equal up to rounding, and which one wins is the rounding's choice.
 */
function sameCentres(ours: Float64Array, ref: number[][], d: number, what: string): void {
  const key = (c: number[]): string => c.map((v) => v.toFixed(6)).join(',');
  const mine = Array.from({ length: ref.length }, (_, c) => Array.from(ours.subarray(c * d, c * d + d)));
  const byKey = new Map(mine.map((c) => [key(c), c]));
  for (const r of ref) {
    const m = byKey.get(key(r));
    assert.ok(m, `${what}: centre ${key(r)} not found among ${[...byKey.keys()].join(' | ')}`);
    r.forEach((v, j) => assert.ok(Math.abs(v - m[j]!) <= 1e-12 * Math.max(1, Math.abs(v)), `${what}: ${m[j]} vs ${v}`));
  }
}

function botLikeCodes(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const codes = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const phase = t % 4;
    const proto = rng.nextFloat() < 0.05 ? 2 : phase === 3 ? 1 : 0;
    codes[t] = proto * 5 + (phase === 2 ? 4 : rng.nextInt(2));
  }
  return codes;
}

test('k-means on windows of integer codes equals the procedure over every row, bit for bit', () => {
  // k = 9 takes the four-centre pass and a remainder; k = 22 has five k-means++ candidates per step (two passes)
  for (const [n, k, seed] of [[3000, 4, 0], [800, 6, 3], [2000, 2, 11], [1500, 9, 7], [1200, 22, 5]] as const) {
    const x = slidingWindows(botLikeCodes(n, seed + 100), 10);
    const ours = kmeans(x, { k, seed });
    const ref = referenceKmeans(x, k, seed);
    assert.deepEqual(Array.from(ours.centers), ref.centers.flat(), `n=${n} k=${k} seed=${seed}`);
    assert.equal(ours.inertia, ref.inertia);
  }
});

test('k-means with more clusters than distinct values relocates empty clusters as over every row', () => {
  // 60 rows of three distinct values, 5 clusters: every run meets empty clusters
  const data = Float64Array.from({ length: 120 }, (_, i) => [0, 0, 5, 5, 9, 1][i % 6]!);
  const x = denseObservations(data, 60, 2);
  const ours = kmeans(x, { k: 5, seed: 2 });
  const ref = referenceKmeans(x, 5, 2);
  assert.deepEqual(Array.from(ours.centers), ref.centers.flat());
  assert.equal(ours.inertia, ref.inertia);
});

test('k-means on real-valued data agrees with the procedure over every row', () => {
  const rng = new Rng(9);
  const data = Float64Array.from({ length: 400 * 3 }, (_, i) => (i % 3) * 4 + Math.floor(i / 300) + rng.nextNormal());
  const x = denseObservations(data, 400, 3);
  const ours = kmeans(x, { k: 4, seed: 5 });
  const ref = referenceKmeans(x, 4, 5);
  sameCentres(ours.centers, ref.centers, 3, 'k=4');
  assert.ok(Math.abs(ours.inertia - ref.inertia) <= 1e-9 * ref.inertia);
});

test('k-means on many well-spread real-valued rows, where the bounds skip most work, agrees with the procedure over every row', () => {
  const rng = new Rng(21);
  const n = 3000;
  const data = new Float64Array(n * 4);
  for (let t = 0; t < n; t++) for (let j = 0; j < 4; j++) data[t * 4 + j] = ((t * 7 + j * 3) % 5) * 3 + rng.nextNormal() * 1.5;
  const x = denseObservations(data, n, 4);
  for (const [k, seed] of [[6, 1], [3, 4]] as const) {
    const ours = kmeans(x, { k, seed });
    const ref = referenceKmeans(x, k, seed);
    sameCentres(ours.centers, ref.centers, 4, `k=${k}`);
    assert.ok(Math.abs(ours.inertia - ref.inertia) <= 1e-9 * ref.inertia);
  }
});
