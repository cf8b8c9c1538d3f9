/** Live feature streams as a growing folder, a bad clock, a store error and a cancel meet them (found by a streaming audit, 2026-12-06). */
/**
 * Audit: a live panel on a growing flow file (real FileStore, real seed-CSV reader). The collector
 * is mid-line when a poll reads the file; it then finishes the line and writes on. The stream's
 * windows must equal what the `features` query answers for the same file afterwards.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Frame } from '../../../src/backend/grafana/frame.js';
import { frameToJSON } from '../../../src/backend/grafana/frameJson.js';
import { createLogger } from '../../../src/backend/grafana/logger.js';
import { MetricsRegistry } from '../../../src/backend/grafana/metrics.js';
import { createInstance } from '../../../src/backend/instance.js';
import { parseQuery } from '../../../src/backend/plugin.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import { runFeatureStream } from '../../../src/backend/streams.js';
import { callCtx } from '../helpers/memoryStore.js';

const FEATURES = 'num_entries,bytes_down';
const line = (hms: string, src: string, dstTx: string) => `2017-01-27 ${hms},tcp,established,${src},60707,74.201.65.31,443,21687,${dstTx}`;
const T = (hms: string) => Date.parse(`2017-01-27T${hms}Z`) / 1000;

describe('live stream: stream over a growing file', () => {
  it('sends the same windows the features query computes once the file is complete', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flowlens-audit-'));
    const file = join(root, 'flows.csv');
    try {
      // the collector has written 3 lines and half of the 4th (its dst_tx "8999" cut after "89")
      await writeFile(file, [line('16:24:01', '10.2.1.1', '100'), line('16:24:03', '10.2.1.2', '100'), line('16:24:25', '10.2.1.3', '100'), line('16:24:42', '10.2.1.4', '89')].join('\n'));
      const metrics = new MetricsRegistry();
      const logger = createLogger({ write: () => undefined });
      const inst = await createInstance({ id: 1, uid: 'a', name: 'a', url: '', user: '', database: '', basicAuthEnabled: false, basicAuthUser: '', jsonData: { file: { root } }, decryptedSecureJsonData: {}, lastUpdatedMS: 1, apiVersion: '' }, { logger, flowsRead: metrics.counter('x', 'x') });
      const store = inst.store!;
      const read = store.read.bind(store);
      let polls = 0;
      // after the first poll the collector finishes the line, then writes on (another flow in the same second, later ones)
      store.read = async (...args: Parameters<typeof read>) => {
        const r = await read(...args);
        if (++polls === 1) await appendFile(file, '99\n' + [line('16:24:42', '10.2.1.5', '50'), line('16:24:55', '10.2.1.6', '100'), line('16:25:03', '10.2.1.7', '100')].join('\n') + '\n');
        return r;
      };
      const ac = new AbortController();
      const got = new Map<number, number[]>();
      const sender = {
        sendFrame: async (f: Frame) => {
          const v = (frameToJSON(f) as { data: { values: number[][] } }).data.values;
          got.set(v[0]![0]! / 1000, [v[1]![0]!, v[2]![0]!]);
          if (got.has(T('16:24:50'))) ac.abort(); // the window closed by the 16:25:03 flow
        },
        sendJSON: async () => undefined,
      };
      const timer = setTimeout(() => ac.abort(), 8000);
      // 1.1 s polls: the store lists the folder at most once a second
      await runFeatureStream({ pluginContext: {} as never, path: `features/10/${FEATURES}`, data: Buffer.alloc(0), headers: {} }, inst, callCtx(ac.signal), sender, 1100);
      clearTimeout(timer);

      const from = T('16:24:00');
      const dq = { refId: 'A', maxDataPoints: 1000, intervalMS: 1000, timeRange: { fromMs: from * 1000, toMs: (from + 60) * 1000 }, json: { queryType: 'features', windowSeconds: 10, features: FEATURES.split(',') }, queryType: '' };
      const [frame] = await runQuery(parseQuery(dq), dq, inst, callCtx());
      const q = (frameToJSON(frame!) as { data: { values: number[][] } }).data.values;
      const expected = new Map(q[0]!.map((t, i) => [t / 1000, [q[1]![i]!, q[2]![i]!]]));
      // window 16:24:40 holds two flows, 8999 + 50 bytes down
      assert.deepEqual(expected.get(T('16:24:40')), [2, 9049]);
      assert.deepEqual(got.get(T('16:24:40')), expected.get(T('16:24:40')), 'the live panel shows the window as the query does');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
