/**
 * A text protocol column counts one 5-tuple once whatever the protocol's spelling ("6", "06",
 * "tcp", "TCP"), and a protocol filter keeps every spelling, as the file readers read them (found by
 * two code reviews, 2026-12-06: the rows were read as names but the pushed-down flow keys hashed the
 * raw text, then mapped only the exact strings "0"…"137").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFlowBuffer } from '../../../src/sources/file/index.js';
import { SKIP } from './server.js';
import { chInstance, flowsDatabase, runQuery, type ParityRow } from './storeParity.js';
import { MemoryStore, memoryInstance } from '../../backend/helpers/memoryStore.js';

const S = 1_700_000_000;
// one 5-tuple, its protocol written four ways (an exporter change mid-window), in one 10 s window
const rows: ParityRow[] = ['6', '06', 'tcp', 'TCP'].map((proto, i) => ({ ts: S + i, src_ip: '10.0.0.1', dst_ip: '10.0.0.9', src_port: 40000, dst_port: 443, proto, bytes: 100 }));
const DDL = `(ts Float64, src_ip String, dst_ip String, src_port UInt16, dst_port UInt16, proto String, bytes Float64) ENGINE = MergeTree ORDER BY ts`;

/** The same flows as a generic CSV file, read by the file store's reader. */
async function fileInstanceOfCsv() {
  const csv = ['ts,src_ip,dst_ip,src_port,dst_port,proto,bytes', ...rows.map((r) => [r.ts, r.src_ip, r.dst_ip, r.src_port, r.dst_port, r.proto, r.bytes].join(','))].join('\n') + '\n';
  const { table } = await readFlowBuffer(csv, { format: 'csv', columnMap: { ts: 'ts', srcIp: 'src_ip', dstIp: 'dst_ip', srcPort: 'src_port', dstPort: 'dst_port', proto: 'proto', bytes: 'bytes' } });
  return memoryInstance(new MemoryStore(table));
}

describe('pushed-down flow keys of a text protocol column', { skip: SKIP }, () => {
  const { db } = flowsDatabase('protospellings', rows, DDL);

  it('counts one 5-tuple once whatever the spelling of its protocol, as the file store does', async () => {
    const model = { queryType: 'features', windowSeconds: 10, features: ['count_flows', 'entries_per_flow_max'] };
    const file = await runQuery(await fileInstanceOfCsv(), model, S, S + 10);
    assert.deepEqual(file[0]!.fields.count_flows, [1], 'the file store reads the four spellings as tcp');
    const ch = await runQuery(chInstance(db, 'flows'), model, S, S + 10);
    assert.deepEqual({ count_flows: ch[0]!.fields.count_flows, entries_per_flow_max: ch[0]!.fields.entries_per_flow_max }, { count_flows: [1], entries_per_flow_max: [4] });
  });

  it('keeps every spelling under a protocol filter, by name or by number', async () => {
    for (const protocols of [['tcp'], ['6']]) {
      const model = { queryType: 'features', windowSeconds: 10, features: ['num_entries'], filter: { protocols } };
      const ch = await runQuery(chInstance(db, 'flows'), model, S, S + 10);
      assert.deepEqual(ch[0]!.fields.num_entries, [4], protocols[0]);
    }
  });
});
