/** Feature streams: path validation, one frame per completed window, stop on cancel. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from '../../src/backend/grafana/frame.js';
import { frameToJSON } from '../../src/backend/grafana/frameJson.js';
import { parseStreamPath, runFeatureStream, subscribeFeatureStream } from '../../src/backend/streams.js';
import { aggregateWindows } from '../../src/engine/features/index.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from './helpers/memoryStore.js';

const T0 = 1_313_500_000;
const base: Row[] = [
  { ts: T0 + 1, src: '10.0.0.1', dst: '10.0.0.9' },
  { ts: T0 + 2, src: '10.0.0.1', dst: '10.0.0.9' },
  { ts: T0 + 3, src: '10.0.0.2', dst: '10.0.0.9' },
  { ts: T0 + 25, src: '10.0.0.3', dst: '10.0.0.8' },
];

const streamReq = (path: string) => ({ pluginContext: {} as never, path, data: Buffer.alloc(0), headers: {} });

describe('feature streams', () => {
  it('accepts features/<window>[/<features>] and rejects other paths', async () => {
    assert.equal(parseStreamPath('features/10').windowSeconds, 10);
    assert.deepEqual(parseStreamPath('features/5/num_entries,count_src_ip').features, ['num_entries', 'count_src_ip']);
    assert.throws(() => parseStreamPath('features/0'), /window/);
    assert.throws(() => parseStreamPath('features/10/nope'), /Unknown feature/);
    assert.throws(() => parseStreamPath('logs/10'), /Unknown stream/);
    const inst = memoryInstance(new MemoryStore(table(base)));
    assert.equal((await subscribeFeatureStream(streamReq('features/10'), inst)).status, 'OK');
    assert.equal((await subscribeFeatureStream(streamReq('nope'), inst)).status, 'NOT_FOUND');
  });

  it('sends one frame per completed window, including windows completed by data that arrives later, and stops on cancel', async () => {
    const store = new MemoryStore(table(base));
    const ac = new AbortController();
    const frames: Frame[] = [];
    const sender = {
      sendFrame: async (f: Frame) => {
        frames.push(f);
        if (frames.length === 1) store.t = table([...base, { ts: T0 + 41, src: '10.0.0.4', dst: '10.0.0.8' }], store.t.dicts);
        if (frames.length === 2) ac.abort();
      },
      sendJSON: async () => undefined,
    };
    const done = runFeatureStream(streamReq('features/10/num_entries'), memoryInstance(store), callCtx(ac.signal), sender, 5);
    await done;
    assert.equal(frames.length, 2);
    const json = frames.map((f) => frameToJSON(f) as { data: { values: unknown[][] }; schema: { meta: { type: string } } });
    // window [T0, T0+10) has 3 flows and completes at once; [T0+20, T0+30) has 1 and completes when T0+41 arrives
    assert.deepEqual(json.map((j) => j.data.values), [[[T0 * 1000], [3]], [[(T0 + 20) * 1000], [1]]]);
    assert.equal(json[0]!.schema.meta.type, 'timeseries-wide');
  });
});

describe('feature streams on a store that aggregates itself', () => {
  it('starts ten windows before now, sends every window but the newest, then continues from it', async () => {
    const now = (T0 + 1000) * 1000;
    let rows: Row[] = [
      { ts: T0 + 895, src: 'a', dst: 'b' }, // before the backlog: never asked for
      { ts: T0 + 905, src: 'a', dst: 'b' },
      { ts: T0 + 906, src: 'c', dst: 'b' },
      { ts: T0 + 925, src: 'a', dst: 'b' },
    ];
    const asked: number[] = [];
    const store = new MemoryStore(table(rows));
    const pushDown = Object.assign(store, {
      windowAggregates: async (req: { range: { from: number; to: number }; windowSeconds: number }) => {
        asked.push(req.range.from);
        const t = table(rows.filter((r) => r.ts >= req.range.from && r.ts < req.range.to));
        return aggregateWindows(t, req.windowSeconds);
      },
    });
    const ac = new AbortController();
    const got: unknown[][] = [];
    const sender = {
      sendFrame: async (f: Frame) => {
        got.push((frameToJSON(f) as { data: { values: unknown[][] } }).data.values);
        if (got.length === 1) rows = [...rows, { ts: T0 + 941, src: 'a', dst: 'b' }];
        if (got.length === 2) ac.abort();
      },
      sendJSON: async () => undefined,
    };
    await runFeatureStream(streamReq('features/10/num_entries'), memoryInstance(pushDown), callCtx(ac.signal), sender, 5, () => now);
    assert.equal(asked[0], T0 + 900, 'ten 10 s windows before now');
    assert.deepEqual(got, [
      [[(T0 + 900) * 1000], [2]],
      [[(T0 + 920) * 1000], [1]],
    ]);
    assert.equal(asked[1], T0 + 920, 'the newest window is asked for again, the sent ones are not');
  });
});
