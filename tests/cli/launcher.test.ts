/**
 * bin/flowlens.cjs, the installed command: it runs the CLI bundle only while no source is newer
 * than it, and the bundle does what the sources do; its V8 code cache is used when V8 accepts it
 * and changes nothing but speed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
// @ts-expect-error plain-JavaScript launcher helper, without type declarations
import { isFresh } from '../../bin/freshness.cjs';
// @ts-expect-error plain-JavaScript build script, without type declarations
import { buildCli, CLI_BUNDLE } from '../../scripts/build-cli.mjs';

const REPO = join(import.meta.dirname, '..', '..');
const LAUNCHER = join(REPO, 'bin', 'flowlens.cjs');
const fresh = isFresh as (output: string, inputs: string[]) => boolean;

describe('isFresh', () => {
  let dir = '';
  const at = (path: string, seconds: number): void => utimesSync(path, seconds, seconds);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowlens-fresh-'));
    mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.ts'), '');
    writeFileSync(join(dir, 'src', 'deep', 'b.ts'), '');
    writeFileSync(join(dir, 'out.mjs'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('an output written after every input is fresh', () => {
    at(join(dir, 'src', 'a.ts'), 1000);
    at(join(dir, 'src', 'deep', 'b.ts'), 1000);
    at(join(dir, 'src', 'deep'), 1000);
    at(join(dir, 'src'), 1000);
    at(join(dir, 'out.mjs'), 2000);
    assert.equal(fresh(join(dir, 'out.mjs'), [join(dir, 'src')]), true);
  });

  test('a file edited after the build, however deep, makes the output stale', () => {
    at(join(dir, 'out.mjs'), 2000);
    at(join(dir, 'src', 'deep', 'b.ts'), 3000);
    assert.equal(fresh(join(dir, 'out.mjs'), [join(dir, 'src')]), false);
    at(join(dir, 'src', 'deep', 'b.ts'), 1000);
  });

  test('a missing output is never fresh', () => {
    assert.equal(fresh(join(dir, 'missing.mjs'), [join(dir, 'src')]), false);
  });
});

describe('bin/flowlens.cjs', () => {
  const run = (args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const flows = join(REPO, 'tests', 'fixtures', 'readers', 'sample.netflow-labeled');

  before(async () => {
    await (buildCli as () => Promise<void>)();
    assert.equal(fresh(CLI_BUNDLE as string, [join(REPO, 'src'), join(REPO, 'package.json')]), true, 'the bundle just built is fresh');
  });

  test('runs the bundle with the same help, output and exit codes as the sources', () => {
    for (const args of [['--help'], ['features', '--window', '60', flows], ['features', '--window', 'x', flows]]) {
      const bundle = run(args);
      const sources = run(args, { FLOWLENS_CLI_TSX: '1' });
      assert.equal(bundle.status, sources.status, `${args.join(' ')}: exit codes`);
      assert.equal(bundle.stdout, sources.stdout, `${args.join(' ')}: stdout`);
      assert.equal(bundle.stderr, sources.stderr, `${args.join(' ')}: stderr`);
    }
    assert.equal(run(['features', '--window', '60', flows]).status, 0);
    assert.equal(run(['features', '--window', 'x', flows]).status, 2);
  });

  test('the build writes a code cache of the bundle that V8 accepts, through the #! line and without its flags', () => {
    const direct = spawnSync(LAUNCHER, ['--help'], { encoding: 'utf8', env: { ...process.env, FLOWLENS_CLI_CODE_CACHE: 'check' } });
    assert.match(direct.stderr, /code cache: accepted/);
    assert.match(run(['--help'], { FLOWLENS_CLI_CODE_CACHE: 'check' }).stderr, /code cache: accepted/);
  });

  test('a corrupt code cache is rejected and the command does exactly what it does without one', () => {
    const cache = `${CLI_BUNDLE as string}.cache`;
    const kept = join(mkdtempSync(join(tmpdir(), 'flowlens-cache-')), 'kept');
    copyFileSync(cache, kept);
    const args = ['features', '--window', '60', flows];
    const expected = run(args);
    try {
      writeFileSync(cache, Buffer.from('not a V8 code cache at all'));
      const corrupt = run(args, { FLOWLENS_CLI_CODE_CACHE: 'check' });
      assert.match(corrupt.stderr, /code cache: rejected/);
      assert.equal(corrupt.status, expected.status);
      assert.equal(corrupt.stdout, expected.stdout);
    } finally {
      copyFileSync(kept, cache);
      rmSync(dirname(kept), { recursive: true, force: true });
    }
  });

  test('runs as an executable through its #! line, node flags included, as an installed command does', () => {
    const direct = spawnSync(LAUNCHER, ['features', '--window', '60', flows], { encoding: 'utf8' });
    assert.equal(direct.status, 0, direct.stderr);
    assert.equal(direct.stdout, run(['features', '--window', '60', flows]).stdout);
  });
});
