/** Hostile or oversized input to validation and training answers a short 4xx, quickly (found by a security audit, 2026-12-06). */
/**
 * AUDIT: validateProfileSpec accepts states ≤ 64 and window ≤ 1000 with covarianceType "full", a
 * model of 64 × 1000 × 1000 covariances (512 MB of doubles) that no data source limit bounds. The
 * train route spends ~100 s and ~1.5 GB RSS on it, keeps the profile in the registry, and then
 * answers 500 "Internal error in the plugin: Invalid string length" because its JSON is longer than
 * V8's longest string. A spec the validator accepts must either answer or be refused up front with
 * a message the user can act on. (Slow: ~100 s, 1.5 GB.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleResource } from '../../src/backend/resources.js';
import { callCtx, MemoryStore, memoryInstance, table } from './helpers/memoryStore.js';

const T0 = 1_313_500_000;
const N = 1200;
const rows = Array.from({ length: N }, (_, i) => ({ ts: T0 + i, src: '10.0.0.1', dst: '10.0.0.9', proto: ['tcp', 'udp', 'icmp'][i % 3]!, bytes: 100 + ((i * 7919) % 1000) }));

describe('the largest profile spec the validator accepts', () => {
  it('is trained and exported, or refused with a 4xx before training — never a 500', { timeout: 300_000 }, async () => {
    const inst = memoryInstance(new MemoryStore(table(rows)));
    const spec = { hosts: ['10.0.0.1'], states: 64, window: 1000, covarianceType: 'full', iterations: 1 };
    const body = Buffer.from(JSON.stringify({ profile: spec, from: T0 * 1000, to: (T0 + N) * 1000 }));
    const t0 = performance.now();
    try {
      const r = await handleResource({ pluginContext: {} as never, method: 'POST', path: 'profiles/train', url: 'profiles/train', headers: {}, body }, inst, callCtx());
      assert.equal(r.status, 200);
    } catch (e) {
      const status = (e as { status?: number }).status;
      assert.ok(status !== undefined && status >= 400 && status < 500, `after ${Math.round((performance.now() - t0) / 1000)} s: ${status ?? 'no status (internal error, answered as 500)'} ${(e as Error).message}; profiles kept: ${inst.profiles.size}`);
      assert.equal(inst.profiles.size, 0, 'a refused training keeps no profile');
    }
  });
});
