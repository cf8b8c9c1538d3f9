/** Live feature streams within the data source's limits (found by a security audit, 2026-12-06). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFeatureStream } from '../../../src/backend/streams.js';
import type { FlowStore, TimeRangeSeconds } from '../../../src/backend/store/store.js';
import { aggregateWindows } from '../../../src/engine/features/index.js';
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
        if (asked.length >= 3) ac.abort();
        return [];
      },
      dispose: () => undefined,
    };
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 5000); // never hang the test
    // 7-day windows: ten of them before now would be 70 days
    await runFeatureStream(req('features/604800/num_entries'), memoryInstance(store, jsonData), callCtx(ac.signal), sink, 20);
    clearTimeout(timer);
    assert.ok(asked.length > 0);
    for (const r of asked) assert.ok(r.to - r.from <= 31 * 86400, `asked for ${((r.to - r.from) / 86400).toFixed(1)} days`);
  });

  it('windows to send holding more flows than Max flows per query are refused (nothing sent), and the stream goes on until cancelled', async () => {
    // 300 flows in 30 s: the complete windows of the backlog hold 200
    const rows = Array.from({ length: 300 }, (_, i) => ({ ts: 1_313_500_000 + i / 10, src: '10.0.0.1', dst: '10.0.0.9' }));
    const store = new MemoryStore(table(rows));
    const inst = memoryInstance(store, { file: { root: '/unused' }, limits: { maxRows: 100 } });
    const ac = new AbortController();
    let sent = 0;
    let polls = 0;
    const read = store.read.bind(store);
    store.read = async (...args: Parameters<typeof read>) => {
      if (++polls >= 3) ac.abort();
      return read(...args);
    };
    const timer = setTimeout(() => ac.abort(), 5000); // never hang the test
    await runFeatureStream(req('features/10/num_entries'), inst, callCtx(ac.signal), { sendFrame: async () => void sent++, sendJSON: async () => undefined }, 10);
    clearTimeout(timer);
    assert.equal(sent, 0);
  });

  it('a folder holding more flows than Max flows per query is streamed when the windows sent hold fewer', async () => {
    const archive = Array.from({ length: 2000 }, (_, i) => ({ ts: 1_300_000_000 + i, src: '10.0.0.2', dst: '10.0.0.9' }));
    const live = Array.from({ length: 50 }, (_, i) => ({ ts: 1_313_500_000 + i * 2, src: '10.0.0.1', dst: '10.0.0.9' }));
    const inst = memoryInstance(new MemoryStore(table([...archive, ...live])), { file: { root: '/unused' }, limits: { maxRows: 1000 } });
    const ac = new AbortController();
    let sent = 0;
    const timer = setTimeout(() => ac.abort(), 5000); // never hang the test
    const sender = { sendFrame: async () => void (++sent === 9 && ac.abort()), sendJSON: async () => undefined };
    await runFeatureStream(req('features/10/num_entries'), inst, callCtx(ac.signal), sender, 10);
    clearTimeout(timer);
    assert.equal(sent, 9, 'the complete windows of the backlog (the newest is still open)');
  });

  it('a push-down stream with a one-hour Max time span still sends the windows before now', async () => {
    const now = 1_796_532_661_700;
    const asked: TimeRangeSeconds[] = [];
    const rows = Array.from({ length: 60 }, (_, i) => ({ ts: now / 1000 - 300 + i * 5, src: 'a', dst: 'b' }));
    const store = Object.assign(new MemoryStore(table(rows)), {
      windowAggregates: async (r: { range: TimeRangeSeconds; windowSeconds: number }) => {
        asked.push(r.range);
        return aggregateWindows(table(rows.filter((x) => x.ts >= r.range.from && x.ts < r.range.to)), r.windowSeconds);
      },
    });
    const ac = new AbortController();
    let sent = 0;
    const timer = setTimeout(() => ac.abort(), 5000); // never hang the test
    const sender = { sendFrame: async () => void (++sent >= 9 && ac.abort()), sendJSON: async () => undefined };
    await runFeatureStream(req('features/10/num_entries'), memoryInstance(store, { file: { root: '/unused' }, limits: { maxSpanSeconds: 3600 } }), callCtx(ac.signal), sender, 10, () => now);
    clearTimeout(timer);
    assert.ok(sent >= 9, `${sent} windows sent`);
    for (const r of asked) assert.ok(r.to - r.from <= 3600 && r.from <= now / 1000);
  });
});
