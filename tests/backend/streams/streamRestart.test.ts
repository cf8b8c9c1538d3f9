/** Live feature streams as a growing folder, a bad clock, a store error and a cancel meet them (found by a streaming audit, 2026-12-06). */
/**
 * Audit: one failed poll (a ClickHouse timeout, a file rotated between listing and reading) ends
 * RunStream with an error. Grafana's run-stream manager then calls RunStream again for the same
 * channel ("Error running stream, re-establishing") while the panel stays subscribed, and the new run
 * replays the last ten windows: the panel receives windows it already has, out of time order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downstreamError } from '../../../src/backend/grafana/errors.js';
import type { Frame } from '../../../src/backend/grafana/frame.js';
import { frameToJSON } from '../../../src/backend/grafana/frameJson.js';
import { runFeatureStream } from '../../../src/backend/streams.js';
import type { TimeRangeSeconds } from '../../../src/backend/store/store.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from '../helpers/memoryStore.js';

const T0 = 1_313_500_000;

class FlakyStore extends MemoryStore {
  polls = 0;
  more: Row[] = [];
  override async read(range: TimeRangeSeconds, signal: AbortSignal) {
    if (++this.polls === 3) throw downstreamError('live.csv cannot be read (ENOENT).', 502); // rotated under us, once
    if (this.polls === 6) this.t = table(this.more, this.t.dicts); // traffic goes on
    return super.read(range, signal);
  }
}

describe('live stream: a stream that hits one store error', () => {
  it('sends every window once, in time order, across the error (as Grafana re-runs the stream)', async () => {
    const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({ ts: T0 + i * 10 + 1, src: '10.0.0.1', dst: '10.0.0.9' }));
    const store = new FlakyStore(table(rows.slice(0, 20)));
    const ac = new AbortController();
    const sent: number[] = [];
    const sender = {
      sendFrame: async (f: Frame) => {
        sent.push((frameToJSON(f) as { data: { values: number[][] } }).data.values[0]![0]! / 1000 - T0);
      },
      sendJSON: async () => undefined,
    };
    store.more = rows;
    setTimeout(() => ac.abort(), 150);
    const req = { pluginContext: {} as never, path: 'features/10/num_entries', data: Buffer.alloc(0), headers: {} };
    // Grafana's runstream manager: re-run after an error until the subscription ends
    while (!ac.signal.aborted) {
      try {
        await runFeatureStream(req, memoryInstance(store), callCtx(ac.signal), sender, 10);
      } catch {
        /* "Error running stream, re-establishing" */
      }
    }
    assert.deepEqual(sent, [...sent].sort((a, b) => a - b), `window starts (s after T0) in the order the panel got them: ${sent.join(' ')}`);
    assert.equal(new Set(sent).size, sent.length, 'no window twice');
  });
});
