/** The features query answers one timeseries-wide frame that Grafana (and alerting) can read. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableFromIPC, Type } from 'apache-arrow';
import { encodeFrameToArrow } from '../../../src/backend/grafana/arrowFrame.js';
import type { DataQuery } from '../../../src/backend/grafana/types.js';
import { parseQuery } from '../../../src/backend/plugin.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import { callCtx, MemoryStore, memoryInstance, table } from '../helpers/memoryStore.js';

const T0 = 1_313_500_000; // window-aligned for 10 s windows
const rows = [
  { ts: T0 + 1, src: '10.0.0.1', dst: '10.0.0.9', sport: 1000, dport: 80 },
  { ts: T0 + 2, src: '10.0.0.1', dst: '10.0.0.9', sport: 1001, dport: 443 },
  { ts: T0 + 3, src: '10.0.0.2', dst: '10.0.0.9', sport: 1002, dport: 80, proto: 'udp' },
  { ts: T0 + 25, src: '10.0.0.3', dst: '10.0.0.8', sport: 1003, dport: 22 },
];

function dq(model: Record<string, unknown>, from = T0, to = T0 + 30): DataQuery {
  return { refId: 'A', maxDataPoints: 1000, intervalMS: 1000, timeRange: { fromMs: from * 1000, toMs: to * 1000 }, json: model, queryType: '' };
}

async function run(model: Record<string, unknown>, from?: number, to?: number) {
  const q = dq(model, from, to);
  const store = new MemoryStore(table(rows));
  const frames = await runQuery(parseQuery(q), q, memoryInstance(store), callCtx());
  return { frames, store };
}

describe('features query', () => {
  it('answers one frame: non-nullable Timestamp(ns) time plus one float64 field per feature, in the order asked', async () => {
    const { frames } = await run({ queryType: 'features', windowSeconds: 10, features: ['count_dst_port', 'num_entries'] });
    assert.equal(frames.length, 1);
    const t = tableFromIPC(encodeFrameToArrow(frames[0]!, 'A'));
    assert.deepEqual(t.schema.fields.map((f) => f.name), ['time', 'count_dst_port', 'num_entries']);
    assert.equal(t.schema.fields[0]!.typeId, Type.Timestamp);
    assert.equal(t.schema.fields[0]!.nullable, false);
    assert.equal(String(t.schema.fields[1]!.type), 'Float64');
    const meta = JSON.parse(t.schema.metadata.get('meta')!) as { type: string; typeVersion: number[] };
    assert.equal(meta.type, 'timeseries-wide');
    // distinct label sets per series: an alert rule on several features would otherwise go to Error
    assert.deepEqual(t.schema.fields.slice(1).map((f) => JSON.parse(f.metadata.get('labels')!)), [{ feature: 'count_dst_port' }, { feature: 'num_entries' }]);
    assert.deepEqual(meta.typeVersion, [0, 1]);
  });

  it('counts per 10 s window: 3 flows (2 ports) in the first, 1 flow in the third', async () => {
    const { frames } = await run({ queryType: 'features', windowSeconds: 10, features: ['num_entries', 'count_dst_port'] });
    const t = tableFromIPC(encodeFrameToArrow(frames[0]!, 'A'));
    assert.deepEqual([...(t.getChild('time')!.data[0]!.values as BigInt64Array)], [BigInt(T0) * 1_000_000_000n, BigInt(T0 + 20) * 1_000_000_000n]);
    assert.deepEqual([...t.getChild('num_entries')!], [3, 1]);
    assert.deepEqual([...t.getChild('count_dst_port')!], [2, 1]);
  });

  it('fills windows without flows when asked, so the series has no gaps', async () => {
    const { frames } = await run({ queryType: 'features', windowSeconds: 10, features: ['num_entries'], fillEmpty: true });
    const t = tableFromIPC(encodeFrameToArrow(frames[0]!, 'A'));
    assert.deepEqual([...t.getChild('num_entries')!], [3, 0, 1]);
  });

  it('gives a value that does not exist (describe() of an empty window) as null in a nullable field, not NaN', async () => {
    const { frames } = await run({ queryType: 'features', windowSeconds: 10, features: ['num_entries', 'dst_port_per_conn_mean'], fillEmpty: true });
    const t = tableFromIPC(encodeFrameToArrow(frames[0]!, 'A'));
    assert.equal(t.schema.fields[1]!.nullable, false);
    assert.equal(t.schema.fields[2]!.nullable, true);
    // connections of the first window: 10.0.0.1 → .9 on two ports, 10.0.0.2 → .9 on one; none; one
    assert.deepEqual([...t.getChild('dst_port_per_conn_mean')!], [1.5, null, 1]);
  });

  it('refuses a fill that would make more windows than a process can hold, naming a window that fits', async () => {
    const q = dq({ queryType: 'features', windowSeconds: 0.01, features: ['num_entries'], fillEmpty: true }, T0, T0 + 31 * 86400);
    const inst = memoryInstance(new MemoryStore(table(rows)), { file: { root: '/x' }, limits: { maxSpanSeconds: 100 * 86400 } });
    await assert.rejects(runQuery(parseQuery(q), q, inst, callCtx()), (err: Error & { status?: number }) => {
      assert.equal(err.status, 400);
      assert.match(err.message, /Fill empty windows would make 267840000 windows of 0\.01 s over this range \(at most 200000\): use a window of at least 14 s/);
      return true;
    });
  });

  it('refuses windows shorter than a millisecond (Grafana times are milliseconds)', async () => {
    const q = dq({ queryType: 'features', windowSeconds: 0.0001, features: ['num_entries'] });
    assert.throws(() => parseQuery(q), /from 0\.001 to 604800/);
  });

  it('applies the filter (protocol udp keeps one flow)', async () => {
    const { frames } = await run({ queryType: 'features', windowSeconds: 10, features: ['num_entries'], filter: { protocols: ['udp'] } });
    const t = tableFromIPC(encodeFrameToArrow(frames[0]!, 'A'));
    assert.deepEqual([...t.getChild('num_entries')!], [1]);
  });

  it('reads the store for exactly the query time range', async () => {
    const { store } = await run({ queryType: 'features', features: ['num_entries'] }, T0 + 10, T0 + 30);
    assert.deepEqual(store.reads, [{ from: T0 + 10, to: T0 + 30 }]);
  });

  it('says in a warning notice when lines were skipped', async () => {
    const q = dq({ queryType: 'features', features: ['num_entries'] });
    const frames = await runQuery(parseQuery(q), q, memoryInstance(new MemoryStore(table(rows), 2)), callCtx());
    assert.deepEqual(frames[0]!.meta!.notices, [{ severity: 'warning', text: '2 lines in the flow files could not be read and were skipped. First: a.csv:3: bad time' }]);
  });

  it('rejects unknown features with a 400 that names them', async () => {
    await assert.rejects(run({ queryType: 'features', features: ['nope'] }), (e: { status: number; source: string; message: string }) => {
      assert.equal(e.status, 400);
      assert.equal(e.source, 'plugin');
      assert.match(e.message, /Unknown feature "nope"/);
      return true;
    });
  });

  it('rejects a time range longer than the data source allows', async () => {
    const q = dq({ queryType: 'features', features: ['num_entries'] }, T0, T0 + 7200);
    const inst = memoryInstance(new MemoryStore(table(rows)), { file: { root: '/x' }, limits: { maxSpanSeconds: 3600 } });
    await assert.rejects(runQuery(parseQuery(q), q, inst, callCtx()), /spans 2 hours, more than this data source allows \(1 hour\)/);
  });

  it('stops when the call is cancelled', async () => {
    const ac = new AbortController();
    ac.abort(new Error('cancelled by test'));
    const q = dq({ queryType: 'features', features: ['num_entries'] });
    await assert.rejects(runQuery(parseQuery(q), q, memoryInstance(new MemoryStore(table(rows))), callCtx(ac.signal)), /cancelled by test/);
  });
});
