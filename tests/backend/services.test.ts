/**
 * pluginv2 services against the running backend through a grpc-js client built from our .proto:
 * statuses and error sources, health messages, resources, metrics, secrets kept out of logs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../src/backend/grafana/protocol.js';
import { dataQuery, pluginContext, startBackend, type RunningBackend } from './helpers/plugin.js';

const SECRET = 'sw0rdfish-never-logged';
const SEED_LINE = '2017-01-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,21687,8999\n';
const NOTES = 'not flows\n';

describe('pluginv2 services', () => {
  let backend: RunningBackend;
  let root: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'flowlens-svc-'));
    writeFileSync(join(root, 'flows.csv'), SEED_LINE);
    writeFileSync(join(root, 'notes.txt'), NOTES);
    backend = await startBackend();
  });
  after(() => {
    backend.kill();
    rmSync(root, { recursive: true, force: true });
  });

  const goodCtx = () => pluginContext({ store: 'file', file: { root } }, { secrets: { clickhousePassword: SECRET } });
  const responses = (r: Message) => r.responses as Record<string, Message>;

  it('answers a query with an unknown queryType with status 400, source plugin and what to choose', async () => {
    const r = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: goodCtx(), queries: [dataQuery('A', { queryType: 'nope' }, 0, 1000)] });
    const a = responses(r).A!;
    assert.equal(a.status, 400);
    assert.equal(a.errorSource, 'plugin');
    assert.match(a.error as string, /Unknown query type "nope": choose one of features, hostScores, profile, flows, hosts/);
    assert.deepEqual(a.frames, []);
  });

  it('fails only the refId whose query model is not JSON', async () => {
    const bad = { ...dataQuery('B', {}, 0, 1000), json: Buffer.from('{not json') };
    const r = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: goodCtx(), queries: [bad, dataQuery('C', { queryType: 'nope' }, 0, 1000)] });
    assert.equal(responses(r).B!.status, 400);
    assert.match(responses(r).B!.error as string, /not valid JSON/);
    assert.equal(responses(r).C!.status, 400);
    assert.match(responses(r).C!.error as string, /Unknown query type/);
  });

  it('reports bad data source settings as a 400 naming the field', async () => {
    const ctx = pluginContext({ store: 'file', file: { root: '' } }, { uid: 'bad-settings' });
    const r = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: ctx, queries: [dataQuery('A', { queryType: 'hosts' }, 0, 1000)] });
    assert.equal(responses(r).A!.status, 400);
    assert.match(responses(r).A!.error as string, /file\.root: Set the root folder/);
  });

  it('reports a missing flow folder as a downstream error in one sentence', async () => {
    const ctx = pluginContext({ store: 'file', file: { root: join(root, 'missing') } }, { uid: 'missing-root' });
    const r = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: ctx, queries: [dataQuery('A', { queryType: 'hosts' }, 0, 1000)] });
    const a = responses(r).A!;
    assert.equal(a.errorSource, 'downstream');
    assert.equal(a.status, 502);
    assert.equal(a.error, `The flow folder ${join(root, 'missing')} does not exist — set 'Root folder' in the data source settings.`);
  });

  it('CheckHealth: OK with what it found, ERROR with one sentence on what to fix', async () => {
    const ok = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: goodCtx() });
    assert.equal(ok.status, 1);
    assert.equal(ok.message, `Found 1 flow file (seed ×1; 0.0 MB) in ${root}; 1 other file is not a flow file and is left out.`);
    assert.deepEqual(JSON.parse((ok.jsonDetails as Buffer).toString()), { files: 2, readable: 1, bytes: SEED_LINE.length + NOTES.length });
    const missing = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: pluginContext({ file: { root: '/nonexistent/flows' } }, { uid: 'h2' }) });
    assert.equal(missing.status, 2);
    assert.equal(missing.message, "The flow folder /nonexistent/flows does not exist — set 'Root folder' in the data source settings.");
    const empty = mkdtempSync(join(tmpdir(), 'flowlens-empty-'));
    try {
      const r = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: pluginContext({ file: { root: empty } }, { uid: 'h3' }) });
      assert.equal(r.status, 2);
      assert.match(r.message as string, /holds no files/);
      // a file that is not flows may be anything (a key, a config): its content is never quoted
      writeFileSync(join(empty, 'junk.csv'), 'token,s3cr3t-t0ken\n');
      const junk = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: pluginContext({ file: { root: empty } }, { uid: 'h4' }) });
      assert.equal(junk.status, 2);
      assert.match(junk.message as string, /^None of the 1 file in .* is a flow file Flowlens can read/);
      // the reason for the first file follows, in the reader's words
      assert.match(junk.message as string, /junk\.csv: an unknown format; first line: 18 characters, 2 comma-separated fields \(not quoted here\)\. Formats tried: seed CSV/);
      assert.doesNotMatch(junk.message as string, /s3cr3t/);
      const mapped = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', {
        pluginContext: pluginContext({ file: { root: empty, format: 'csv', columns: { ts: 'when', src_ip: 'token', dst_ip: 'there' } } }, { uid: 'h5' }),
      });
      assert.equal(mapped.status, 2);
      assert.match(mapped.message as string, /junk\.csv: .*header does not have \(ts='when', dst_ip='there'\); the header has 2 columns/);
      assert.doesNotMatch(mapped.message as string, /s3cr3t/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('CallResource: an unknown route is a 404 listing the routes, with the code in the first message', async () => {
    const call = backend.stream('pluginv2.Resource', 'CallResource', { pluginContext: goodCtx(), path: 'nope', method: 'GET', url: 'nope' });
    const msgs: Message[] = [];
    for await (const m of call) msgs.push(m as Message);
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0]!.code, 404);
    assert.deepEqual((msgs[0]!.headers as Record<string, Message>)['Content-Type'], { values: ['application/json'] });
    assert.match(JSON.parse((msgs[0]!.body as Buffer).toString()).message, /GET \/hosts, POST \/profiles\/train/);
  });

  it('CollectMetrics returns Prometheus text with query counters and latency histogram', async () => {
    // a query type the plugin does not know is counted as "other", not as a label of its own
    await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: goodCtx(), queries: [dataQuery('Z', { queryType: 'made-up-type-1' }, 0, 1000)] });
    const r = await backend.unary('pluginv2.Diagnostics', 'CollectMetrics', { pluginContext: goodCtx() });
    const text = ((r.metrics as Message).prometheus as Buffer).toString();
    assert.match(text, /# TYPE flowlens_queries_total counter/);
    assert.match(text, /flowlens_queries_total\{query_type="",status="400"\} \d+/);
    assert.match(text, /flowlens_queries_total\{query_type="other",status="400"\} \d+/);
    assert.doesNotMatch(text, /made-up-type-1/);
    assert.match(text, /flowlens_query_errors_total\{source="plugin"\} \d+/);
    assert.match(text, /# TYPE flowlens_plugin_request_duration_seconds histogram/);
    assert.match(text, /flowlens_query_duration_seconds_count\{query_type="[^"]*",outcome="error"\} \d+/);
    assert.match(text, /flowlens_flows_read_total|# TYPE flowlens_flows_read_total counter/);
    for (const line of text.split('\n')) if (line && !line.startsWith('#')) assert.match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? \S+$/, line);
  });

  it('PublishStream is refused and SubscribeStream rejects unknown paths', async () => {
    const pub = await backend.unary('pluginv2.Stream', 'PublishStream', { pluginContext: goodCtx(), path: 'features/10' });
    assert.equal(pub.status, 2);
    const sub = await backend.unary('pluginv2.Stream', 'SubscribeStream', { pluginContext: goodCtx(), path: 'nope' });
    assert.equal(sub.status, 1);
  });

  it('never writes a secret to stderr', () => {
    assert.equal(backend.stderr().includes(SECRET), false);
  });
});
