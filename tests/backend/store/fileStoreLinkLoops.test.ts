/** The file store's listing with links that point back up the tree (found by a security audit, 2026-12-06). */
/**
 * AUDIT: FileStore.listFiles follows links to folders inside the root without remembering which
 * real folders it has walked: with k links to the root (`latest -> .`) it walks (k+1)^8 folders
 * (MAX_DEPTH 8). A 20-file folder with 3 such links takes ~23 s to list, with 4 ~190 s; MAX_FILES
 * never trips (repeats are skipped before counting). In the plugin the listing is shared
 * (listingTtlMs > 0) and runs on a signal that never aborts, so a query's cancel or deadline does not
 * stop it and every query and health check of the data source waits for it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileStore } from '../../../src/backend/store/fileStore.js';
import { readFlowFiles } from '../../../src/backend/store/flowFiles.js';
import { inTempDir } from '../helpers/tempDir.js';

function folder(links: number): string {
  const root = mkdtempSync(join(tmpdir(), 'flowlens-audit-loops-'));
  for (let i = 0; i < 20; i++) writeFileSync(join(root, `f${i}.csv`), 'x\n');
  for (let l = 0; l < links; l++) symlinkSync('.', join(root, `latest${l}`));
  return root;
}
const settings = (root: string) => ({ root, format: 'auto' as const, timeZone: 'UTC', columns: {} });

describe('file store listing with links back to the root', () => {
  it('lists a 20-file folder with 3 links to itself in well under 3 s', async () => {
    const root = folder(3);
    try {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 3000);
      const t0 = performance.now();
      const files = await new FileStore(settings(root), readFlowFiles).listFiles(ac.signal).finally(() => clearTimeout(timer));
      assert.equal(files.length, 20);
      assert.ok(performance.now() - t0 < 3000);
    } catch (e) {
      assert.fail(`the listing was still walking after 3 s: ${(e as Error).message}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("a query's cancel stops its wait for the shared listing", async () => {
    const root = folder(3);
    try {
      const store = new FileStore(settings(root), readFlowFiles, { listingTtlMs: 1000 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      const t0 = performance.now();
      await assert.rejects(store.read({ from: 0, to: 1 }, ac.signal));
      const ms = performance.now() - t0;
      assert.ok(ms < 1200, `read() cancelled at 200 ms returned after ${Math.round(ms)} ms`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('lists a folder by its own name when a link deeper in the tree reaches it first', async () => {
    await inTempDir('flowlens-deep-link-', async (root) => {
      mkdirSync(join(root, 'a', 'b'), { recursive: true });
      mkdirSync(join(root, 'z', 'y'), { recursive: true });
      writeFileSync(join(root, 'z', 'top.csv'), 'x\n');
      writeFileSync(join(root, 'z', 'y', 'flows.csv'), 'x\n');
      symlinkSync(join(root, 'z'), join(root, 'a', 'b', 'lnk'));
      const files = await new FileStore(settings(root), readFlowFiles).listFiles(new AbortController().signal);
      assert.deepEqual(files.map((f) => f.name).sort(), ['z/top.csv', 'z/y/flows.csv']);
    });
  });
});
