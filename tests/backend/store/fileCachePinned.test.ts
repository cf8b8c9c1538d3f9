/** FileCache.set with pinned files: what cannot stay is not paid for by other queries' files (found by a code review, 2026-12-06). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileCache } from '../../../src/backend/store/fileCache.js';
import { table } from '../helpers/memoryStore.js';

const parsed = (...ts: number[]) => ({ table: table(ts.map((t) => ({ ts: t, src: 'a', dst: 'b' }))), skippedLines: 0, skippedExamples: [] });

describe('FileCache.set with pinned files', () => {
  it('does not evict another query\'s file to make room for a file it then does not keep', () => {
    const c = new FileCache(4);
    c.set('/other', 1, 10, parsed(1, 2)); // another panel's file, not pinned by this read
    c.set('/a', 1, 10, parsed(3, 4), new Set(['/a']));
    // this read's next file: 3 rows cannot sit beside its pinned 2, so it is not kept either way
    c.set('/c', 1, 10, parsed(5, 6, 7), new Set(['/a', '/c']));
    assert.equal(c.get('/c', 1, 10), undefined, 'not kept (the documented behaviour)');
    assert.ok(c.get('/other', 1, 10), 'another query\'s file is not evicted for a file that is dropped anyway');
    assert.equal(c.cachedRows, 4);
  });
});
