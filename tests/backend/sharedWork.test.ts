/** SharedWork: concurrent callers share one run; each leaves at its own cancel; the last one out stops it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedWork } from '../../src/backend/sharedWork.js';

/** Work that finishes when `finish` is called, or rejects when its signal aborts. */
function gatedWork(log: string[]) {
  let finish!: (v: string) => void;
  const start = (signal: AbortSignal): Promise<string> => {
    log.push('start');
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      signal.addEventListener('abort', () => (log.push('aborted'), reject(signal.reason)), { once: true });
    });
  };
  return { start, finish: (v: string) => finish(v) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SharedWork', () => {
  it('runs the work once for callers that come while it runs, and not again after it finished', async () => {
    const log: string[] = [];
    const w = gatedWork(log);
    const shared = new SharedWork<string>();
    const a = shared.run('k', new AbortController().signal, w.start);
    const b = shared.run('k', new AbortController().signal, w.start);
    w.finish('done');
    assert.deepEqual(await Promise.all([a, b]), ['done', 'done']);
    assert.deepEqual(log, ['start']);
    assert.equal(shared.running, 0);
  });

  it('rejects a cancelled caller at once while the work goes on for the others', async () => {
    const log: string[] = [];
    const w = gatedWork(log);
    const shared = new SharedWork<string>();
    const ac = new AbortController();
    const a = shared.run('k', ac.signal, w.start);
    const b = shared.run('k', new AbortController().signal, w.start);
    ac.abort(new Error('panel refreshed'));
    await assert.rejects(a, /panel refreshed/);
    w.finish('done');
    assert.equal(await b, 'done');
    assert.deepEqual(log, ['start']);
  });

  it('stops the work when every caller has been cancelled', async () => {
    const log: string[] = [];
    const w = gatedWork(log);
    const shared = new SharedWork<string>();
    const acs = [new AbortController(), new AbortController()];
    const runs = acs.map((ac) => shared.run('k', ac.signal, w.start).then(() => 'answered', () => 'rejected'));
    acs[0]!.abort();
    await tick();
    assert.deepEqual(log, ['start'], 'one caller still waits');
    acs[1]!.abort();
    assert.deepEqual(await Promise.all(runs), ['rejected', 'rejected']);
    assert.deepEqual(log, ['start', 'aborted']);
  });

  it('starts the work again for a caller that joined just as the last other caller left', async () => {
    const log: string[] = [];
    const shared = new SharedWork<string>();
    const first = gatedWork(log);
    const ac = new AbortController();
    const a = shared.run('k', ac.signal, first.start);
    ac.abort();
    await assert.rejects(a);
    const second = gatedWork(log);
    const b = shared.run('k', new AbortController().signal, second.start);
    await tick();
    second.finish('again');
    assert.equal(await b, 'again');
    assert.deepEqual(log, ['start', 'aborted', 'start']);
  });

  it('does not start the work (a parse, a whole read) only to abort it at once', async () => {
    const shared = new SharedWork<string>();
    const ac = new AbortController();
    ac.abort();
    let started = 0;
    await assert.rejects(
      shared.run('k', ac.signal, async () => {
        started++;
        return 'x';
      }),
    );
    assert.equal(started, 0);
  });
});
