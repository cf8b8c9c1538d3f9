/** Live feature streams as a growing folder, a bad clock, a store error and a cancel meet them (found by a streaming audit, 2026-12-06). */
/**
 * Audit: Grafana runs one RunStream per channel; a panel that subscribes while it runs gets only
 * SubscribeStream's initial data ("Skip running new stream (already exists)"), never the replayed
 * backlog. streams.ts promises the replay "so a new panel is not empty".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from '../../../src/backend/grafana/frame.js';
import { frameToJSON } from '../../../src/backend/grafana/frameJson.js';
import { runFeatureStream, subscribeFeatureStream } from '../../../src/backend/streams.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from '../helpers/memoryStore.js';

const T0 = 1_313_500_000;

describe('live stream: a second panel on a running channel', () => {
  it('gets the recent windows the first panel got, as SubscribeStream initial data', async () => {
    const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({ ts: T0 + i * 10 + 1, src: '10.0.0.1', dst: '10.0.0.9' }));
    const inst = memoryInstance(new MemoryStore(table(rows)));
    const req = { pluginContext: {} as never, path: 'features/10/num_entries', data: Buffer.alloc(0), headers: {} };
    const ac = new AbortController();
    const first: Frame[] = [];
    const running = runFeatureStream(req, inst, callCtx(ac.signal), { sendFrame: async (f) => void first.push(f), sendJSON: async () => undefined }, 10);
    // until the first panel has its ten replayed windows (however busy the machine)
    for (let waited = 0; first.length < 10 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    assert.equal(first.length, 10, 'the first panel got the ten replayed windows');
    const second = await subscribeFeatureStream(req, inst); // another viewer opens the dashboard
    ac.abort();
    await running;
    assert.equal(second.status, 'OK');
    assert.ok(second.initialData !== undefined, 'the second panel starts with the recent windows, not empty');
    // the same ten windows the first panel got, as one frame in time order
    const sentTimes = first.map((f) => (frameToJSON(f) as { data: { values: number[][] } }).data.values[0]![0]);
    const initial = second.initialData as { data: { values: number[][] }; schema: { meta: { type: string } } };
    assert.deepEqual(initial.data.values[0], sentTimes);
    assert.equal(initial.schema.meta.type, 'timeseries-wide');
  });

  it('gives no initial data once the channel stopped: the next run replays its own backlog', async () => {
    const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({ ts: T0 + i * 10 + 1, src: '10.0.0.1', dst: '10.0.0.9' }));
    const inst = memoryInstance(new MemoryStore(table(rows)));
    const req = { pluginContext: {} as never, path: 'features/10/num_entries', data: Buffer.alloc(0), headers: {} };
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await runFeatureStream(req, inst, callCtx(ac.signal), { sendFrame: async () => undefined, sendJSON: async () => undefined }, 10);
    assert.equal((await subscribeFeatureStream(req, inst)).initialData, undefined);
  });
});
