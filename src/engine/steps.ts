/**
 * Long engine computations (HMM training, scoring every host, features over many windows) are
 * written as generators that yield at points where pausing is safe: between windows, EM
 * iterations, k-means runs, hosts. The engine never touches the event loop itself; a caller that
 * must stay responsive (the backend serves other queries and hears cancels on one thread) drives
 * the steps in time slices, while the CLI and tests run them straight through with `runSteps`.
 *
 * A yield costs a generator resume, so producers yield per unit of work that takes well over a
 * microsecond (a window, a host, an iteration), or per batch of smaller units.
 */
export type Steps<T> = Generator<void, T, undefined>;

/** Runs the steps to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}
