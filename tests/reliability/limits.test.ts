/**
 * The data source's limits (settings `limits`): a query that would read more rows or bytes, span
 * more time or return more hosts than allowed fails as a whole with a sentence naming the limit —
 * never a silently truncated answer — on the running backend (file store), while the same query
 * within the limits succeeds. ClickHouse stops early through `maxRows + 1` and the server's
 * max_bytes_to_read (tests/backend/clickhouse.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../src/backend/grafana/protocol.js';
import { DEFAULT_START, generateText } from '../../src/sources/synthetic/index.js';
import { dataQuery, pluginContext, startBackend, type RunningBackend } from '../backend/helpers/plugin.js';

const FLOWS = 3000;

describe('query limits on the running backend', () => {
  let backend: RunningBackend;
  let root: string;
  const from = DEFAULT_START * 1000;
  const to = (DEFAULT_START + 3600) * 1000;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'flowlens-limits-'));
    writeFileSync(join(root, 'flows.csv'), generateText({ format: 'seed', flows: FLOWS, seed: 11, bots: 1, normalHosts: 8 }));
    backend = await startBackend();
  });
  after(() => {
    backend?.kill();
    rmSync(root, { recursive: true, force: true });
  });

  const query = async (limits: Record<string, number>, uid: string, model: Record<string, unknown>, toMs = to): Promise<Message> => {
    const r = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: pluginContext({ store: 'file', file: { root }, limits }, { uid }), queries: [dataQuery('A', model, from, toMs)] });
    return (r.responses as Record<string, Message>).A!;
  };
  const features = { queryType: 'features', windowSeconds: 60, features: ['num_entries'] };

  it('more flows in range than maxRows: the query fails naming the limit; within the limit it answers', async () => {
    const over = await query({ maxRows: 100 }, 'lim-rows', features);
    assert.ok(Number(over.status) >= 400, `status ${String(over.status)}`);
    assert.match(String(over.error), /more than 100 flows/);
    assert.deepEqual(over.frames, []);
    const within = await query({ maxRows: FLOWS * 2 }, 'lim-rows-ok', features);
    assert.equal(within.error ?? '', '');
    assert.ok((within.frames as unknown[]).length > 0);
  });

  it('every query type that reads flows obeys maxRows', async () => {
    for (const model of [{ queryType: 'flows', limit: 10 }, { queryType: 'hosts', role: 'src', limit: 10 }, { queryType: 'hostScores', profile: { hosts: ['147.32.84.165'] }, output: 'table' }]) {
      const over = await query({ maxRows: 100 }, `lim-rows-${model.queryType}`, model);
      assert.ok(Number(over.status) >= 400, `${model.queryType}: status ${String(over.status)} error ${String(over.error)}`);
      assert.match(String(over.error), /100 flows|Max rows|limit/i, `${model.queryType}: ${String(over.error)}`);
    }
  });

  it('a time range longer than maxSpanSeconds is refused before reading, naming both spans', async () => {
    const over = await query({ maxSpanSeconds: 600 }, 'lim-span', features);
    assert.equal(over.status, 400);
    assert.match(String(over.error), /spans 1 hours?|spans 60 minutes|more than this data source allows/);
    const within = await query({ maxSpanSeconds: 600 }, 'lim-span-ok', features, from + 600_000);
    assert.equal(within.error ?? '', '');
  });

  it('more bytes of flow files than maxBytes: every query type that reads flows fails naming the limit; within it the query answers', async () => {
    for (const model of [features, { queryType: 'flows', limit: 10 }, { queryType: 'hosts', role: 'src', limit: 10 }]) {
      const over = await query({ maxBytes: 1000 }, `lim-bytes-${model.queryType}`, model);
      assert.equal(over.status, 413, `${model.queryType}: ${String(over.error)}`);
      assert.match(String(over.error), /more than 1 kB of flow files.*'Max bytes read'/);
      assert.deepEqual(over.frames, []);
    }
    const within = await query({ maxBytes: 10 * 2 ** 20 }, 'lim-bytes-ok', features);
    assert.equal(within.error ?? '', '');
  });

  it('more hosts than maxHosts: the hosts and hostScores queries fail naming the limit', async () => {
    for (const model of [{ queryType: 'hosts', role: 'any', limit: 100000 }, { queryType: 'hostScores', profile: { hosts: ['147.32.84.165'] }, output: 'table', limit: 1000 }]) {
      const over = await query({ maxHosts: 3 }, `lim-hosts-${model.queryType}`, model);
      assert.ok(Number(over.status) >= 400, `${model.queryType}: status ${String(over.status)}`);
      assert.match(String(over.error), /3 hosts|maxHosts|Max hosts/i);
    }
  });
});
