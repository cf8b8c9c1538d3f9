import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestAbortedError } from '../../../src/backend/grafana/errors.js';
import { runInSlices } from '../../../src/backend/grafana/timeSlices.js';

/** Busy work in `steps` pieces of about `msEach` ms; counts the pieces done. */
function* busy(steps: number, msEach: number, done: { n: number; closed: boolean }): Generator<void, number, undefined> {
  try {
    for (let i = 0; i < steps; i++) {
      const until = performance.now() + msEach;
      while (performance.now() < until);
      done.n++;
      yield;
    }
    return done.n;
  } finally {
    done.closed = true;
  }
}

describe('runInSlices', () => {
  it('returns what the work returns', async () => {
    const done = { n: 0, closed: false };
    assert.equal(await runInSlices(busy(5, 0, done)), 5);
    assert.ok(done.closed);
  });

  it('lets callbacks queued meanwhile run before long work has finished', async () => {
    const done = { n: 0, closed: false };
    let seenAt = -1;
    setImmediate(() => (seenAt = done.n));
    await runInSlices(busy(40, 1, done), undefined, 5);
    // 40 ms of work in 5 ms slices: the callback runs after the first slice, not at the end
    assert.ok(seenAt >= 1 && seenAt < 40, `callback ran after ${seenAt} of 40 steps`);
  });

  it('stops at the next slice after an abort, closes the work and throws the reason', async () => {
    const done = { n: 0, closed: false };
    const ac = new AbortController();
    setTimeout(() => ac.abort(new RequestAbortedError('cancelled')), 20);
    await assert.rejects(runInSlices(busy(100_000, 1, done), ac.signal, 5), RequestAbortedError);
    assert.ok(done.closed, 'the generator was closed');
    assert.ok(done.n < 100_000, 'the work did not run to its end');
  });

  it('does not start work whose signal has already aborted', async () => {
    const done = { n: 0, closed: false };
    const ac = new AbortController();
    ac.abort(new RequestAbortedError('deadline'));
    await assert.rejects(runInSlices(busy(3, 0, done), ac.signal), (e: RequestAbortedError) => e.reason === 'deadline');
    assert.equal(done.n, 0);
  });
});
