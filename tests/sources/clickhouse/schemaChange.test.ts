/**
 * After a column the mapping uses is dropped or renamed (a collector's schema migration), the next
 * query reads the table's columns again and answers as a new instance would. Found by a ClickHouse
 * audit (2026-12-06): the columns were read once per instance, and every query failed with the raw
 * server text until a restart.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exec, SKIP } from './server.js';
import { chInstance, flowsDatabase, runQuery, type ParityRow } from './storeParity.js';

const S = 1_700_000_000;
const rows: ParityRow[] = Array.from({ length: 300 }, (_, i) => ({ ts: S + i, src_ip: `10.0.0.${i % 7}`, dst_ip: '10.1.0.1', src_port: 1000 + i, dst_port: 80, proto: 'tcp', state: 'established', bytes: i }));

describe('ClickHouse schema changes after the first query', { skip: SKIP }, () => {
  const { db, admin } = flowsDatabase('schemachange', rows);

  it('after an optional column is dropped, the running instance answers features as a new instance does (columns read again), not with "Unknown identifier"', async () => {
    const inst = chInstance(db, 'flows');
    const model = { queryType: 'features', features: ['num_entries'] };
    assert.equal((await runQuery(inst, model, S, S + 300))[0]!.fields.num_entries!.length, 30);
    await exec(admin(), `ALTER TABLE ${db}.flows DROP COLUMN state`);
    const fresh = await runQuery(chInstance(db, 'flows'), model, S, S + 300);
    assert.equal(fresh[0]!.fields.num_entries!.length, 30, 'a new instance answers');
    let outcome: string;
    try {
      outcome = `${(await runQuery(inst, model, S, S + 300))[0]!.fields.num_entries!.length} windows`;
    } catch (e) {
      outcome = `error ${(e as { status?: number }).status}: ${(e as Error).message}`;
    }
    assert.equal(outcome, '30 windows');
  });
});
