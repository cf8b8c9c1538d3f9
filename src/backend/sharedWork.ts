/**
 * Work that concurrent requests share: a file's parse, a dashboard's panels reading one range.
 * Each caller stops waiting at its own cancel; the work itself is aborted only when no caller
 * waits for it any more, so one panel's refresh neither fails nor restarts the others' work.
 */
import { RequestAbortedError } from './grafana/errors.js';

interface Job<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new RequestAbortedError('cancelled');
}

/** `work`, or a rejection as soon as `signal` aborts (the work itself goes on for whoever shares it). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(reasonOf(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class SharedWork<T> {
  private readonly jobs = new Map<string, Job<T>>();

  /**
   * The result of the work under `key`: joined when it is running, else started with `start`
   * (given a signal that aborts once every caller has gone). Finished work is not kept.
   */
  async run(key: string, signal: AbortSignal, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    // a caller already cancelled starts nothing
    if (signal.aborted) throw reasonOf(signal);
    let job = this.jobs.get(key);
    if (!job || job.controller.signal.aborted) {
      const controller = new AbortController();
      const started: Job<T> = { promise: start(controller.signal), controller, waiting: 0 };
      this.jobs.set(key, started);
      const done = (): void => {
        if (this.jobs.get(key) === started) this.jobs.delete(key);
      };
      started.promise.then(done, done);
      job = started;
    }
    job.waiting++;
    try {
      return await untilAborted(job.promise, signal);
    } catch (err) {
      // the work stopped because everyone else left just as this caller joined: its own turn
      if (job.controller.signal.aborted && !signal.aborted) return this.run(key, signal, start);
      throw err;
    } finally {
      if (--job.waiting === 0 && signal.aborted) job.controller.abort(signal.reason);
    }
  }

  /** How many works are running (tests). */
  get running(): number {
    return this.jobs.size;
  }
}
