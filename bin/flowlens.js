#!/usr/bin/env node
// Development launcher: runs the TypeScript CLI through tsx. The packaged build ships a bundled
// CLI instead (see README, "Build").
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
