/**
 * A text protocol column holding a zero-padded number ("06") is tcp in the pushed-down flow keys and
 * filters, as the file readers and the ClickHouse row reader read it (found by a second code review,
 * 2026-12-06: the keys mapped only the exact strings "0"…"137", so "6" and "06" were two flows).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFlowBuffer } from '../../../src/sources/file/index.js';
import { SKIP } from './server.js';
import { chInstance, flowsDatabase, runQuery, type ParityRow } from './storeParity.js';
import { MemoryStore, memoryInstance } from '../../backend/helpers/memoryStore.js';

const S = 1_700_000_000;
// one 5-tuple, its protocol written three ways (an exporter change mid-window), in one 10 s window
const rows: ParityRow[] = ['6', '06'].map((proto, i) => ({ ts: S + i, src_ip: '10.0.0.1', dst_ip: '10.0.0.9', src_port: 40000, dst_port: 443, proto, bytes: 100 }));
const DDL = `(ts Float64, src_ip String, dst_ip String, src_port UInt16, dst_port UInt16, proto String, bytes Float64) ENGINE = MergeTree ORDER BY ts`;

/** The same flows as a generic CSV file, read by the file store's reader. */
async function fileInstanceOfCsv() {
  const csv = ['ts,src_ip,dst_ip,src_port,dst_port,proto,bytes', ...rows.map((r) => [r.ts, r.src_ip, r.dst_ip, r.src_port, r.dst_port, r.proto, r.bytes].join(','))].join('\n') + '\n';
  const { table } = await readFlowBuffer(csv, { format: 'csv', columnMap: { ts: 'ts', srcIp: 'src_ip', dstIp: 'dst_ip', srcPort: 'src_port', dstPort: 'dst_port', proto: 'proto', bytes: 'bytes' } });
  return memoryInstance(new MemoryStore(table));
}

describe('pushed-down flow keys of a zero-padded text protocol number', { skip: SKIP }, () => {
  const { db } = flowsDatabase('protozeros', rows, DDL);

  it('counts "6" and "06" as one protocol (tcp), as the file readers and the ClickHouse row reader do', async () => {
    const model = { queryType: 'features', windowSeconds: 10, features: ['count_flows', 'entries_per_flow_max'] };
    const file = await runQuery(await fileInstanceOfCsv(), model, S, S + 10);
    assert.deepEqual(file[0]!.fields.count_flows, [1], 'the file store reads both as tcp');
    const ch = await runQuery(chInstance(db, 'flows'), model, S, S + 10);
    assert.deepEqual({ count_flows: ch[0]!.fields.count_flows, entries_per_flow_max: ch[0]!.fields.entries_per_flow_max }, { count_flows: [1], entries_per_flow_max: [2] });
  });
});
