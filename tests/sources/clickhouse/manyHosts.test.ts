/**
 * Host scores for a listed host set within 'Max hosts' (default 100,000) work on ClickHouse as on the
 * file store: the list is sent in parts. Found by a ClickHouse audit (2026-12-06): one `IN (…)` list
 * passed the server's max_query_size (256 KiB, about 18,000 IPv4 addresses) and failed as a raw
 * "Syntax error".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SKIP } from './server.js';
import { chInstance, flowsDatabase, fileInstance, runQuery, type ParityRow } from './storeParity.js';

const S = 1_700_000_000;
const rows: ParityRow[] = Array.from({ length: 3000 }, (_, i) => ({ ts: S + i / 10, src_ip: `10.0.${(i >> 8) & 255}.${i & 255}`, dst_ip: '10.1.0.1', src_port: 1000 + i, dst_port: 80 + (i % 3), proto: i % 2 ? 'tcp' : 'udp', bytes: i }));
for (let i = 0; i < 60; i++) rows.push({ ts: S + i + 0.05, src_ip: '10.0.0.1', dst_ip: '10.1.0.2', src_port: 5000 + i, dst_port: 443, proto: 'tcp', bytes: 100 * i });

describe('hostScores over many listed hosts on ClickHouse', { skip: SKIP }, () => {
  const { db } = flowsDatabase('manyhosts', rows);

  it('20,000 listed hosts (within the default Max hosts of 100,000) are scored on ClickHouse as on the file store', async () => {
    const hosts = Array.from({ length: 20000 }, (_, i) => `10.0.${(i >> 8) & 255}.${i & 255}`);
    const model = { queryType: 'hostScores', hosts, profile: { hosts: ['10.0.0.1'], window: 3, states: 2, iterations: 3 }, output: 'table', limit: 100000 };
    const file = await runQuery(fileInstance(rows), model, S, S + 400);
    let ch: string | number;
    try {
      ch = (await runQuery(chInstance(db, 'flows'), model, S, S + 400))[0]!.fields.host!.length;
    } catch (e) {
      ch = `error ${(e as { status?: number }).status}: ${String((e as Error).message).slice(0, 160)}`;
    }
    assert.equal(ch, file[0]!.fields.host!.length);
  });
});
