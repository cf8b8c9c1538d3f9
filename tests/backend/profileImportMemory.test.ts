/** Imported profiles are bounded in size as well as in number (found by a security audit, 2026-12-06). */
/**
 * AUDIT: the profile registry caps the NUMBER of kept profiles (256) but not their size, and the
 * import route accepts any vocabulary / logLikelihood length up to the 16 MiB body limit. One such
 * document is kept as ~46 MiB of heap: 256 of them hold ~11.5 GiB in the plugin process.
 */
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { handleResource, MAX_BODY_BYTES } from '../../src/backend/resources.js';
import { callCtx, MemoryStore, memoryInstance, table } from './helpers/memoryStore.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const T0 = 1_313_500_000;
const rows = Array.from({ length: 90 }, (_, i) => ({ ts: T0 + i, src: i % 2 ? '10.0.0.1' : '10.0.0.2', dst: '10.0.0.9', proto: i % 4 < 2 ? 'tcp' : 'udp', bytes: 100 + (i % 9) * 50 }));
const req = (method: string, url: string, body: Buffer | string = '') => ({ pluginContext: {} as never, method, path: url.split('?')[0]!, url, headers: {}, body: Buffer.isBuffer(body) ? body : Buffer.from(body) });

describe('imported profiles are bounded in size, not only in number', () => {
  it('a dozen maximal imports keep well under 256 MiB of heap', async () => {
    const inst = memoryInstance(new MemoryStore(table(rows)));
    const spec = { hosts: ['10.0.0.1'], states: 2, window: 3, iterations: 3, features: [{ name: 'protocol' }] };
    const trained = JSON.parse(String((await handleResource(req('POST', 'profiles/train', JSON.stringify({ profile: spec, from: T0 * 1000, to: (T0 + 90) * 1000 })), inst, callCtx())).body)) as { profile: Record<string, unknown> };
    gc();
    const before = process.memoryUsage().heapUsed;
    const N = 12;
    let accepted = 0;
    for (let k = 0; k < N; k++) {
      const vocabulary: string[] = [];
      for (let i = 0, size = 0; size < MAX_BODY_BYTES - 1_000_000; i++) {
        const s = `${k}v${i}`;
        vocabulary.push(s);
        size += s.length + 3;
      }
      const doc = { ...trained.profile, discretizer: { features: [{ name: 'protocol', kind: 'categorical', vocabulary }] } };
      try {
        const r = await handleResource(req('POST', 'profiles/import', JSON.stringify(doc)), inst, callCtx());
        if (r.status === 200) accepted++;
      } catch {
        // refused: what a bound on the document would do
      }
    }
    gc();
    const retainedMiB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    // the instance (and its registry) stays alive, as in the plugin process
    const kept = inst.profiles.size;
    assert.ok(retainedMiB < 256, `${accepted} of ${N} imports of ${MAX_BODY_BYTES / 2 ** 20} MiB documents (1.4 M-entry vocabulary) were kept (${kept} profiles in the registry): ${retainedMiB.toFixed(0)} MiB retained; the registry keeps up to 256`);
  });
});
