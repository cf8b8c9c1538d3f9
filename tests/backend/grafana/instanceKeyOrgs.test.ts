/**
 * Data source uids are unique per organisation only (Grafana's unique index UQE_data_source_org_id_uid
 * is on (org_id, uid)); grafana-plugin-sdk-go keys instances by the global numeric id. Two orgs that
 * provision a Flowlens data source with the same uid (often in the same second, so with equal
 * lastUpdatedMS) must each get their own instance. Found by a protocol audit (2026-12-06): keyed by
 * uid, org 2 was answered from org 1's folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InstanceManager } from '../../../src/backend/grafana/instanceManager.js';
import type { Message } from '../../../src/backend/grafana/protocol.js';
import type { PluginContext } from '../../../src/backend/grafana/types.js';
import { dataQuery, startBackend, type RunningBackend } from '../helpers/plugin.js';

function pc(orgId: number, id: number, uid: string, jsonData: unknown, lastUpdatedMS: number): PluginContext {
  return {
    orgId,
    pluginId: 'p',
    grafanaConfig: {},
    pluginVersion: '',
    userAgent: '',
    apiVersion: '',
    namespace: '',
    dataSourceInstanceSettings: { id, uid, name: uid, url: '', user: '', database: '', basicAuthEnabled: false, basicAuthUser: '', jsonData, decryptedSecureJsonData: {}, lastUpdatedMS, apiVersion: '' },
  };
}

describe('instance cache key across organisations', () => {
  it('gives two data sources with the same uid in different orgs (different ids) their own instances', async () => {
    const im = new InstanceManager<{ root: string; dispose?(): void }>((s) => ({ root: (s.jsonData as { root: string }).root, dispose: () => undefined }));
    const a = await im.get(pc(1, 11, 'flowlens', { root: '/org1' }, 1_700_000_000_000));
    const b = await im.get(pc(2, 12, 'flowlens', { root: '/org2' }, 1_700_000_000_000));
    assert.equal(b.root, '/org2', 'org 2 got org 1\'s instance');
    assert.notEqual(a, b);
  });

  describe('through the backend process', () => {
    let backend: RunningBackend;
    let root1: string;
    let root2: string;
    before(async () => {
      root1 = mkdtempSync(join(tmpdir(), 'audit-org1-'));
      root2 = mkdtempSync(join(tmpdir(), 'audit-org2-'));
      writeFileSync(join(root1, 'flows.csv'), '2017-01-27 16:24:42,tcp,closed,10.1.1.1,60707,74.201.65.31,443,21687,8999\n');
      writeFileSync(join(root2, 'flows.csv'), '2017-01-27 16:24:42,tcp,closed,10.2.2.2,60707,74.201.65.31,443,21687,8999\n');
      backend = await startBackend();
    });
    after(() => {
      backend.kill();
      rmSync(root1, { recursive: true, force: true });
      rmSync(root2, { recursive: true, force: true });
    });
    const ctx = (orgId: number, id: number, root: string): Message => ({
      orgId,
      pluginId: 'flowlens-netflow-datasource',
      dataSourceInstanceSettings: { id, uid: 'flowlens', name: 'Flowlens', jsonData: Buffer.from(JSON.stringify({ store: 'file', file: { root } })), lastUpdatedMS: 1_700_000_000_000 },
    });

    it('answers org 2 from org 2\'s folder', async () => {
      const h1 = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: ctx(1, 11, root1) });
      const h2 = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: ctx(2, 12, root2) });
      assert.match(String(h1.message), new RegExp(root1));
      assert.match(String(h2.message), new RegExp(root2), `org 2's health check reports org 1's folder: ${String(h2.message)}`);
    });

    it('returns org 2\'s hosts to org 2', async () => {
      const q = dataQuery('A', { queryType: 'hosts' }, Date.UTC(2017, 0, 27), Date.UTC(2017, 0, 29));
      await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: ctx(1, 11, root1), queries: [q] });
      const r = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: ctx(2, 12, root2), queries: [q] });
      const a = (r.responses as Record<string, Message>).A!;
      assert.equal(a.status, 200, String(a.error));
      const text = (a.frames as Buffer[]).map((f) => f.toString('latin1')).join('');
      assert.ok(!text.includes('10.1.1.1'), 'org 2 received org 1\'s host 10.1.1.1');
      assert.ok(text.includes('10.2.2.2'), 'org 2 did not receive its own host 10.2.2.2');
    });
  });
});
