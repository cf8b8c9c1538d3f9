/** src/backend/grafana is a generic SDK: it may import npm packages and itself, nothing of Flowlens. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/plugin.js';

describe('src/backend/grafana', () => {
  it('imports nothing from engine, sources, query or the Flowlens handlers', () => {
    const dir = join(REPO, 'src', 'backend', 'grafana');
    const offenders: string[] = [];
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      if (!name.endsWith('.ts')) continue;
      const text = readFileSync(join(dir, name), 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        // Everything in the folder sits side by side, so a parent-relative import leaves it.
        if (spec.startsWith('..') || spec.includes('/src/')) offenders.push(`${name}: ${spec}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
