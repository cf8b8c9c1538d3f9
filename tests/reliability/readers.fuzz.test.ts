/**
 * Bounded reader fuzzing inside `npm test` (2,000 seeded inputs per reader; the million-input run is
 * `bench/fuzz/run.ts`): every input is either read with every line accounted for, or refused as a
 * whole with a FlowFormatError; stream piece boundaries never change the answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineEngine } from '../../src/sources/file/lineEngine.js';
import { timeZoneResolver } from '../../src/sources/file/time.js';
import { createDictionaries } from '../../src/engine/flowTable.js';
import { checkInput, checkSplitInvariance, expectedLines, fuzzReaders, makeInput, Rng } from './fuzz/readerFuzz.js';

const PER_READER = 2000;
const SEED = 20261123;

for (const reader of fuzzReaders()) {
  test(`${reader.name} reader: ${PER_READER} hostile inputs read with every line accounted for or refused with FlowFormatError`, async () => {
    let read = 0;
    let refused = 0;
    for (let i = 0; i < PER_READER; i++) {
      // Four inputs per reader carry a line over the reader's 1 MiB limit.
      const bytes = makeInput(reader, SEED, i, i % 500 === 1);
      let outcome;
      try {
        outcome = await checkInput(reader, bytes, expectedLines(bytes));
        if (i % 3 === 0) checkSplitInvariance(reader, bytes, outcome, new Rng(i));
      } catch (err) {
        assert.fail(`input ${i} (seed ${SEED}, reader ${reader.name}): ${err instanceof Error ? err.message : String(err)}`);
      }
      if (outcome.kind === 'read') read++;
      else refused++;
    }
    // Both outcomes must be exercised, else the generator has drifted into testing only one path.
    assert.ok(read > PER_READER / 10, `only ${read} inputs were readable`);
    assert.ok(refused > PER_READER / 20, `only ${refused} inputs were refused`);
  });
}

// Finding R2, fixed in 00ed590: this guards the fix.
test('a UTF-8 BOM split across the first stream pieces is still stripped', () => {
  const text = '\ufeff2017-01-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,21687,8999\n';
  const bytes = new TextEncoder().encode(text);
  const engine = new LineEngine({ format: 'seed', dicts: createDictionaries(), chunkRows: 64, zone: timeZoneResolver('UTC'), columnMap: undefined, name: 'input' });
  engine.push(bytes.subarray(0, 1));
  engine.push(bytes.subarray(1));
  engine.end();
  assert.equal(engine.stats().flows, 1);
});

// Found by fuzzing (2026-12-06): a line held apart (one of the first lines, read while the
// format is detected, or one joined across two pieces) lost two CRs where others lose one.
test('a line ending in CR CR LF gets the same verdict wherever it falls: first lines, inside a piece, across pieces', () => {
  const good = '2017-01-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,1,2\n';
  const odd = good.replace('\n', '\r\r\n');
  const read = (text: string, cuts: number[]): { flows: number; reasons: string[] } => {
    const bytes = new TextEncoder().encode(text);
    const engine = new LineEngine({ format: 'auto', dicts: createDictionaries(), chunkRows: 64, zone: timeZoneResolver('UTC'), columnMap: undefined, name: 'input' });
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      engine.push(bytes.subarray(from, cut));
      from = cut;
    }
    engine.end();
    const s = engine.stats();
    return { flows: s.flows, reasons: Object.entries(s.skipped).filter(([, r]) => r.count > 0).map(([k, r]) => `${k}@${r.firstLines.join(',')}`) };
  };
  /** 100 lines, the odd one at line n. */
  const oddAt = (n: number): string => good.repeat(n - 1) + odd + good.repeat(100 - n);
  const inPiece = read(oddAt(100), []);
  // every way the same: 99 or 100 flows, and the same skip reason when it is skipped
  const verdicts = [
    read(oddAt(1), []), // a sniffed line
    read(oddAt(100), [99 * good.length + 10]), // joined across two pieces
    read(oddAt(100), [99 * good.length + odd.length - 1]), // cut between its CR CR and LF
  ].map((v) => ({ flows: v.flows, reasons: v.reasons.map((r) => r.replace(/@.*/, '')) }));
  for (const v of verdicts) assert.deepEqual(v, { flows: inPiece.flows, reasons: inPiece.reasons.map((r) => r.replace(/@.*/, '')) });
  assert.equal(inPiece.flows + (inPiece.reasons.length ? 1 : 0), 100);
});
