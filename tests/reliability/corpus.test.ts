/**
 * Nasty real-world file shapes (tests/reliability/corpus, described in expected.json with the reason
 * each outcome is the right one): each is read with the expected accounting or refused as a whole.
 * The expectations were written from the formats' documentation and the shapes' origin, not from
 * the reader's output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlowFormatError, readFlowFileAll, type ReadOptions } from '../../src/sources/file/index.js';
import { physicalLines, skippedTotal } from './fuzz/readerFuzz.js';

const DIR = join(import.meta.dirname, 'corpus');

interface Expect {
  flows: number;
  lines?: number;
  format?: string;
  blankLines?: number;
  nonDataLines?: number;
  skipped?: Record<string, number>;
  skippedTotal?: number;
  ts?: number[];
  dstPorts?: number[];
}
interface Case {
  file: string;
  options: ReadOptions;
  expect: Expect | 'refused';
  why: string;
  /** A known finding (docs/reliability-findings.md) the owner has not fixed yet. */
  todo?: string;
}

const cases = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Case[];

for (const c of cases) {
  test(`corpus ${c.file}: ${c.why}`, c.todo ? { todo: c.todo } : {}, async () => {
    const path = join(DIR, c.file);
    if (c.expect === 'refused') {
      await assert.rejects(readFlowFileAll(path, c.options), (err: unknown) => err instanceof FlowFormatError && err.message.length > 0);
      return;
    }
    const e = c.expect;
    const { table, stats } = await readFlowFileAll(path, c.options);
    assert.equal(stats.flows, e.flows, `flows (skipped: ${JSON.stringify(stats.skipped)})`);
    assert.equal(table.length, e.flows);
    assert.equal(stats.flows + stats.blankLines + stats.nonDataLines + skippedTotal(stats), stats.lines, 'every line accounted for');
    if (!c.file.endsWith('.gz')) assert.equal(stats.lines, physicalLines(readFileSync(path)));
    if (e.lines !== undefined) assert.equal(stats.lines, e.lines);
    if (e.format !== undefined) assert.equal(stats.format, e.format);
    if (e.blankLines !== undefined) assert.equal(stats.blankLines, e.blankLines);
    if (e.nonDataLines !== undefined) assert.equal(stats.nonDataLines, e.nonDataLines);
    if (e.skippedTotal !== undefined) assert.equal(skippedTotal(stats), e.skippedTotal);
    if (e.skipped !== undefined) {
      assert.deepEqual(Object.fromEntries(Object.entries(stats.skipped).map(([k, v]) => [k, v.count])), e.skipped);
    }
    if (e.ts !== undefined) assert.deepEqual(Array.from(table.ts), e.ts);
    if (e.dstPorts !== undefined) assert.deepEqual(Array.from(table.dstPort), e.dstPorts);
  });
}

test('corpus: a line over the 1 MiB line limit is skipped as line-too-long and the lines around it are read', async () => {
  const { readFlowBuffer } = await import('../../src/sources/file/index.js');
  const good = '2017-01-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,21687,8999\n';
  const text = good + good + `2017-01-27 16:24:42,tcp,closed,${'9'.repeat((1 << 20) + 100)},1,10.0.0.2,2,1,1\n` + good + good;
  const { stats } = await readFlowBuffer(text, { format: 'seed' });
  assert.equal(stats.flows, 4);
  assert.deepEqual(Object.fromEntries(Object.entries(stats.skipped).map(([k, v]) => [k, v.count])), { 'line-too-long': 1 });
  assert.equal(stats.lines, 5);
});
