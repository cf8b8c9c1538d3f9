#!/usr/bin/env node
// Node 20's test runner does not expand globs, so list the test files here and hand them over.
// Usage: node scripts/run-tests.mjs [folder-or-file…]   (default: tests/)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (/\.test\.tsx?$/.test(path)) out.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    collect(join(path, name), out);
  }
}

const roots = process.argv.slice(2);
const files = [];
for (const root of roots.length ? roots : ['tests']) collect(root, files);
if (files.length === 0) {
  console.error('run-tests: no *.test.ts files found');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
