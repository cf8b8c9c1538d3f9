/**
 * CPU-bound work on the plugin's single thread, in time slices. A generator that yields at safe
 * points is resumed until its slice is used up; then the event loop runs (gRPC cancels and
 * deadlines arrive, other queries get their turn) and the call's AbortSignal is checked before
 * the next slice. Without this, a cancel reaches the handler only after the work has finished.
 */
import { throwIfAborted } from './errors.js';

/** Milliseconds of work between two turns of the event loop. */
export const DEFAULT_SLICE_MS = 10;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `work` to its result, giving the event loop a turn every `sliceMs` of work. When `signal`
 * aborts, the generator is closed (its `finally` blocks run) and the signal's reason is thrown.
 */
export async function runInSlices<T>(work: Generator<void, T, undefined>, signal?: AbortSignal, sliceMs = DEFAULT_SLICE_MS): Promise<T> {
  let finished = false;
  try {
    throwIfAborted(signal);
    let until = performance.now() + sliceMs;
    for (;;) {
      const r = work.next();
      if (r.done === true) {
        finished = true;
        return r.value;
      }
      if (performance.now() >= until) {
        await nextTurn();
        throwIfAborted(signal);
        until = performance.now() + sliceMs;
      }
    }
  } finally {
    // a generator has no value to return early; widening T lets `return` close it without one
    if (!finished) (work as Generator<void, unknown, undefined>).return(undefined);
  }
}
