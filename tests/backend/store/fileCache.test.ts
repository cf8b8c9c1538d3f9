/** Parsed files are kept within a row budget, least recently used first out, and dropped when the file changes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileCache } from '../../../src/backend/store/fileCache.js';
import { table } from '../helpers/memoryStore.js';

const parsed = (...ts: number[]) => ({ table: table(ts.map((t) => ({ ts: t, src: 'a', dst: 'b' }))), skippedLines: 0, skippedExamples: [] });

describe('FileCache', () => {
  it('records each file time bounds', () => {
    const c = new FileCache(100);
    const e = c.set('/a', 1, 10, parsed(30, 10, 20));
    assert.deepEqual([e.minTs, e.maxTs], [10, 30]);
  });

  it('evicts the least recently used file when over the row budget, never the one just added', () => {
    const c = new FileCache(4);
    c.set('/a', 1, 10, parsed(1, 2));
    c.set('/b', 1, 10, parsed(3, 4));
    assert.ok(c.get('/a', 1, 10), 'touch /a so /b is the oldest');
    c.set('/c', 1, 10, parsed(5, 6));
    assert.equal(c.get('/b', 1, 10), undefined);
    assert.ok(c.get('/a', 1, 10));
    assert.ok(c.get('/c', 1, 10));
    assert.equal(c.cachedRows, 4);
  });

  it('keeps only the bounds of a file larger than the whole budget, and every other file', () => {
    const c = new FileCache(2);
    c.set('/a', 1, 10, parsed(1, 2));
    const big = c.set('/x', 1, 10, parsed(5, 6, 7));
    assert.equal(big.table.length, 3, 'the query that parsed it gets its rows');
    assert.equal(c.get('/x', 1, 10), undefined);
    assert.ok(c.get('/a', 1, 10), 'not pushed out by a file that could not fit anyway');
    const b = c.boundsOf('/x', 1, 10);
    assert.deepEqual([b?.minTs, b?.maxTs], [5, 7]);
    assert.equal(c.cachedRows, 2);
  });

  it('forgets a file whose mtime or size changed', () => {
    const c = new FileCache(100);
    c.set('/a', 1, 10, parsed(1));
    assert.equal(c.get('/a', 2, 10), undefined);
    assert.equal(c.cachedRows, 0);
  });
});
