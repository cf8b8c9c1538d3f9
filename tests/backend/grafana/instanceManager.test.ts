/** One instance per data source, rebuilt when its settings change, old ones disposed later. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InstanceManager } from '../../../src/backend/grafana/instanceManager.js';
import type { PluginContext } from '../../../src/backend/grafana/types.js';

function ctx(uid: string, lastUpdatedMS: number, grafanaConfig: Record<string, string> = {}): PluginContext {
  return {
    orgId: 1,
    pluginId: 'p',
    grafanaConfig,
    pluginVersion: '',
    userAgent: '',
    apiVersion: '',
    namespace: '',
    dataSourceInstanceSettings: {
      id: 1,
      uid,
      name: uid,
      url: '',
      user: '',
      database: '',
      basicAuthEnabled: false,
      basicAuthUser: '',
      jsonData: {},
      decryptedSecureJsonData: {},
      lastUpdatedMS,
      apiVersion: '',
    },
  };
}

class Thing {
  disposed = false;
  constructor(readonly n: number) {}
  dispose(): void {
    this.disposed = true;
  }
}

function manager(disposeDelayMs = 20) {
  let created = 0;
  const m = new InstanceManager<Thing>(async () => {
    await new Promise((r) => setTimeout(r, 5));
    return new Thing(++created);
  }, { disposeDelayMs });
  return { m, created: () => created };
}

describe('InstanceManager', () => {
  it('creates one instance for concurrent first requests', async () => {
    const { m, created } = manager();
    const [a, b] = await Promise.all([m.get(ctx('ds', 1)), m.get(ctx('ds', 1))]);
    assert.equal(a, b);
    assert.equal(created(), 1);
  });

  it('keeps separate instances per data source uid and per tenant', async () => {
    const { m } = manager();
    const a = await m.get(ctx('a', 1));
    const b = await m.get(ctx('b', 1));
    const a2 = await m.get(ctx('a', 1), 'tenant-2');
    assert.notEqual(a, b);
    assert.notEqual(a, a2);
  });

  it('rebuilds when lastUpdatedMS changes and disposes the old instance after the delay, not before', async () => {
    const { m } = manager(30);
    const old = await m.get(ctx('ds', 1));
    const fresh = await m.get(ctx('ds', 2));
    assert.notEqual(old, fresh);
    assert.equal(old.disposed, false, 'in-flight requests may still use it');
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(old.disposed, true);
    assert.equal(fresh.disposed, false);
  });

  it('rebuilds when Grafana config changes', async () => {
    const { m } = manager();
    const a = await m.get(ctx('ds', 1, { GF_SQL_ROW_LIMIT: '10' }));
    const b = await m.get(ctx('ds', 1, { GF_SQL_ROW_LIMIT: '20' }));
    assert.notEqual(a, b);
  });

  it('does not cache a failed creation', async () => {
    let calls = 0;
    const m = new InstanceManager<Thing>(() => {
      calls++;
      if (calls === 1) throw new Error('bad settings');
      return new Thing(calls);
    });
    await assert.rejects(m.get(ctx('ds', 1)), /bad settings/);
    const t = await m.get(ctx('ds', 1));
    assert.equal(t.n, 2);
  });

  it('disposes everything on disposeAll, including instances waiting for delayed disposal', async () => {
    const { m } = manager(10_000);
    const old = await m.get(ctx('ds', 1));
    const cur = await m.get(ctx('ds', 2));
    await m.disposeAll();
    assert.equal(old.disposed, true);
    assert.equal(cur.disposed, true);
    assert.equal(m.size, 0);
  });

  it('rejects requests without data source settings with a 400', async () => {
    const { m } = manager();
    const c = ctx('ds', 1);
    assert.throws(() => m.get({ ...c, dataSourceInstanceSettings: undefined }), (e: { status?: number }) => e.status === 400);
  });
});
