/**
 * The `flows` query keeps to 'Max flows per query' on ClickHouse too (found by a ClickHouse audit,
 * 2026-12-06: it pulled up to the query's own row limit, ≤ 1,000,000, whatever the setting said).
 * The file store refuses the range (it reads every flow of it); ClickHouse sends at most that many
 * and says which limit cut the table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SKIP } from './server.js';
import { chInstance, flowsDatabase, fileInstance, runQuery, type ParityRow } from './storeParity.js';

const S = 1_700_000_000;
const rows: ParityRow[] = Array.from({ length: 300 }, (_, i) => ({ ts: S + i, src_ip: `10.0.0.${i % 7}`, dst_ip: '10.1.0.1', src_port: 1000 + i, dst_port: 80, proto: 'tcp', bytes: i }));

describe('flows query and limits.maxRows on ClickHouse', { skip: SKIP }, () => {
  const { db } = flowsDatabase('maxrows', rows);

  it('a flows query asking for 200 rows with Max flows per query at 100 shows 100 with a notice naming the setting', async () => {
    const model = { queryType: 'flows', limit: 200 };
    await assert.rejects(runQuery(fileInstance(rows, { maxRows: 100 }), model, S, S + 300), (e: { status?: number }) => e.status === 413);
    const [frame] = await runQuery(chInstance(db, 'flows', {}, { maxRows: 100 }), model, S, S + 300);
    assert.equal(frame!.fields.time!.length, 100);
    assert.equal(frame!.fields.time![0], (S + 299) * 1e9, 'the newest flows');
    assert.match(frame!.notices.join(' '), /Showing the newest 100 flows.*'Max flows per query' \(100\)/);
  });
});
