/**
 * One request reads a range once, and says what its reads cost (for the slow-query log line);
 * panels asking for the same range at once share one read, whichever of them is cancelled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuery } from '../../../src/backend/plugin.js';
import { readsOf } from '../../../src/backend/queries/common.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import type { TimeRangeSeconds } from '../../../src/backend/store/store.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from '../helpers/memoryStore.js';

/** A store whose reads take a while, as a cold parse does. */
class SlowStore extends MemoryStore {
  override async read(range: TimeRangeSeconds, signal: AbortSignal) {
    await new Promise((res) => setTimeout(res, 30));
    return super.read(range, signal);
  }
}

const features = (fromS: number, toS: number) => ({ refId: 'A', maxDataPoints: 100, intervalMS: 1000, timeRange: { fromMs: fromS * 1000, toMs: toS * 1000 }, json: { queryType: 'features', windowSeconds: 10, features: ['num_entries'] }, queryType: '' });

const T0 = 1_313_500_000;
const rows: Row[] = Array.from({ length: 60 }, (_, i) => ({ ts: T0 + i, src: i % 2 ? '10.0.0.1' : '10.0.0.2', dst: '10.0.0.9', dport: 80 + (i % 7), sport: 1000 + i, bytes: 100 + ((i * 37) % 500) }));

describe('reads per request', () => {
  it('a host-score query trained on its own range reads that range once for scoring and training', async () => {
    const store = new MemoryStore(table(rows));
    const ctx = callCtx();
    const dq = { refId: 'A', maxDataPoints: 100, intervalMS: 1000, timeRange: { fromMs: T0 * 1000, toMs: (T0 + 60) * 1000 }, json: { queryType: 'hostScores', profile: { hosts: ['10.0.0.1'], window: 3, states: 2, iterations: 2 }, output: 'table' }, queryType: '' };
    await runQuery(parseQuery(dq), dq, memoryInstance(store), ctx);
    assert.equal(store.reads.length, 1);
    assert.deepEqual({ ...readsOf(ctx), readMs: 0 }, { files: 1, flows: 60, readMs: 0 });
  });

  it('reports nothing for a request that read nothing', () => {
    assert.deepEqual(readsOf(callCtx()), {});
  });

  it('shares one read among panels that ask for the same range at once, and the others finish when one is cancelled', async () => {
    const store = new SlowStore(table(rows));
    const inst = memoryInstance(store);
    const dq = features(T0, T0 + 60);
    const cancelled = new AbortController();
    const panels = [callCtx(), callCtx(cancelled.signal), callCtx()].map((ctx) => runQuery(parseQuery(dq), dq, inst, ctx));
    cancelled.abort();
    const [a, b, c] = await Promise.allSettled(panels);
    assert.equal(store.reads.length, 1);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status, 'rejected');
    assert.equal(c.status, 'fulfilled');
  });

  it('reads again for a panel that comes after the shared read finished (nothing is kept)', async () => {
    const store = new SlowStore(table(rows));
    const inst = memoryInstance(store);
    const dq = features(T0, T0 + 60);
    await runQuery(parseQuery(dq), dq, inst, callCtx());
    await runQuery(parseQuery(dq), dq, inst, callCtx());
    assert.equal(store.reads.length, 2);
  });
});
