/** The file store never reads outside its root: relative paths only, no "..", no escaping links. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkRelativePath, isInside, resolveInRoot } from '../../../src/backend/store/paths.js';
import { FileStore } from '../../../src/backend/store/fileStore.js';

const is400 = (e: { status?: number; source?: string }) => e.status === 400 && e.source === 'plugin';

describe('file store confinement', () => {
  let base: string;
  let root: string;
  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'flowlens-paths-')));
    root = join(base, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'sub', 'a.csv'), 'x\n');
    writeFileSync(join(root, '.hidden.csv'), 'x\n');
    writeFileSync(join(base, 'secret.txt'), 'secret\n');
    symlinkSync(join(base, 'secret.txt'), join(root, 'escape.csv'));
    symlinkSync(join(root, 'sub', 'a.csv'), join(root, 'inside-link.csv'));
    symlinkSync(base, join(root, 'up'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('refuses absolute paths and ".." segments before touching the disk', () => {
    assert.throws(() => checkRelativePath('/etc/passwd'), is400);
    assert.throws(() => checkRelativePath('../secret.txt'), is400);
    assert.throws(() => checkRelativePath('sub/../../secret.txt'), is400);
    assert.throws(() => checkRelativePath('sub\\..\\..\\x'), is400);
    assert.throws(() => checkRelativePath('C:\\x'), is400);
    assert.throws(() => checkRelativePath('a\0b'), is400);
    assert.doesNotThrow(() => checkRelativePath('sub/a.csv'));
  });

  it('refuses a symlink that resolves outside the root, accepts one that stays inside', async () => {
    await assert.rejects(resolveInRoot(root, 'escape.csv'), is400);
    await assert.rejects(resolveInRoot(root, 'up/secret.txt'), is400);
    assert.equal(await resolveInRoot(root, 'inside-link.csv'), join(root, 'sub', 'a.csv'));
  });

  it('tells inside from outside without being fooled by shared prefixes', () => {
    assert.equal(isInside('/data/root', '/data/root/x'), true);
    assert.equal(isInside('/data/root', '/data/root'), true);
    assert.equal(isInside('/data/root', '/data/rootkit/x'), false);
    assert.equal(isInside('/data/root', '/data'), false);
  });

  it('lists only regular files inside the root: no hidden files, no links that escape', async () => {
    const store = new FileStore({ root, format: 'auto', timeZone: 'UTC', columns: {} }, async () => { throw new Error('not parsed in this test'); });
    const files = await store.listFiles(new AbortController().signal);
    // the link inside the root is the same file: listed once, by its own name
    assert.deepEqual(files.map((f) => f.name).sort(), ['sub/a.csv']);
  });

  it('says in one sentence when the root folder does not exist', async () => {
    const store = new FileStore({ root: join(base, 'nope'), format: 'auto', timeZone: 'UTC', columns: {} }, async () => { throw new Error('not parsed in this test'); });
    await assert.rejects(store.check(new AbortController().signal), (e: Error & { source?: string }) => {
      assert.equal(e.message, `The flow folder ${join(base, 'nope')} does not exist — set 'Root folder' in the data source settings.`);
      assert.equal(e.source, 'downstream');
      return true;
    });
  });
});
