import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random.js';
import { denseObservations, slidingWindows, type Observations } from '../../../src/engine/hmm/index.js';
import { distinctRows } from '../../../src/engine/hmm/distinctRows.js';

function rowsOf(x: Observations): number[][] {
  return Array.from({ length: x.length }, (_, t) => Array.from(x.data.subarray(x.offset + t * x.stride, x.offset + t * x.stride + x.dim)));
}

/** Codes like a bot's: a period of four flows, small random variation. */
function botLikeCodes(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const codes = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const phase = t % 4;
    codes[t] = (phase === 3 ? 5 : 0) + (phase === 2 ? 4 : rng.nextInt(2));
  }
  return codes;
}

test('distinct rows: each once, in order of first appearance, with multiplicity and a map back', () => {
  const x = denseObservations(Float64Array.from([1, 2, 3, 4, 1, 2, -0, 0, 0, 0, 3, 4]), 6, 2);
  const dr = distinctRows(x);
  // -0 equals 0 as an observation; the row keeps the values it was first written with
  assert.deepEqual(rowsOf(dr.x), [[1, 2], [3, 4], [-0, 0]]);
  assert.deepEqual(Array.from(dr.weight), [2, 2, 2]);
  assert.deepEqual(Array.from(dr.of), [0, 1, 0, 2, 2, 1]);
});

test('distinct rows of sliding windows over a few codes: far fewer rows, every row mapped to an equal one', () => {
  const x = slidingWindows(botLikeCodes(20000, 1), 10);
  const dr = distinctRows(x);
  assert.ok(dr.x.length < x.length * 0.6, `${dr.x.length} distinct of ${x.length}`);
  assert.equal(dr.weight.reduce((s, w) => s + w, 0), x.length);
  const all = rowsOf(x);
  const distinct = rowsOf(dr.x);
  all.forEach((r, t) => assert.deepEqual(r, distinct[dr.of[t]!]));
  assert.equal(new Set(distinct.map((r) => r.join(','))).size, distinct.length);
});
