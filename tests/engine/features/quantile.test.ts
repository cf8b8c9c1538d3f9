import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCounted, describeCounts, describeInPlace, medianSorted, quantileSorted } from '../../../src/engine/quantile.js';

test('describe matches the semantics check [1,1,1,2,5,9] → p25 1, p50 1.5, p75 4.25, p90 7', () => {
  const d = describeInPlace(new Float64Array([9, 1, 2, 1, 5, 1]));
  assert.equal(d.perc25, 1.0);
  assert.equal(d.perc50, 1.5);
  assert.equal(d.perc75, 4.25);
  assert.equal(d.perc90, 7.0);
  assert.equal(d.max, 9);
  assert.equal(d.mean, 19 / 6);
});

test('an empty multiset describes as NaN everywhere, as pandas does', () => {
  const d = describeInPlace(new Float64Array(0));
  for (const v of Object.values(d)) assert.ok(Number.isNaN(v));
});

test('a single value is every quantile of itself', () => {
  assert.equal(quantileSorted([7], 0.9), 7);
  assert.equal(medianSorted([7]), 7);
});

test('weights of one half or more interpolate down from the upper neighbour like numpy _lerp', () => {
  // [0, 1, 3] at q = 0.9: h = 1.8, so numpy computes 3 - (3 - 1) * (1 - 0.8) with 0.8 = 1.8 - 1
  const t = 1.8 - 1;
  assert.equal(quantileSorted([0, 1, 3], 0.9), 3 - 2 * (1 - t));
  // below one half: a + (b - a) * t
  assert.equal(quantileSorted([0, 10, 30], 0.2), 0 + 10 * (0.4 - 0));
});

test('the histogram describe() of counts equals the sorting one on random multisets', () => {
  let s = 7;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % k;
  };
  for (let trial = 0; trial < 500; trial++) {
    const n = 1 + rnd(40);
    const spread = 1 + rnd(trial % 2 ? 5 : 5000);
    const values = Float64Array.from({ length: n }, () => rnd(spread));
    assert.deepEqual(describeCounts(values), describeInPlace(values.slice()));
  }
  assert.deepEqual(describeCounts(new Float64Array([1.5, 0.5])), describeInPlace(new Float64Array([1.5, 0.5])));
});

test('describe() of (value, count) pairs equals the sorting one on the expanded multiset', () => {
  let s = 11;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % k;
  };
  const expand = (values: number[], counts: number[]): Float64Array => Float64Array.from(values.flatMap((v, i) => Array<number>(counts[i]!).fill(v)));
  for (let trial = 0; trial < 500; trial++) {
    const k = 1 + rnd(12);
    // unsorted values, repeats and zero counts included
    const values = Array.from({ length: k }, () => rnd(trial % 2 ? 4 : 3000));
    const counts: number[] = Array.from({ length: k }, () => rnd(trial % 3 ? 6 : 400));
    if (!counts.some((c) => c > 0)) counts[0] = 1;
    assert.deepEqual(describeCounted(values, counts), describeInPlace(expand(values, counts)), `${values} × ${counts}`);
  }
  assert.deepEqual(describeCounted([2.5, 0.5], [1, 3]), describeInPlace(new Float64Array([2.5, 0.5, 0.5, 0.5])));
  assert.ok(Number.isNaN(describeCounted([3], [0]).max), 'only zero counts: the empty multiset');
  assert.throws(() => describeCounted([1], [1.5]), /non-negative integer/);
});
