/** Live feature streams within the data source's limits (found by a security audit, 2026-12-06). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFeatureStream } from '../../../src/backend/streams.js';
import type { FlowStore, TimeRangeSeconds } from '../../../src/backend/store/store.js';
import { callCtx, MemoryStore, memoryInstance, table } from '../helpers/memoryStore.js';

const req = (path: string) => ({ pluginContext: {} as never, path, data: Buffer.alloc(0), headers: {} });
const sink = { sendFrame: async () => undefined, sendJSON: async () => undefined };

describe('live stream within the data source limits', () => {
  it('a push-down (ClickHouse) stream never asks for a range longer than Max time span', async () => {
    const jsonData = { file: { root: '/unused' }, limits: { maxSpanSeconds: 31 * 86400 } };
    const asked: TimeRangeSeconds[] = [];
    const store: FlowStore = {
      kind: 'clickhouse',
      check: async () => ({ ok: true, message: '' }),
      read: async () => {
        throw new Error('not used');
      },
      windowAggregates: async (r) => {
        asked.push(r.range);
        return [];
      },
      dispose: () => undefined,
    };
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    // 7-day windows: ten of them before now would be 70 days
    await runFeatureStream(req('features/604800/num_entries'), memoryInstance(store, jsonData), callCtx(ac.signal), sink, 20);
    assert.ok(asked.length > 0);
    for (const r of asked) assert.ok(r.to - r.from <= 31 * 86400, `asked for ${((r.to - r.from) / 86400).toFixed(1)} days`);
  });

  it('a file poll holding more flows than Max flows per query sends nothing, and the stream goes on (retrying) until cancelled', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ ts: 1_313_500_000 + i, src: '10.0.0.1', dst: '10.0.0.9' }));
    const inst = memoryInstance(new MemoryStore(table(rows)), { file: { root: '/unused' }, limits: { maxRows: 100 } });
    const ac = new AbortController();
    let sent = 0;
    setTimeout(() => ac.abort(), 150);
    await runFeatureStream(req('features/10/num_entries'), inst, callCtx(ac.signal), { sendFrame: async () => void sent++, sendJSON: async () => undefined }, 10);
    assert.equal(sent, 0);
  });
});
