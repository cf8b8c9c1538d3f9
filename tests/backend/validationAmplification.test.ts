/** Hostile or oversized input to validation and training answers a short 4xx, quickly (found by a security audit, 2026-12-06). */
/**
 * AUDIT: validation lists one problem per bad item with no cap. A query whose filter holds 200,000
 * bad ports makes validateQuery throw RangeError (errors.push(...list) past the call-stack limit):
 * a 500 "Internal error in the plugin: Maximum call stack size exceeded" logged with its stack,
 * where a 400 is due. A profile import whose spec has 1,000,000 unknown keys (a 12 MB body) spends
 * ~13 s of the single event loop and answers a 149 MB error text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFlowlensHandlers } from '../../src/backend/plugin.js';
import { handleResource } from '../../src/backend/resources.js';
import { createLogger } from '../../src/backend/grafana/logger.js';
import { MetricsRegistry } from '../../src/backend/grafana/metrics.js';
import { callCtx, MemoryStore, memoryInstance, table } from './helpers/memoryStore.js';

describe('validation of oversized hostile input', () => {
  it('a filter with 200,000 bad ports is a 400 with a bounded message, not an internal error', async () => {
    const logged: string[] = [];
    const handlers = createFlowlensHandlers({ logger: createLogger({ write: (l) => void logged.push(l) }), metrics: new MetricsRegistry() });
    const json = { refId: 'A', queryType: 'features', windowSeconds: 10, features: ['num_entries'], filter: { dstPorts: Array.from({ length: 200_000 }, () => -1) } };
    const res = await handlers.queryData!(
      {
        pluginContext: { orgId: 1, pluginId: 'x', grafanaConfig: {}, dataSourceInstanceSettings: { id: 1, uid: 'u', name: 'n', jsonData: { file: { root: '/tmp' } }, decryptedSecureJsonData: {}, lastUpdatedMS: 1 } } as never,
        headers: {},
        queries: [{ refId: 'A', queryType: 'features', maxDataPoints: 100, intervalMS: 1000, timeRange: { fromMs: 0, toMs: 1000 }, json }],
      } as never,
      callCtx(),
    );
    const r = res.A!;
    assert.equal(r.status, 400, `status ${r.status}: ${String(r.error).slice(0, 120)}`);
    assert.ok(String(r.error).length < 65_536, `the error text is ${String(r.error).length} characters`);
    assert.equal(logged.filter((l) => l.includes('"error"')).length, 0, 'an internal error was logged');
  });

  it('a profile import with 1,000,000 unknown spec keys is refused quickly with a bounded message', async () => {
    const inst = memoryInstance(new MemoryStore(table([])));
    const spec: Record<string, number> = {};
    for (let i = 0; i < 1_000_000; i++) spec[`k${i}`] = 0;
    const body = Buffer.from(JSON.stringify({ version: 1, spec }));
    const t0 = performance.now();
    await assert.rejects(handleResource({ pluginContext: {} as never, method: 'POST', path: 'profiles/import', url: 'profiles/import', headers: {}, body }, inst, callCtx()), (e: { status?: number; message: string }) => {
      const ms = performance.now() - t0;
      assert.equal(e.status, 400);
      assert.ok(e.message.length < 65_536 && ms < 2000, `a ${(body.length / 1e6).toFixed(1)} MB body took ${Math.round(ms)} ms (event loop blocked) and answered ${(e.message.length / 1e6).toFixed(1)} MB of error text`);
      return true;
    });
  });
});
