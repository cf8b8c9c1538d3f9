/** The ClickHouse adapter's error mapping and push-down arguments, with a fake server API. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClickHouseFlowStore, type ClickHouseApi } from '../../../src/backend/store/clickhouseStore.js';
import { RequestAbortedError } from '../../../src/backend/grafana/errors.js';
import { ClickHouseStoreError, type FailureKind } from '../../../src/sources/clickhouse/errors.js';

function failing(kind: FailureKind, message: string): ClickHouseApi {
  const fail = async (): Promise<never> => {
    throw new ClickHouseStoreError(kind, message);
  };
  return { health: fail, windowAggregates: fail, flows: fail, hostFlows: fail, hosts: fail, close: async () => undefined };
}

const signal = new AbortController().signal;
const range = { from: 100, to: 200 };

describe('ClickHouseFlowStore', () => {
  it('turns server failures into downstream errors with the store sentence: 502, or 504 for a timeout', async () => {
    await assert.rejects(new ClickHouseFlowStore(failing('refused', 'ClickHouse at http://h:8123 refused the connection.')).windowAggregates({ range, filter: {}, windowSeconds: 10, signal }), (e: { status: number; source: string; message: string }) => {
      assert.deepEqual([e.status, e.source, e.message], [502, 'downstream', 'ClickHouse at http://h:8123 refused the connection.']);
      return true;
    });
    await assert.rejects(new ClickHouseFlowStore(failing('timeout', 'The query ran longer than 30 s.')).flows({ range, filter: {}, limit: 5, signal }), (e: { status: number; source: string }) => e.status === 504 && e.source === 'downstream');
  });

  it('turns a cancelled query into the cancellation of the call', async () => {
    await assert.rejects(new ClickHouseFlowStore(failing('cancelled', 'cancelled')).hosts({ range, filter: {}, role: 'src', limit: 5, signal }), (e: unknown) => e instanceof RequestAbortedError && e.reason === 'cancelled');
  });

  it('passes the range, filter, window and role through, mapping role any to both', async () => {
    const calls: unknown[] = [];
    const api = {
      health: async () => ({ ok: true, message: 'ok' }),
      windowAggregates: async (req: unknown) => (calls.push(req), []),
      flows: async (req: unknown) => (calls.push(req), null as never),
      hostFlows: async (req: unknown) => (calls.push(req), null as never),
      hosts: async (req: unknown) => (calls.push(req), []),
      close: async () => undefined,
    } as unknown as ClickHouseApi;
    const store = new ClickHouseFlowStore(api);
    await store.windowAggregates({ range, filter: { ports: [53] }, windowSeconds: 10, signal });
    await store.hosts({ range, filter: {}, role: 'any', limit: 7, signal });
    assert.deepEqual(calls, [
      { from: 100, to: 200, filter: { ports: [53] }, signal, windowSeconds: 10 },
      { from: 100, to: 200, filter: {}, signal, limit: 7, role: 'both' },
    ]);
  });
});
