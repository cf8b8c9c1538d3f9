/** One request reads a range once, and says what its reads cost (for the slow-query log line). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuery } from '../../../src/backend/plugin.js';
import { readsOf } from '../../../src/backend/queries/common.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from '../helpers/memoryStore.js';

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
});
