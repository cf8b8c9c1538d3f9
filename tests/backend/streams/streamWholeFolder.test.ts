/** Live feature streams as a growing folder, a bad clock, a store error and a cancel meet them (found by a streaming audit, 2026-12-06). */
/**
 * Audit: every poll of a file-store stream reads the range [cursor, ∞), and the first one [−∞, ∞):
 * every file of the folder, whatever its age. A folder whose archive exceeds 'Max bytes read' (while
 * every panel over recent data works) gets a stream that fails at once; and once the folder holds
 * more rows than the parse cache keeps, every poll parses the whole archive again.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Frame } from '../../../src/backend/grafana/frame.js';
import { runFeatureStream } from '../../../src/backend/streams.js';
import { FileStore } from '../../../src/backend/store/fileStore.js';
import { readFlowFiles } from '../../../src/backend/store/flowFiles.js';
import { resolveSettings } from '../../../src/query/settings.js';
import { callCtx, memoryInstance } from '../helpers/memoryStore.js';

const line = (t: number, i: number) => `${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')},tcp,established,10.2.1.${i % 250},${1000 + i},74.201.65.31,443,100,100`;
const DAY0 = Date.parse('2017-01-01T00:00:00Z') / 1000;
const LIVE0 = Date.parse('2017-01-27T16:00:00Z') / 1000;
const req = { pluginContext: {} as never, path: 'features/10/num_entries', data: Buffer.alloc(0), headers: {} };

async function folder(): Promise<{ root: string; liveBytes: number }> {
  const root = await mkdtemp(join(tmpdir(), 'flowlens-audit-'));
  // last month's archive (older than any panel looks at) and today's live file
  await writeFile(join(root, '2017-01-01.csv'), Array.from({ length: 10_000 }, (_, i) => line(DAY0 + i, i)).join('\n') + '\n');
  await writeFile(join(root, '2017-01-02.csv'), Array.from({ length: 10_000 }, (_, i) => line(DAY0 + 86400 + i, i)).join('\n') + '\n');
  await writeFile(join(root, 'live.csv'), Array.from({ length: 200 }, (_, i) => line(LIVE0 + i, i)).join('\n') + '\n');
  return { root, liveBytes: (await stat(join(root, 'live.csv'))).size };
}

const sink = { sendFrame: async (_f: Frame) => undefined, sendJSON: async () => undefined };

describe('live stream over a folder larger than the parse cache', () => {
  it('does not parse the archive again on every poll', async () => {
    const { root } = await folder();
    try {
      const settings = resolveSettings({ file: { root } });
      if (!settings.ok) throw new Error('settings');
      const parsed: string[] = [];
      // the production parser; a parse cache smaller than the folder, each file fits (production: 4 M rows, a few days of a busy network)
      const store = new FileStore(settings.settings.file, async (f, o) => (parsed.push(f.name), readFlowFiles(f, o)), { cacheRows: 15_000 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 500);
      await runFeatureStream(req, memoryInstance(store, { file: { root } }), callCtx(ac.signal), sink, 50);
      const archiveParses = parsed.filter((n) => n.startsWith('2017-01-0')).length;
      assert.ok(archiveParses <= 2, `the two archive files (no flow in the streamed range) were parsed ${archiveParses} times in 0.5 s: ${parsed.join(' ')}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
