/** timeEnds: the two ends of a stable time sort, checked against sorting every row. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeEnds } from '../../src/engine/timeEnds.js';
import { Rng } from '../../src/engine/random.js';

/** The reference: a stable sort of every row by time. */
function stableOrder(ts: Float64Array): number[] {
  return Array.from(ts.keys()).sort((a, b) => ts[a]! - ts[b]! || a - b);
}

describe('timeEnds', () => {
  it('equals the first k rows of a stable time sort, and the last k reversed for the newest, on shuffled times with many ties', () => {
    const rng = new Rng(7);
    for (const [n, span] of [[1, 1], [50, 3], [1000, 20], [5000, 5000]] as const) {
      const ts = Float64Array.from({ length: n }, () => 1_313_000_000 + rng.nextInt(span));
      const order = stableOrder(ts);
      for (const k of [0, 1, 2, 7, n - 1, n, n + 5]) {
        if (k < 0) continue;
        assert.deepEqual([...timeEnds(ts, n, k, false)], order.slice(0, k), `oldest n=${n} k=${k}`);
        assert.deepEqual([...timeEnds(ts, n, k, true)], order.slice(Math.max(0, n - k)).reverse(), `newest n=${n} k=${k}`);
      }
    }
  });

  it('reads only the first `length` rows of a longer array', () => {
    const ts = Float64Array.from([5, 1, 3, 0, 0]);
    assert.deepEqual([...timeEnds(ts, 3, 2, false)], [1, 2]);
    assert.deepEqual([...timeEnds(ts, 3, 2, true)], [0, 2]);
  });
});
