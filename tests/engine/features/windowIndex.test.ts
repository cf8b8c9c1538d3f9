/** bucketByWindow: rows grouped by tumbling window, input order kept inside a window, and its steps. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketByWindow, bucketByWindowSteps } from '../../../src/engine/features/windowIndex.js';

/** Drains the steps, counting the pause points. */
function drain<T>(steps: Generator<void, T, undefined>): { value: T; pauses: number } {
  let pauses = 0;
  for (;;) {
    const r = steps.next();
    if (r.done === true) return { value: r.value, pauses };
    pauses++;
  }
}

describe('bucketByWindow', () => {
  it('groups out-of-order rows by window, keeping input order inside each window, and leaves out rows not kept', () => {
    const ts = Float64Array.from([25, 3, 14, 7, 21, 12, 5]);
    const keep = Uint8Array.from([1, 1, 1, 1, 1, 0, 1]);
    const b = bucketByWindow(ts, ts.length, 10, keep);
    assert.deepEqual([...b.windows], [0, 1, 2]);
    assert.deepEqual([...b.offsets], [0, 3, 4, 6]);
    assert.deepEqual([...b.rows!], [1, 3, 6, 2, 0, 4]);
  });

  it('needs no permutation for rows already in window order', () => {
    const b = bucketByWindow(Float64Array.from([1, 2, 11, 12, 13, 30]), 6, 10);
    assert.equal(b.rows, null);
    assert.deepEqual([...b.windows], [0, 1, 3]);
    assert.deepEqual([...b.offsets], [0, 2, 5, 6]);
  });

  it('as steps, pauses between its passes over out-of-order rows (none for ordered ones) and gives the same buckets', () => {
    const shuffled = Float64Array.from([25, 3, 14, 7, 21, 12, 5]);
    const steps = drain(bucketByWindowSteps(shuffled, shuffled.length, 10));
    assert.ok(steps.pauses >= 2, `${steps.pauses} pauses`);
    assert.deepEqual(steps.value, bucketByWindow(shuffled, shuffled.length, 10));
    assert.equal(drain(bucketByWindowSteps(Float64Array.from([1, 2, 11]), 3, 10)).pauses, 0);
  });
});
