/** Live feature streams as a growing folder, a bad clock, a store error and a cancel meet them (found by a streaming audit, 2026-12-06). */
/**
 * Audit: one flow with a timestamp far in the future (an exporter with a wrong clock, a mistyped
 * year) moves the stream's cursor and closes every window up to that time: every real flow after it
 * is dropped, and the live panel stops for good (until the stream is restarted, and then the replay
 * is the ten windows around the bogus time).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from '../../../src/backend/grafana/frame.js';
import { frameToJSON } from '../../../src/backend/grafana/frameJson.js';
import { runFeatureStream } from '../../../src/backend/streams.js';
import type { TimeRangeSeconds } from '../../../src/backend/store/store.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from '../helpers/memoryStore.js';

const T0 = 1_700_000_000; // Nov 2023: "now" for the collector
const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ ts: T0 + (from + i) * 10 + 1, src: '10.0.0.1', dst: '10.0.0.9' }));

class GrowingStore extends MemoryStore {
  polls = 0;
  override async read(range: TimeRangeSeconds, signal: AbortSignal) {
    this.polls++;
    if (this.polls === 2) this.t = table([...rows(0, 5), { ts: T0 + 86400 * 365 * 30, src: '10.0.0.66', dst: '10.0.0.9' }, ...rows(5, 1)], this.t.dicts); // one line from 2053
    if (this.polls === 3) this.t = table([...rows(0, 5), { ts: T0 + 86400 * 365 * 30, src: '10.0.0.66', dst: '10.0.0.9' }, ...rows(5, 6)], this.t.dicts); // traffic goes on
    return super.read(range, signal);
  }
}

describe('live stream: a flow from the future in a live file', () => {
  it('keeps sending the windows of the real traffic that follows it', async () => {
    const store = new GrowingStore(table(rows(0, 5)));
    const ac = new AbortController();
    const sent: number[] = [];
    const sender = {
      sendFrame: async (f: Frame) => {
        sent.push((frameToJSON(f) as { data: { values: number[][] } }).data.values[0]![0]! / 1000 - T0);
        if (sent.includes(90)) ac.abort();
      },
      sendJSON: async () => undefined,
    };
    const timer = setTimeout(() => ac.abort(), 5000); // never hang the test
    await runFeatureStream({ pluginContext: {} as never, path: 'features/10/num_entries', data: Buffer.alloc(0), headers: {} }, memoryInstance(store), callCtx(ac.signal), sender, 10);
    clearTimeout(timer);
    // windows 0…100 s: 0–30 at once, 40–90 as the traffic after the bad line completes them
    for (const w of [40, 50, 60, 70, 80, 90]) assert.ok(sent.includes(w), `window T0+${w} sent (sent: ${sent.join(' ')})`);
  });
});
