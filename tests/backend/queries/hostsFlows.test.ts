/** hosts (template variables) and flows (drill-down) table frames. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableFromIPC, Type } from 'apache-arrow';
import { encodeFrameToArrow } from '../../../src/backend/grafana/arrowFrame.js';
import type { DataQuery } from '../../../src/backend/grafana/types.js';
import { parseQuery } from '../../../src/backend/plugin.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import { callCtx, MemoryStore, memoryInstance, table } from '../helpers/memoryStore.js';

const rows = [
  { ts: 100, src: '10.0.0.2', dst: '10.0.0.9', sport: 1000, dport: 80, state: 'established', bytes: 10 },
  { ts: 101, src: '10.0.0.1', dst: '10.0.0.9', sport: 1001, dport: 443, bytes: 20 },
  { ts: 102, src: '10.0.0.1', dst: '10.0.0.8', proto: 'icmp', state: 'new', bytes: 30 },
];

async function run(model: Record<string, unknown>) {
  const q: DataQuery = { refId: 'A', maxDataPoints: 100, intervalMS: 1000, timeRange: { fromMs: 0, toMs: 1_000_000 }, json: model, queryType: '' };
  const frames = await runQuery(parseQuery(q), q, memoryInstance(new MemoryStore(table(rows))), callCtx());
  return frames.map((f) => ({ frame: f, table: tableFromIPC(encodeFrameToArrow(f, 'A')) }));
}

describe('hosts query', () => {
  it('lists source hosts busiest first as one Utf8 field', async () => {
    const [r] = await run({ queryType: 'hosts', role: 'src' });
    assert.equal(r!.table.schema.fields.length, 1);
    assert.equal(r!.table.schema.fields[0]!.typeId, Type.Utf8);
    assert.deepEqual([...r!.table.getChild('host')!], ['10.0.0.1', '10.0.0.2']);
  });

  it('lists destination hosts, or both roles with any', async () => {
    assert.deepEqual([...(await run({ queryType: 'hosts', role: 'dst' }))[0]!.table.getChild('host')!], ['10.0.0.9', '10.0.0.8']);
    assert.deepEqual([...(await run({ queryType: 'hosts', role: 'any' }))[0]!.table.getChild('host')!], ['10.0.0.1', '10.0.0.9', '10.0.0.2', '10.0.0.8']);
  });

  it('a limit within limits.maxHosts lists the busiest hosts even when the range has more hosts than that', async () => {
    const q: DataQuery = { refId: 'A', maxDataPoints: 100, intervalMS: 1000, timeRange: { fromMs: 0, toMs: 1_000_000 }, json: { queryType: 'hosts', role: 'any', limit: 2 }, queryType: '' };
    const inst = memoryInstance(new MemoryStore(table(rows)), { file: { root: '/x' }, limits: { maxHosts: 3 } });
    const [f] = await runQuery(parseQuery(q), q, inst, callCtx());
    assert.deepEqual([...tableFromIPC(encodeFrameToArrow(f!, 'A')).getChild('host')!], ['10.0.0.1', '10.0.0.9']);
    const all: DataQuery = { ...q, json: { queryType: 'hosts', role: 'any', limit: 10 } };
    await assert.rejects(runQuery(parseQuery(all), all, inst, callCtx()), /holds 4 hosts, more than this data source allows \(3 hosts\)/);
  });

  it('honours the limit and says how many were left out', async () => {
    const [r] = await run({ queryType: 'hosts', role: 'any', limit: 1 });
    assert.deepEqual([...r!.table.getChild('host')!], ['10.0.0.1']);
    assert.match(r!.frame.meta!.notices![0]!.text, /Showing the 1 busiest of 4 hosts/);
  });
});

describe('flows query', () => {
  it('returns a table with time, addresses, ports (null when absent), protocol, state and bytes', async () => {
    const [r] = await run({ queryType: 'flows', order: 'oldest' });
    const t = r!.table;
    assert.deepEqual(t.schema.fields.map((f) => f.name), ['time', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'proto', 'state', 'bytes']);
    assert.deepEqual([...t.getChild('src_ip')!], ['10.0.0.2', '10.0.0.1', '10.0.0.1']);
    assert.deepEqual([...t.getChild('dst_port')!], [80n, 443n, null]);
    assert.equal(t.schema.fields.find((f) => f.name === 'dst_port')!.nullable, true);
    assert.deepEqual([...t.getChild('state')!], ['established', null, 'new']);
    assert.deepEqual([...t.getChild('proto')!], ['tcp', 'tcp', 'icmp']);
    assert.deepEqual([...t.getChild('bytes')!], [10, 20, 30]);
    assert.equal(JSON.parse(t.schema.metadata.get('meta')!).type, 'table');
  });

  it('shows the newest flows, newest first, or with order oldest the earliest, whatever order the files were read in', async () => {
    const late = [
      { ts: 300, src: '10.0.0.3', dst: '10.0.0.9', sport: 1, dport: 80 },
      { ts: 100, src: '10.0.0.1', dst: '10.0.0.9', sport: 2, dport: 80 },
      { ts: 200, src: '10.0.0.2', dst: '10.0.0.9', sport: 3, dport: 80 },
      { ts: 100, src: '10.0.0.4', dst: '10.0.0.9', sport: 4, dport: 80 },
    ];
    const shown = async (model: Record<string, unknown>): Promise<string[]> => {
      const q: DataQuery = { refId: 'A', maxDataPoints: 100, intervalMS: 1000, timeRange: { fromMs: 0, toMs: 1_000_000 }, json: { queryType: 'flows', limit: 3, ...model }, queryType: '' };
      const [f] = await runQuery(parseQuery(q), q, memoryInstance(new MemoryStore(table(late))), callCtx());
      return [...tableFromIPC(encodeFrameToArrow(f!, 'A')).getChild('src_ip')!] as string[];
    };
    // time order, ties in input order: .1 (100), .4 (100), .2 (200), .3 (300)
    assert.deepEqual(await shown({ order: 'oldest' }), ['10.0.0.1', '10.0.0.4', '10.0.0.2']);
    assert.deepEqual(await shown({}), ['10.0.0.3', '10.0.0.2', '10.0.0.4']);
    await assert.rejects(shown({ order: 'latest' }), (e: { status: number; message: string }) => e.status === 400 && /order must be one of newest, oldest/.test(e.message));
  });

  it('cuts at the row limit with a notice, after filtering', async () => {
    const [r] = await run({ queryType: 'flows', limit: 1, filter: { srcCidrs: ['10.0.0.1/32'] } });
    assert.equal(r!.table.numRows, 1);
    assert.deepEqual([...r!.table.getChild('src_ip')!], ['10.0.0.1']);
    assert.deepEqual([...r!.table.getChild('time')!].map(Number), [102_000]);
    assert.match(r!.frame.meta!.notices![0]!.text, /Showing the newest 1 of 2 flows/);
  });
});
