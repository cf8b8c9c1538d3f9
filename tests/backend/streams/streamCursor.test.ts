/** Live feature streams as a growing folder, a bad clock, a store error and a cancel meet them (found by a streaming audit, 2026-12-06). */
/**
 * Audit: the file-store stream follows new flows with a timestamp cursor (`ts > cursor`), so any flow
 * appended after a poll whose timestamp is not strictly newer than the newest already seen is lost,
 * although its window is still open. The same data through the `features` query counts it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from '../../../src/backend/grafana/frame.js';
import { frameToJSON } from '../../../src/backend/grafana/frameJson.js';
import { runFeatureStream } from '../../../src/backend/streams.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from '../helpers/memoryStore.js';

const T0 = 1_313_500_000;
const req = (path: string) => ({ pluginContext: {} as never, path, data: Buffer.alloc(0), headers: {} });
const base: Row[] = [
  { ts: T0 + 1, src: '10.0.0.1', dst: '10.0.0.9' },
  { ts: T0 + 2, src: '10.0.0.1', dst: '10.0.0.9' },
  { ts: T0 + 25, src: '10.0.0.3', dst: '10.0.0.8' },
];

/** Runs the stream; after the first frame the store grows by `appended`; returns [windowStartSec, num_entries] per frame. */
async function stream(appended: Row[], frames: number): Promise<[number, number][]> {
  const store = new MemoryStore(table(base));
  const ac = new AbortController();
  const got: [number, number][] = [];
  const sender = {
    sendFrame: async (f: Frame) => {
      const v = (frameToJSON(f) as { data: { values: number[][] } }).data.values;
      got.push([v[0]![0]! / 1000 - T0, v[1]![0]!]);
      if (got.length === 1) store.t = table([...base, ...appended], store.t.dicts);
      if (got.length === frames) ac.abort();
    },
    sendJSON: async () => undefined,
  };
  const timer = setTimeout(() => ac.abort(), 2000); // never hang the test
  await runFeatureStream(req('features/10/num_entries'), memoryInstance(store), callCtx(ac.signal), sender, 5);
  clearTimeout(timer);
  return got;
}

describe('live stream: stream cursor', () => {
  it('keeps a flow appended later with the same timestamp as the newest flow already read (window still open)', async () => {
    // a second flow in second T0+25 is written after the poll that read the first one (1-s timestamps: common)
    const got = await stream([{ ts: T0 + 25, src: '10.0.0.4', dst: '10.0.0.8' }, { ts: T0 + 41, src: '10.0.0.5', dst: '10.0.0.8' }], 2);
    assert.deepEqual(got, [[0, 2], [20, 2]], 'window [T0+20, T0+30) holds 2 flows');
  });

  it('keeps a flow appended later whose window is still open although it is older than the newest flow read', async () => {
    // another sensor's file (or an Argus record written when the flow ends) lags 3 s behind
    const got = await stream([{ ts: T0 + 22, src: '10.0.0.6', dst: '10.0.0.8' }, { ts: T0 + 41, src: '10.0.0.5', dst: '10.0.0.8' }], 2);
    assert.deepEqual(got, [[0, 2], [20, 2]], 'window [T0+20, T0+30) holds 2 flows');
  });
});
