/** Live feature streams as a growing folder, a bad clock, a store error and a cancel meet them (found by a streaming audit, 2026-12-06). */
/**
 * Audit: a cancel that arrives while a poll's read is finishing (the read returns its rows rather
 * than throwing, as FileStore.read does when the last file's parse completes after the abort) must
 * end the stream at once, not after another full poll interval.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFeatureStream } from '../../../src/backend/streams.js';
import type { TimeRangeSeconds } from '../../../src/backend/store/store.js';
import { callCtx, MemoryStore, memoryInstance, table } from '../helpers/memoryStore.js';

class SlowReadStore extends MemoryStore {
  override async read(range: TimeRangeSeconds, signal: AbortSignal) {
    const r = await super.read(range, signal);
    await new Promise((res) => setTimeout(res, 50)); // the parse of the last file, during which Grafana cancels
    return r;
  }
}

describe('live stream: cancel during a poll', () => {
  it('ends at the cancel, not after waiting out the poll interval (60 s here)', async () => {
    const store = new SlowReadStore(table([{ ts: 1_313_500_001, src: 'a', dst: 'b' }]));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const t0 = performance.now();
    await runFeatureStream({ pluginContext: {} as never, path: 'features/10', data: Buffer.alloc(0), headers: {} }, memoryInstance(store), callCtx(ac.signal), { sendFrame: async () => undefined, sendJSON: async () => undefined }, 60_000);
    const ms = performance.now() - t0;
    assert.ok(ms < 30_000, `RunStream returned ${Math.round(ms)} ms after start (cancel at 20 ms, poll interval 60 s)`);
  });
});
