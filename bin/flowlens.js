#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so a checkout works right after `npm ci` with no
// build step. Transpiling costs ~0.1 s of start-up; bench/features times an esbuild bundle of the
// same entry point (src/cli/main.ts).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
