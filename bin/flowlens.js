#!/usr/bin/env -S node --no-concurrent-recompilation
// The flag: a CLI run is one batch job, and V8's background compiler thread costs it CPU (its
// optimized code also arrives later): `flowlens features` on 1 M flows takes 15 % less CPU time
// with the compiler on the main thread (bench/features/RESULTS.md). `node bin/flowlens.js` works
// too, without the flag.
// Launcher. Runs the CLI bundle (dist/cli/flowlens.mjs, `npm run build:cli`) when no source file
// changed after it was built: no transpiling at start-up (~0.1 s less). Otherwise (a checkout right
// after `npm ci`, or sources edited since the build) it runs the TypeScript sources through tsx,
// so the command always does what the sources say. FLOWLENS_CLI_TSX=1 forces the sources.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isFresh } from './freshness.js';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'flowlens.mjs');

if (process.env.FLOWLENS_CLI_TSX !== '1' && isFresh(bundle, [join(root, 'src'), join(root, 'package.json')])) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
