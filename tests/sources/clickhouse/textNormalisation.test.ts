/**
 * Text columns read as the file readers read them: protocol numbers as names ("6" → tcp), addresses
 * in lower case. Found by a ClickHouse audit (2026-12-06): a String proto column of IANA numbers and
 * IPv6 written in upper case gave other answers than the same flows in a file (flows showed "6", a
 * profile's protocol vocabulary differed, a listed IPv6 host got no score).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFlowBuffer } from '../../../src/sources/file/index.js';
import { SKIP } from './server.js';
import { chInstance, flowsDatabase, runQuery, type ParityRow } from './storeParity.js';
import { MemoryStore, memoryInstance } from '../../backend/helpers/memoryStore.js';

const S = 1_700_000_000;
const rows: ParityRow[] = [];
for (let i = 0; i < 60; i++) {
  rows.push({ ts: S + i + 0.1, src_ip: '2001:DB8::5', dst_ip: '2001:DB8:1::1', src_port: 40000 + i, dst_port: i % 3 ? 443 : 53, proto: i % 3 ? '6' : '17', bytes: 100 * (1 + (i % 7)) });
  rows.push({ ts: S + i + 0.5, src_ip: '10.0.0.1', dst_ip: '10.9.0.1', src_port: 50000 + i, dst_port: i % 2 ? 443 : 53, proto: i % 2 ? '6' : '17', bytes: 90 * (1 + (i % 5)) });
}
/** The same flows as a generic CSV file, read by the file store's reader. */
async function fileInstanceOfCsv() {
  const csv = ['ts,src_ip,dst_ip,src_port,dst_port,proto,bytes', ...rows.map((r) => [r.ts, r.src_ip, r.dst_ip, r.src_port, r.dst_port, r.proto, r.bytes].join(','))].join('\n') + '\n';
  const { table } = await readFlowBuffer(csv, { format: 'csv', columnMap: { ts: 'ts', srcIp: 'src_ip', dstIp: 'dst_ip', srcPort: 'src_port', dstPort: 'dst_port', proto: 'proto', bytes: 'bytes' } });
  return memoryInstance(new MemoryStore(table));
}
const DDL = `(ts Float64, src_ip String, dst_ip String, src_port UInt16, dst_port UInt16, proto String, bytes Float64) ENGINE = MergeTree ORDER BY ts`;

describe('text normalisation of ClickHouse String columns against the file readers', { skip: SKIP }, () => {
  const { db } = flowsDatabase('textcase', rows.map(({ ts, src_ip, dst_ip, src_port, dst_port, proto, bytes }) => ({ ts, src_ip, dst_ip, src_port, dst_port, proto, bytes }) as ParityRow), DDL);

  it('flows from a String proto column holding IANA numbers show protocol names, as the file store shows them', async () => {
    const model = { queryType: 'flows', limit: 4, order: 'oldest' };
    const file = await runQuery(await fileInstanceOfCsv(), model, S, S + 100);
    const ch = await runQuery(chInstance(db, 'flows'), model, S, S + 100);
    assert.deepEqual(ch[0]!.fields.proto, file[0]!.fields.proto);
  });

  it('the protocol bins of a profile trained from that table are those of the same flows in a file', async () => {
    const model = { queryType: 'profile', profile: { hosts: ['10.0.0.1'], window: 3, states: 2, iterations: 3 } };
    const file = await runQuery(await fileInstanceOfCsv(), model, S, S + 100);
    const ch = await runQuery(chInstance(db, 'flows'), model, S, S + 100);
    assert.deepEqual(ch.find((f) => f.name === 'bins')!.fields.value, file.find((f) => f.name === 'bins')!.fields.value);
  });

  it('hosts lists an IPv6 address stored in upper case in lower case, as the file store does', async () => {
    const model = { queryType: 'hosts', role: 'src', limit: 10 };
    const file = await runQuery(await fileInstanceOfCsv(), model, S, S + 100);
    const ch = await runQuery(chInstance(db, 'flows'), model, S, S + 100);
    assert.deepEqual(ch[0]!.fields.host, file[0]!.fields.host);
  });

  it('a listed IPv6 host stored in upper case is scored on ClickHouse as on the file store', async () => {
    const model = { queryType: 'hostScores', hosts: ['2001:db8::5'], profile: { hosts: ['10.0.0.1'], window: 3, states: 2, iterations: 3 }, output: 'table' };
    const file = await runQuery(await fileInstanceOfCsv(), model, S, S + 100);
    const ch = await runQuery(chInstance(db, 'flows'), model, S, S + 100);
    assert.deepEqual(file[0]!.fields.host, ['2001:db8::5'], 'the file store scores the host');
    assert.deepEqual(ch[0]!.fields.host, file[0]!.fields.host);
  });
});
