/** The modification-time rule under concurrent and cancelled reads, and against Max bytes read (found by a second code review, 2026-12-06). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileStore } from '../../../src/backend/store/fileStore.js';
import { inTempDir } from '../helpers/tempDir.js';
import { toyFile, toyParser } from '../helpers/toyFlows.js';

const DAY = 86_400;
const signal = new AbortController().signal;
const settings = (root: string) => ({ root, format: 'auto' as const, timeZone: 'UTC', columns: {} });
const file = toyFile;


describe('FileStore modification-time rule', () => {
  it('a rule found broken by one read is not turned back to "holds" by a concurrent read that checked an honest file', async () => {
    await inTempDir('flowlens-rule-', async (root) => {
      const now = Math.floor(Date.now() / 1000);
      file(root, 'a-archive.csv', now - 10 * DAY, now - 10 * DAY - 60); // honest: checks the rule (slow parse)
      file(root, 'b-old-stamp.csv', now - 10 * DAY, now - 3600); // modified long before its flow
      file(root, 'c-ahead.csv', now - 5400, now + DAY + 3600); // breaks the rule
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let archiveStarted!: () => void;
      const archiveParsing = new Promise<void>((r) => (archiveStarted = r));
      const store = new FileStore(settings(root), toyParser([], { gates: new Map([['a-archive.csv', gate]]), started: (n) => n === 'a-archive.csv' && archiveStarted() }));
      // read A: the last 6 hours; it parses a-archive.csv to check the rule (gated)
      const a = store.read({ from: now - 6 * 3600, to: now }, signal);
      await archiveParsing;
      // meanwhile a stream-style read of the recent files parses c-ahead.csv, which breaks the rule
      await store.read({ from: now - 2 * 3600, to: now + 2 * DAY }, signal, Infinity, { modifiedSinceMs: (now - 7200) * 1000 });
      release();
      const r = await a;
      assert.deepEqual([...r.table.ts], [now - 3600], 'b-old-stamp.csv holds a flow of the range; the rule was already broken');
      // and the store keeps the rule broken for later reads
      const again = await store.read({ from: now - 6 * 3600, to: now }, signal);
      assert.deepEqual([...again.table.ts], [now - 3600]);
    });
  });

  it('a file larger than Max bytes read that the rule would only check (not read) does not fail every recent query', async () => {
    await inTempDir('flowlens-rule-', async (root) => {
      const now = Math.floor(Date.now() / 1000);
      // an archive file of 200 flows (~5.6 kB) ten days old, and today's file, under a 2 kB limit
      file(root, 'a-archive.csv', now - 10 * DAY, ...Array.from({ length: 200 }, (_, i) => now - 10 * DAY - 1000 + i));
      file(root, 'b-today.csv', now - 60, now - 3600, now - 120);
      const calls: string[] = [];
      const store = new FileStore(settings(root), toyParser(calls), { maxBytes: 2000 });
      // the range needs b-today.csv only (58 bytes); a-archive.csv is passed over by its modification time
      const r = await store.read({ from: now - 6 * 3600, to: now }, signal);
      assert.deepEqual([...r.table.ts], [now - 3600, now - 120]);
    });
  });
});

describe('FileStore rule evidence from a parse whose reader was cancelled', () => {
  it('a file that breaks the rule, parsed and cached for a read cancelled as the parse finished, still turns the rule off', async () => {
    await inTempDir('flowlens-rule-', async (root) => {
      const now = Math.floor(Date.now() / 1000);
      file(root, 'a-archive.csv', now - 10 * DAY, now - 10 * DAY - 60); // honest: the rule holds after the first read
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let aheadStarted!: () => void;
      const aheadParsing = new Promise<void>((r) => (aheadStarted = r));
      // the parse of c-ahead.csv finishes just after its only reader is cancelled (the parser had read it all)
      const store = new FileStore(settings(root), toyParser([], { gates: new Map([['c-ahead.csv', gate]]), started: (n) => n === 'c-ahead.csv' && aheadStarted() }));
      await store.read({ from: now - DAY, to: now }, signal);
      file(root, 'b-old-stamp.csv', now - 10 * DAY, now - 3600);
      file(root, 'c-ahead.csv', now - 5400, now + DAY + 3600);
      const ac = new AbortController();
      const cancelled = store.read({ from: now - 2 * 3600, to: now + 2 * DAY }, ac.signal, Infinity, { modifiedSinceMs: (now - 7200) * 1000 });
      await aheadParsing;
      ac.abort();
      await assert.rejects(cancelled);
      release();
      await new Promise((r) => setImmediate(r));
      // c-ahead.csv is now cached with a flow a day past its modification time: the rule is broken
      const r = await store.read({ from: now - 6 * 3600, to: now }, signal);
      assert.deepEqual([...r.table.ts], [now - 3600], 'b-old-stamp.csv was passed over by a rule a cached file breaks');
    });
  });
});
