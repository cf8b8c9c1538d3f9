/** FileStore.read: per-file cache keyed by (mtime, size), time pruning, unreadable files, one dictionary. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FlowTableBuilder } from '../../../src/engine/flowTable.js';
import { badRequest } from '../../../src/backend/grafana/errors.js';
import { FileStore, type FlowFileParser } from '../../../src/backend/store/fileStore.js';
import { inTempDir } from '../helpers/tempDir.js';
import { toyFile, toyParser } from '../helpers/toyFlows.js';
import { FlowFormatError } from '../../../src/sources/file/index.js';


const signal = new AbortController().signal;

/** Runs `use` on a fresh temporary folder, removed afterwards whatever happens. */
describe('FileStore.read', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'flowlens-store-'));
    writeFileSync(join(root, 'a.csv'), '100,10.0.0.1,10.0.0.9\n105,10.0.0.2,10.0.0.9\n');
    writeFileSync(join(root, 'b.csv'), '200,10.0.0.1,10.0.0.8\n');
    writeFileSync(join(root, 'README.md'), '# not flows\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads every file in range into one table with shared dictionaries, and cuts to [from, to)', async () => {
    const calls: string[] = [];
    const store = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser(calls));
    const r = await store.read({ from: 100, to: 200 }, signal);
    assert.deepEqual([...r.table.ts], [100, 105]);
    assert.equal(r.table.dicts, store.dicts);
    assert.deepEqual(calls.sort(), ['a.csv', 'b.csv'], 'README.md is never parsed');
    assert.equal(r.skippedLines, 1, 'only files in range count');
    assert.deepEqual(r.skippedExamples, ['a.csv: line 9: bad']);
  });

  it('parses a file once, skips files outside the range by their cached bounds, and re-parses a changed file', async () => {
    const calls: string[] = [];
    const store = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser(calls));
    await store.read({ from: 0, to: 1000 }, signal);
    const r = await store.read({ from: 150, to: 1000 }, signal);
    assert.deepEqual([...r.table.ts], [200]);
    assert.equal(r.filesRead, 1);
    assert.equal(r.recordsRead, 1);
    assert.equal(calls.length, 2, 'second read is served from the cache');
    writeFileSync(join(root, 'b.csv'), '200,10.0.0.1,10.0.0.8\n300,10.0.0.3,10.0.0.8\n');
    utimesSync(join(root, 'b.csv'), new Date(), new Date(Date.now() + 5000));
    const r2 = await store.read({ from: 150, to: 1000 }, signal);
    assert.deepEqual([...r2.table.ts], [200, 300]);
    assert.equal(calls.filter((c) => c === 'b.csv').length, 2);
  });

  it('reads a file once when a link under the root points at it (flows would count twice)', async () => {
    await inTempDir('flowlens-links-', async (linked) => {
      writeFileSync(join(linked, 'day1.csv'), '100,10.0.0.1,10.0.0.9\n');
      symlinkSync(join(linked, 'day1.csv'), join(linked, 'current.csv'));
      mkdirSync(join(linked, 'sub'));
      writeFileSync(join(linked, 'sub', 'day2.csv'), '200,10.0.0.2,10.0.0.9\n');
      symlinkSync(join(linked, 'sub'), join(linked, 'latest'));
      const store = new FileStore({ root: linked, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]));
      const r = await store.read({ from: 0, to: 1000 }, signal);
      assert.deepEqual([...r.table.ts].sort(), [100, 200]);
      // each by its own name, not the link's
      assert.deepEqual((await store.listFiles(signal)).map((f) => f.name).sort(), ['day1.csv', 'sub/day2.csv']);
    });
  });

  it('leaves out a sub-folder that cannot be listed, and says so, instead of failing every query', async () => {
    await inTempDir('flowlens-locked-', async (parent) => {
      writeFileSync(join(parent, 'a.csv'), '100,10.0.0.1,10.0.0.9\n');
      mkdirSync(join(parent, 'lost+found'));
      const denied = async (dir: string): Promise<string[]> => {
        if (dir.endsWith('lost+found')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return readdir(dir);
      };
      const store = new FileStore({ root: parent, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]), { readdir: denied });
      const r = await store.read({ from: 0, to: 1000 }, signal);
      assert.deepEqual([...r.table.ts], [100]);
      assert.deepEqual(r.unreadableFiles, ['lost+found/: this folder cannot be read (EACCES) — check its permissions']);
      const health = await store.check(signal);
      assert.equal(health.ok, true);
      assert.match(health.message, /Found 1 flow file .*; the folder lost\+found\/ cannot be read and is left out\.$/);
      // the root itself unreadable is still the end of it
      const root = new FileStore({ root: parent, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]), { readdir: async () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) });
      await assert.rejects(root.read({ from: 0, to: 1000 }, signal), /cannot be read \(EACCES\) — check its permissions/);
    });
  });

  it('names a file left out once, though the message of the reader starts with its path', async () => {
    await inTempDir('flowlens-named-', async (dir) => {
      writeFileSync(join(dir, 'a.csv'), '100,10.0.0.1,10.0.0.9\n');
      writeFileSync(join(dir, 'README.txt'), 'hello\n');
      const parse: FlowFileParser = async (file, ctx) => {
        if (file.name === 'README.txt') throw badRequest(`${file.path}: an unknown format`);
        return toyParser([])(file, ctx);
      };
      const store = new FileStore({ root: dir, format: 'auto', timeZone: 'UTC', columns: {} }, parse);
      assert.deepEqual((await store.read({ from: 0, to: 1000 }, signal)).unreadableFiles, ['README.txt: an unknown format']);
    });
  });

  it('health tells files it may not read from files that are not flows', async () => {
    await inTempDir('flowlens-health-kinds-', async (dir) => {
      for (const name of ['a.csv', 'locked.csv', 'notes.txt']) writeFileSync(join(dir, name), 'x\n');
      const probe = async (file: { name: string }): Promise<string> => {
        if (file.name === 'locked.csv') throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        if (file.name === 'notes.txt') throw new FlowFormatError(`${file.name}: an unknown format`);
        return 'seed';
      };
      const store = new FileStore({ root: dir, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]), { probe });
      const h = await store.check(signal);
      assert.match(h.message, /Found 1 flow file \(seed ×1; [^)]*\) in [^;]*; 1 other file is not a flow file and is left out; 1 file cannot be read \(check its permissions\) and is left out\.$/);
    });
  });

  it('says the store is empty when its folder has no file, or only files without a flow', async () => {
    await inTempDir('flowlens-empty-store-', async (dir) => {
      // an empty file parses to a table without rows
      const parse: FlowFileParser = async (file, ctx) =>
        readFileSync(file.path, 'utf8') === '' ? { table: new FlowTableBuilder(ctx.dicts, [], 8).finish(), skippedLines: 0, skippedExamples: [] } : toyParser([])(file, ctx);
      const store = new FileStore({ root: dir, format: 'auto', timeZone: 'UTC', columns: {} }, parse, { listingTtlMs: 0 });
      assert.equal((await store.read({ from: 0, to: 1000 }, signal)).empty, true);
      writeFileSync(join(dir, 'empty.csv'), '');
      assert.equal((await store.read({ from: 0, to: 1000 }, signal)).empty, true);
      writeFileSync(join(dir, 'a.csv'), '5000,10.0.0.1,10.0.0.9\n');
      // flows outside the range: the range is quiet, the store is not empty
      assert.equal((await store.read({ from: 0, to: 1000 }, signal)).empty, undefined);
    });
  });

  it('leaves out files of no known format and names them; fails in one sentence when no file is readable', async () => {
    writeFileSync(join(root, 'c.dat'), 'junk\n');
    try {
      const store = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]));
      const r = await store.read({ from: 0, to: 1000 }, signal);
      assert.deepEqual(r.unreadableFiles, ['c.dat: not a known flow format']);
      const junkOnly = mkdtempSync(join(tmpdir(), 'flowlens-junk-'));
      writeFileSync(join(junkOnly, 'x.csv'), 'junk\n');
      const bad = new FileStore({ root: junkOnly, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]));
      await assert.rejects(bad.read({ from: 0, to: 1000 }, signal), (e: { source?: string; message: string }) => {
        assert.equal(e.source, 'downstream');
        assert.equal(e.message, `No file in ${junkOnly} could be read as flows — x.csv: not a known flow format`);
        return true;
      });
      rmSync(junkOnly, { recursive: true, force: true });
    } finally {
      rmSync(join(root, 'c.dat'));
    }
  });

  it('parses a file once for concurrent first reads', async () => {
    const calls: string[] = [];
    const store = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser(calls, { delayMs: 30 }));
    const [a, b] = await Promise.all([store.read({ from: 0, to: 1000 }, signal), store.read({ from: 0, to: 1000 }, signal)]);
    assert.deepEqual([...a.table.ts], [...b.table.ts]);
    assert.deepEqual(calls.sort(), ['a.csv', 'b.csv']);
  });

  it('reuses the directory listing within its time to live', async () => {
    const store = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]), { listingTtlMs: 60_000 });
    const before = await store.read({ from: 0, to: 1000 }, signal);
    writeFileSync(join(root, 'late.csv'), '150,10.0.0.5,10.0.0.9\n');
    try {
      const cached = await store.read({ from: 0, to: 1000 }, signal);
      assert.equal(cached.table.length, before.table.length, 'a file added within the TTL is not listed yet');
      const fresh = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]));
      assert.equal((await fresh.read({ from: 0, to: 1000 }, signal)).table.length, before.table.length + 1);
    } finally {
      rmSync(join(root, 'late.csv'));
    }
  });

  it('stops when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    const store = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser([]));
    await assert.rejects(store.read({ from: 0, to: 1000 }, ac.signal), /stop/);
  });
});

describe('FileStore.newestFlow', () => {
  const settings = (root: string) => ({ root, format: 'auto' as const, timeZone: 'UTC', columns: {} });

  it('finds the newest flow at or before the limit, skipping later stamps', async () => {
    await inTempDir('flowlens-newest-', async (root) => {
      writeFileSync(join(root, 'a.csv'), '100,10.0.0.1,10.0.0.9\n190,10.0.0.2,10.0.0.9\n');
      writeFileSync(join(root, 'b.csv'), '150,10.0.0.1,10.0.0.8\n9000,10.0.0.1,10.0.0.8\n');
      const store = new FileStore(settings(root), toyParser([]));
      assert.equal(await store.newestFlow(1000, signal), 190);
      assert.equal(await store.newestFlow(9000, signal), 9000);
      assert.equal(await store.newestFlow(50, signal), -Infinity);
    });
  });

  it('answers from the bounds of files already parsed, without parsing them again once their rows are evicted', async () => {
    await inTempDir('flowlens-newest-', async (root) => {
      writeFileSync(join(root, 'a.csv'), '100,10.0.0.1,10.0.0.9\n190,10.0.0.2,10.0.0.9\n');
      writeFileSync(join(root, 'b.csv'), '150,10.0.0.1,10.0.0.8\n160,10.0.0.1,10.0.0.8\n');
      const calls: string[] = [];
      // a row budget that holds one file at a time
      const store = new FileStore(settings(root), toyParser(calls), { cacheRows: 2 });
      assert.equal(await store.newestFlow(1000, signal), 190);
      assert.equal(await store.newestFlow(1000, signal), 190);
      assert.deepEqual(calls.sort(), ['a.csv', 'b.csv']);
    });
  });

  it('leaves out files modified before modifiedSinceMs, and so does read', async () => {
    await inTempDir('flowlens-newest-', async (root) => {
      writeFileSync(join(root, 'old.csv'), '500,10.0.0.1,10.0.0.9\n');
      utimesSync(join(root, 'old.csv'), 1000, 1000);
      writeFileSync(join(root, 'new.csv'), '300,10.0.0.1,10.0.0.8\n');
      const calls: string[] = [];
      const store = new FileStore(settings(root), toyParser(calls));
      const options = { modifiedSinceMs: 2_000_000 };
      assert.equal(await store.newestFlow(1000, signal, options), 300);
      assert.deepEqual([...(await store.read({ from: 0, to: 1000 }, signal, undefined, options)).table.ts], [300]);
      assert.deepEqual(calls, ['new.csv'], 'the old file is never parsed');
      assert.equal(await store.newestFlow(1000, signal), 500);
    });
  });
});

describe('FileStore: files passed over by their modification time', () => {
  const settings = (root: string) => ({ root, format: 'auto' as const, timeZone: 'UTC', columns: {} });
  const DAY = 86_400;
  const file = toyFile;

  it('does not parse, for a cold query, a file last modified more than a day before the range, once one such file has shown the rule holds', async () => {
    await inTempDir('flowlens-mtime-', async (root) => {
      const now = Math.floor(Date.now() / 1000);
      file(root, 'archive-1.csv', now - 10 * DAY, now - 10 * DAY - 60);
      file(root, 'archive-2.csv', now - 9 * DAY, now - 9 * DAY - 60);
      file(root, 'today.csv', now - 60, now - 3600, now - 120);
      const calls: string[] = [];
      const store = new FileStore(settings(root), toyParser(calls));
      const r = await store.read({ from: now - 6 * 3600, to: now }, signal);
      assert.deepEqual([...r.table.ts], [now - 3600, now - 120]);
      assert.deepEqual(calls, ['archive-1.csv', 'today.csv'], 'the first archive file is parsed to check the rule, the second is passed over');
      // a range over the archive's days reads it
      assert.deepEqual([...(await store.read({ from: now - 11 * DAY, to: now - 8 * DAY }, signal)).table.ts], [now - 10 * DAY - 60, now - 9 * DAY - 60]);
    });
  });

  it('reads every file of a folder whose modification times all precede its flows (a reproducible archive stamped 1970)', async () => {
    await inTempDir('flowlens-mtime-', async (root) => {
      file(root, 'a.csv', 1, 500_000);
      file(root, 'b.csv', 1, 500_100);
      const store = new FileStore(settings(root), toyParser([]));
      assert.deepEqual([...(await store.read({ from: 400_000, to: 600_000 }, signal)).table.ts], [500_000, 500_100]);
    });
  });

  it('answers one read from every file when a file listed after the passed-over ones breaks the rule', async () => {
    await inTempDir('flowlens-mtime-', async (root) => {
      const now = Math.floor(Date.now() / 1000);
      // the rule is checked on an honest archive file first, so it holds when the read starts
      file(root, 'a-honest.csv', now - 10 * DAY, now - 10 * DAY - 60);
      const store = new FileStore(settings(root), toyParser([]));
      await store.read({ from: now - DAY, to: now }, signal);
      // b's flow is newer than b itself (passed over at first); c, modified lately, holds a flow a day past its time
      file(root, 'b-old-stamp.csv', now - 10 * DAY, now - 3600);
      file(root, 'c-ahead.csv', now - 5400, now + DAY + 3600);
      const r = await store.read({ from: now - 2 * 3600, to: now + 2 * DAY }, signal);
      assert.deepEqual([...r.table.ts].sort(), [now - 3600, now + DAY + 3600].sort());
    });
  });

  it('keeps a file whose flows are stamped up to a day after its modification time (an exporter in another zone)', async () => {
    await inTempDir('flowlens-mtime-', async (root) => {
      file(root, 'ahead.csv', 1_000_000, 1_000_000 + 14 * 3600);
      const store = new FileStore(settings(root), toyParser([]));
      assert.equal((await store.read({ from: 1_000_000 + 13 * 3600, to: 1_000_000 + 15 * 3600 }, signal)).table.length, 1);
    });
  });

  it('stops trusting modification times once a parsed file holds a flow stamped after its own', async () => {
    await inTempDir('flowlens-mtime-', async (root) => {
      // generated ahead of time and copied with made-up modification times
      file(root, 'a.csv', 150_000, 500_000);
      file(root, 'b.csv', 1000, 300_000);
      const calls: string[] = [];
      const store = new FileStore(settings(root), toyParser(calls));
      // a.csv is parsed for this range (its modification time allows a flow in it) and breaks the rule
      assert.equal((await store.read({ from: 100_000, to: 200_000 }, signal)).table.length, 0);
      assert.deepEqual(calls, ['a.csv', 'b.csv'], 'b.csv, listed after a.csv, is no longer passed over');
      assert.deepEqual([...(await store.read({ from: 250_000, to: 350_000 }, signal)).table.ts], [300_000]);
    });
  });

  it('passes over nothing for a range past the clock (flows generated ahead of it)', async () => {
    await inTempDir('flowlens-mtime-', async (root) => {
      const later = Math.floor(Date.now() / 1000) + 30 * DAY;
      writeFileSync(join(root, 'future.csv'), `${later},10.0.0.1,10.0.0.9\n`);
      const store = new FileStore(settings(root), toyParser([]));
      assert.deepEqual([...(await store.read({ from: later - 60, to: later + 60 }, signal)).table.ts], [later]);
    });
  });
});

describe('FileStore: Max bytes read on a cold cache', () => {
  it('refuses a file larger than Max bytes read before parsing it, though its bounds are not known yet', async () => {
    await inTempDir('flowlens-bytes-', async (root) => {
      // 2,000 flows, about 46 kB, against a 1 kB limit; modified now, so no rule passes it over
      writeFileSync(join(root, 'big.csv'), Array.from({ length: 2000 }, (_, i) => `${1_313_488_800 + i},10.0.0.1,10.0.0.9\n`).join(''));
      const calls: string[] = [];
      const store = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, toyParser(calls), { maxBytes: 1000 });
      await assert.rejects(store.read({ from: 1_313_488_800, to: 1_313_498_800 }, signal), /Max bytes read/);
      assert.deepEqual(calls, [], 'the whole file would have been parsed (and held) before the limit refused it');
    });
  });
});
