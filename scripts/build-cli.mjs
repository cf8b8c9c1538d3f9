#!/usr/bin/env node
// Bundles the `flowlens` CLI (src/cli/main.ts) with esbuild into build/cli/flowlens.cjs (kept out of dist/, the plugin folder), which
// bin/flowlens.cjs runs instead of transpiling the sources at every start (~0.1 s of start-up),
// then writes the bundle's V8 code cache (flowlens.cjs.cache) by running `flowlens features` once.
// CommonJS, not ESM: node's ESM loader cost a features run 0.04 cpu s; the code cache another
// ~0.02 s of compiling (bench/features/RESULTS.md).
// Usage: node scripts/build-cli.mjs
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_BUNDLE = join(root, 'build', 'cli', 'flowlens.cjs');
const LAUNCHER = join(root, 'bin', 'flowlens.cjs');
/** The node flags of the launcher's #! line: V8 accepts a code cache only under the flags it was made with. */
export const LAUNCHER_NODE_FLAGS = ['--no-concurrent-recompilation'];

export async function buildCli(outfile = CLI_BUNDLE) {
  const started = performance.now();
  // written beside the target and renamed, so a launcher never loads a half-written bundle
  const partial = `${outfile}.partial.cjs`;
  await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: partial,
    logLevel: 'warning',
  });
  rmSync(`${outfile}.cache`, { force: true });
  renameSync(partial, outfile);
  if (outfile === CLI_BUNDLE) writeCodeCache();
  const mb = (statSync(outfile).size / 1e6).toFixed(2);
  process.stderr.write(`build-cli: bundled ${relative(root, outfile)} (${mb} MB) in ${Math.round(performance.now() - started)} ms\n`);
}

/**
 * Runs the installed command as its #! line does, on generated flows, with the launcher told to
 * save V8's code cache of the bundle at exit: the functions a features run compiles are then
 * deserialized instead of compiled by later runs. A cache that does not match (other node,
 * other flags, edited bundle) is rejected by V8 and costs nothing but the speed-up.
 */
function writeCodeCache() {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-cache-'));
  try {
    const flows = join(dir, 'flows.csv');
    const run = (args, env = {}) => {
      const r = spawnSync(process.execPath, [...LAUNCHER_NODE_FLAGS, LAUNCHER, ...args], { encoding: 'utf8', env: { ...process.env, FLOWLENS_CLI_TSX: '', ...env } });
      if (r.status !== 0) throw new Error(`build-cli: flowlens ${args[0]} failed while writing the code cache: ${r.stderr}`);
    };
    run(['generate', '--format', 'seed', '--flows', '20000', '--seed', '1', '-o', flows]);
    run(['features', flows], { FLOWLENS_CLI_CODE_CACHE: 'write' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
