/**
 * A live stream over a folder that keeps its archive: months of rotated files beside the one being
 * written. The stream follows the files written lately, so the archive is never parsed and does not
 * count against 'Max bytes read'; a folder with no recent file (an archive, a demo) is replayed from
 * its newest flow, and only the replayed windows are held in memory.
 */
import assert from 'node:assert/strict';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Frame } from '../../../src/backend/grafana/frame.js';
import { frameToJSON } from '../../../src/backend/grafana/frameJson.js';
import { BACKLOG_WINDOWS, runFeatureStream } from '../../../src/backend/streams.js';
import { FileStore } from '../../../src/backend/store/fileStore.js';
import { readFlowFiles } from '../../../src/backend/store/flowFiles.js';
import type { ReadOptions, TimeRangeSeconds } from '../../../src/backend/store/store.js';
import { resolveSettings } from '../../../src/query/settings.js';
import { callCtx, memoryInstance } from '../helpers/memoryStore.js';
import { inTempDir } from '../helpers/tempDir.js';

const line = (t: number, i: number) => `${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')},tcp,established,10.2.1.${i % 250},${1000 + i},74.201.65.31,443,100,100`;
const DAY0 = Date.parse('2017-01-01T00:00:00Z') / 1000;
/** The live file: one flow a second from here, for 200 s. */
const LIVE0 = Date.parse('2017-01-27T16:00:00Z') / 1000;
const req = { pluginContext: {} as never, path: 'features/10/num_entries', data: Buffer.alloc(0), headers: {} };

/**
 * Two archive files (10 000 flows each, modified at the end of their day, or at `archiveMtime`) and
 * the live file (modified at `liveMtime`).
 */
async function folder(root: string, liveMtime: number, archiveMtime?: number): Promise<void> {
  for (const day of [0, 1]) {
    const file = join(root, `2017-01-0${day + 1}.csv`);
    await writeFile(file, Array.from({ length: 10_000 }, (_, i) => line(DAY0 + day * 86400 + i, i)).join('\n') + '\n');
    const mtime = archiveMtime ?? DAY0 + (day + 1) * 86400;
    await utimes(file, mtime, mtime);
  }
  const live = join(root, 'live.csv');
  await writeFile(live, Array.from({ length: 200 }, (_, i) => line(LIVE0 + i, i)).join('\n') + '\n');
  await utimes(live, liveMtime, liveMtime);
}

interface Run {
  windows: [number, number][];
  parsed: string[];
  reads: { range: TimeRangeSeconds; options?: ReadOptions; rows: number }[];
  errors: string[];
}

/** Streams until the backlog has been sent, with the clock at `nowSec`. */
async function stream(root: string, nowSec: number, maxBytes: number): Promise<Run> {
  const settings = resolveSettings({ file: { root } });
  if (!settings.ok) throw new Error('settings');
  const run: Run = { windows: [], parsed: [], reads: [], errors: [] };
  const store = new FileStore(settings.settings.file, async (f, o) => (run.parsed.push(f.name), readFlowFiles(f, o)), { maxBytes });
  const read = store.read.bind(store);
  store.read = async (range, signal, maxRows, options) => {
    const r = await read(range, signal, maxRows, options);
    run.reads.push({ range, ...(options ? { options } : {}), rows: r.table.length });
    return r;
  };
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 30_000); // only keeps a regression from hanging: the stream ends on the backlog
  const sender = {
    sendFrame: async (f: Frame) => {
      const v = (frameToJSON(f) as { data: { values: number[][] } }).data.values;
      run.windows.push([v[0]![0]! / 1000 - LIVE0, v[1]![0]!]);
      if (run.windows.length === BACKLOG_WINDOWS) ac.abort();
    },
    sendJSON: async () => undefined,
  };
  const ctx = callCtx(ac.signal);
  ctx.logger.warn = (msg: string, fields?: Record<string, unknown>) => void run.errors.push(`${msg} ${JSON.stringify(fields)}`);
  await runFeatureStream(req, memoryInstance(store, { file: { root } }), ctx, sender, 20, () => nowSec * 1000);
  clearTimeout(timer);
  return run;
}

/** The backlog: the 10 complete windows before the newest flow's (LIVE0 + 199), 10 flows each. */
const BACKLOG: [number, number][] = Array.from({ length: BACKLOG_WINDOWS }, (_, k) => [90 + 10 * k, 10]);

describe('live stream over a folder with an archive', () => {
  it('follows the file being written and never parses the archive, even when the archive exceeds Max bytes read', async () => {
    await inTempDir('flowlens-archive-', async (root) => {
      await folder(root, LIVE0 + 200);
      // 'Max bytes read' holds the live file (16 kB) but not one archive file (820 kB)
      const run = await stream(root, LIVE0 + 205, 100_000);
      assert.deepEqual(run.errors, [], 'no poll failed');
      assert.deepEqual(run.windows, BACKLOG);
      assert.deepEqual(run.parsed, ['live.csv']);
    });
  });

  it('replays a folder without a recent file from its newest flow, reading only the replayed windows', async () => {
    await inTempDir('flowlens-archive-', async (root) => {
      // the whole folder was copied in long ago (a demo, an incident's capture), the archive last
      await folder(root, LIVE0 + 200, LIVE0 + 300);
      const run = await stream(root, LIVE0 + 30 * 86400, 10_000_000);
      assert.deepEqual(run.errors, []);
      assert.deepEqual(run.windows, BACKLOG);
      // every file parsed once, to learn where its flows lie
      assert.deepEqual([...run.parsed].sort(), ['2017-01-01.csv', '2017-01-02.csv', 'live.csv']);
      // the stream's reads start at the backlog: the archive's 20 000 flows are never gathered
      assert.equal(run.reads[0]?.range.from, LIVE0 + 90);
      assert.ok(run.reads.every((r) => r.rows === 110), `rows per read: ${run.reads.map((r) => r.rows).join(' ')}`);
    });
  });

  it('does not parse archive files modified long before the newest flow of a folder without a recent file', async () => {
    await inTempDir('flowlens-archive-', async (root) => {
      await folder(root, LIVE0 + 200);
      const run = await stream(root, LIVE0 + 30 * 86400, 10_000_000);
      assert.deepEqual(run.windows, BACKLOG);
      // the newer archive file is parsed to check that files hold no flow after their modification time; the older one is then passed over
      assert.deepEqual(run.parsed, ['live.csv', '2017-01-02.csv'], 'the archive, modified weeks before the newest flow, cannot hold a newer one');
    });
  });

  it('ignores a flow stamped past the clock when it looks for the newest flow', async () => {
    await inTempDir('flowlens-archive-', async (root) => {
      await folder(root, LIVE0 + 200);
      // an exporter with a wrong clock wrote one flow in 2053 into the live file
      await writeFile(join(root, 'live.csv'), Array.from({ length: 200 }, (_, i) => line(LIVE0 + i, i)).join('\n') + '\n' + line(2_000_000_000 + 5, 1) + '\n');
      await utimes(join(root, 'live.csv'), LIVE0 + 200, LIVE0 + 200);
      const run = await stream(root, LIVE0 + 205, 100_000);
      assert.deepEqual(run.windows, BACKLOG);
    });
  });
});
