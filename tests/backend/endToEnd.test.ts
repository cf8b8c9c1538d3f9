/**
 * The running backend on the real CTU-13 files (FLOWLENS_SHARED_DATA, default /work/shared/data):
 * health, and every query type answered with Arrow frames apache-arrow decodes. Counts are checked
 * against the files' own line counts, not against our output.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableFromIPC, type Table } from 'apache-arrow';
import type { Message } from '../../src/backend/grafana/protocol.js';
import { dataQuery, pluginContext, startBackend, type RunningBackend } from './helpers/plugin.js';

const DATA = process.env.FLOWLENS_SHARED_DATA ?? (existsSync('/work/shared/data') ? '/work/shared/data' : '');
const skip = DATA && existsSync(DATA) ? false : 'shared data folder absent (set FLOWLENS_SHARED_DATA)';
const FROM = Date.UTC(2011, 7, 16, 10, 0, 0);
const TO = Date.UTC(2011, 7, 16, 10, 30, 0);

/** Data lines of the CTU-13 binetflow files (header excluded), counted from the files themselves. */
function binetflowLines(): number {
  let n = 0;
  for (const f of readdirSync(DATA)) {
    if (!f.includes('binetflow')) continue;
    n += readFileSync(join(DATA, f), 'utf8').split('\n').filter((l) => l.trim() !== '').length - 1;
  }
  return n;
}

describe('backend on the CTU-13 files', { skip }, () => {
  let backend: RunningBackend;
  const ctx = () => pluginContext({ store: 'file', file: { root: DATA, format: 'auto', timeZone: 'UTC' } }, { uid: 'ctu13' });
  const query = async (model: Record<string, unknown>, from = FROM, to = TO, headers: Record<string, string> = {}): Promise<{ r: Message; tables: Table[] }> => {
    const res = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: ctx(), headers, queries: [dataQuery('A', model, from, to)] });
    const r = (res.responses as Record<string, Message>).A!;
    return { r, tables: ((r.frames as Buffer[]) ?? []).map((b) => tableFromIPC(b)) };
  };
  before(async () => {
    backend = await startBackend();
  });
  after(() => backend.kill());

  it('CheckHealth finds the flow files and ignores the README', async () => {
    const h = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: ctx() });
    assert.equal(h.status, 1, String(h.message));
    const flowFiles = readdirSync(DATA).filter((f) => !f.endsWith('.md')).length;
    assert.match(h.message as string, new RegExp(`^Found ${flowFiles} flow files`));
  });

  it('features: num_entries over 10 s windows plus the lines the notice reports skipped add up to every flow line', async () => {
    const { r, tables } = await query({ queryType: 'features', windowSeconds: 10, features: ['num_entries', 'count_src_ip'] });
    assert.equal(r.status, 200, String(r.error));
    assert.equal(tables.length, 1);
    const total = [...tables[0]!.getChild('num_entries')!].reduce((s: number, v) => s + Number(v), 0);
    const meta = JSON.parse(tables[0]!.schema.metadata.get('meta')!) as { notices?: { severity: string; text: string }[] };
    const skipped = Number(/^(\d+) lines? in the flow files could not be read/.exec(meta.notices?.[0]?.text ?? '')?.[1] ?? 0);
    assert.equal(meta.notices?.[0]?.severity ?? 'warning', 'warning');
    assert.equal(total + skipped, binetflowLines());
  });

  it('hosts: the bot and the normal hosts of scenario 6 are among the sources', async () => {
    const { r, tables } = await query({ queryType: 'hosts', role: 'src', limit: 100000 });
    assert.equal(r.status, 200, String(r.error));
    const hosts = new Set([...tables[0]!.getChild('host')!]);
    for (const h of ['147.32.84.165', '147.32.84.170', '147.32.84.164', '147.32.84.134']) assert.ok(hosts.has(h), h);
  });

  it('flows: a filtered, limited table', async () => {
    const { r, tables } = await query({ queryType: 'flows', limit: 50, filter: { srcCidrs: ['147.32.84.165/32'] } });
    assert.equal(r.status, 200, String(r.error));
    assert.equal(tables[0]!.numRows, 50);
    assert.deepEqual(new Set([...tables[0]!.getChild('src_ip')!]), new Set(['147.32.84.165']));
  });

  it('hostScores: one labelled series per host for a profile trained on the bot', async () => {
    const profile = { hosts: ['147.32.84.165'], from: '2011-08-16T10:10:00Z', to: '2011-08-16T10:15:00Z', iterations: 5 };
    const model = { queryType: 'hostScores', profile, output: 'timeseries', bucketSeconds: 60, hosts: ['147.32.84.165', '147.32.84.170', '147.32.84.134'] };
    const { r, tables } = await query(model);
    assert.equal(r.status, 200, String(r.error));
    const labels = tables.map((t) => JSON.parse(t.schema.fields[1]!.metadata.get('labels')!).host as string).sort();
    assert.deepEqual(labels, ['147.32.84.134', '147.32.84.165', '147.32.84.170']);
    const table = await query({ ...model, output: 'table' });
    assert.equal(table.r.status, 200);
    assert.deepEqual([...table.tables[0]!.getChild('host')!].sort(), labels);
  });

  it('hostScores in an alert evaluation (FromAlert: true) answers every scored host, not the top few a panel shows', async () => {
    const profile = { hosts: ['147.32.84.165'], from: '2011-08-16T10:10:00Z', to: '2011-08-16T10:15:00Z', iterations: 5 };
    const model = { queryType: 'hostScores', profile, output: 'timeseries', bucketSeconds: 300, limit: 3 };
    const panel = await query(model);
    assert.equal(panel.tables.length, 3);
    const rule = await query(model, FROM, TO, { FromAlert: 'true', 'X-Rule-Uid': 'botnet' });
    assert.equal(rule.r.status, 200, String(rule.r.error));
    assert.ok(rule.tables.length > 10, `${rule.tables.length} series for the rule`);
    const labels = rule.tables.map((t) => JSON.parse(t.schema.fields[1]!.metadata.get('labels')!).host as string);
    assert.equal(new Set(labels).size, labels.length);
  });
});
