/**
 * No input crashes a reader: random bytes and randomly damaged flow files either read with every
 * line accounted for, or fail with one FlowFormatError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FlowFormatError, readFlowBuffer, type ReadStats } from '../../../src/sources/file/index.js';
import { generateText, GENERATED_FORMATS } from '../../../src/sources/synthetic/index.js';

function accounted(stats: ReadStats): void {
  const skipped = Object.values(stats.skipped).reduce((a, r) => a + r.count, 0);
  assert.equal(stats.flows + skipped + stats.blankLines + stats.nonDataLines, stats.lines);
  for (const r of Object.values(stats.skipped)) assert.ok(r.firstLines.length === Math.min(10, r.count));
}

async function readOrFormatError(data: Uint8Array): Promise<void> {
  try {
    const { table, stats } = await readFlowBuffer(data);
    accounted(stats);
    assert.equal(table.length, stats.flows);
  } catch (err) {
    if (!(err instanceof FlowFormatError)) throw err;
  }
}

test('random bytes never crash a reader', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => readOrFormatError(bytes)),
    { numRuns: 300, seed: 1 },
  );
});

test('flow files with random bytes overwritten, inserted or cut never crash a reader', async () => {
  const samples = GENERATED_FORMATS.map((format) => new TextEncoder().encode(generateText({ format, flows: 40, seed: 3, bots: 1 })));
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: samples.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'cut')), { maxLength: 12 }),
      async (which, edits) => {
        let bytes = Array.from(samples[which]!);
        for (const [at, value, op] of edits) {
          const i = at % (bytes.length + 1);
          if (op === 'set' && i < bytes.length) bytes[i] = value;
          else if (op === 'insert') bytes.splice(i, 0, value);
          else bytes = bytes.slice(0, i);
        }
        await readOrFormatError(Uint8Array.from(bytes));
      },
    ),
    { numRuns: 300, seed: 2 },
  );
});
