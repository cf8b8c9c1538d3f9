#!/usr/bin/env -S node --no-concurrent-recompilation
// The flag: a CLI run is one batch job, and V8's background compiler thread costs it CPU (its
// optimized code also arrives later): `flowlens features` on 1 M flows takes 15 % less CPU time
// with the compiler on the main thread (bench/features/RESULTS.md). `node bin/flowlens.cjs` works
// too, without the flag.
// Launcher. Runs the CLI bundle (build/cli/flowlens.cjs, `npm run build:cli`) when no source file
// changed after it was built: no transpiling at start-up (~0.1 s less). Otherwise (a checkout right
// after `npm ci`, or sources edited since the build) it runs the TypeScript sources through tsx,
// so the command always does what the sources say. FLOWLENS_CLI_TSX=1 forces the sources.
// Launcher and bundle are CommonJS, so node never starts its ESM loader (0.04 cpu s of a run),
// and the bundle is loaded through vm.Script with V8's code cache (flowlens.cjs.cache, written by
// the build): its functions are deserialized rather than compiled at every start.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');
const { isFresh } = require('./freshness.cjs');

const root = join(__dirname, '..');
const bundle = join(root, 'build', 'cli', 'flowlens.cjs');

if (process.env.FLOWLENS_CLI_TSX !== '1' && isFresh(bundle, [join(root, 'src'), join(root, 'package.json')])) {
  runBundle(bundle);
} else {
  import('tsx/esm/api').then(({ register }) => {
    register();
    return import('../src/cli/main.ts');
  });
}

/** Evaluates the CommonJS bundle as node would, with its code cache when there is one. */
function runBundle(file) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // no cache (yet): compiled as usual
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  // `check` reports on stderr whether V8 took the cache (tests; a rejected cache only costs speed)
  if (process.env.FLOWLENS_CLI_CODE_CACHE === 'check') process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
  if (process.env.FLOWLENS_CLI_CODE_CACHE === 'write') {
    // the build asks for the cache after a run, so it holds the functions that run compiled
    process.once('exit', () => {
      writeFileSync(`${cacheFile}.partial`, script.createCachedData());
      renameSync(`${cacheFile}.partial`, cacheFile);
    });
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
}
