import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIsoSeconds, formatNumber, instantOption, jsonNumber, parseInstant } from '../../src/cli/format.js';
import { UsageError } from '../../src/cli/errors.js';
import { ProgressBar } from '../../src/cli/progress.js';

test('numbers print in shortest round-trip form, integers without .0, NaN as empty', () => {
  assert.equal(formatNumber(484), '484');
  assert.equal(formatNumber(1 / 3), '0.3333333333333333');
  assert.equal(Number(formatNumber(6.200000000000003)), 6.200000000000003);
  assert.equal(formatNumber(-0), '0');
  assert.equal(formatNumber(NaN), '');
  assert.equal(jsonNumber(NaN), null);
});

test('window starts print as ISO-8601 UTC seconds, with milliseconds only when needed', () => {
  assert.equal(formatIsoSeconds(1485534280), '2017-01-27T16:24:40Z');
  assert.equal(formatIsoSeconds(1485534280.5), '2017-01-27T16:24:40.500Z');
});

test('instants are ISO 8601 (no zone = UTC) or epoch seconds', () => {
  assert.equal(parseInstant('2017-01-27T16:24:40Z'), 1485534280);
  assert.equal(parseInstant('2017-01-27 16:24:40'), 1485534280);
  assert.equal(parseInstant('2017-01-27T17:24:40+01:00'), 1485534280);
  assert.equal(parseInstant('1485534280'), 1485534280);
  assert.equal(parseInstant('yesterday'), null);
});

test('the progress bar stays silent when stderr is not a terminal or the input is small', () => {
  const written: string[] = [];
  const stream = { write: (s: string) => written.push(s) > 0, isTTY: false } as unknown as NodeJS.WritableStream;
  new ProgressBar({ stream, total: 1e9 }).update(5e8);
  new ProgressBar({ stream: Object.assign(stream, { isTTY: true }), total: 10 }).update(5);
  assert.deepEqual(written, []);
  let t = 0;
  const bar = new ProgressBar({ stream, total: 1e9, now: () => (t += 1000) });
  bar.update(5e8);
  bar.finish();
  assert.match(written[0]!, /50% 500\.0 MB\/1\.0 GB/);
  assert.equal(written[1], '\r\x1b[K');
});

test('the progress bar judges gzip input by the text it holds, and counts the bytes read', () => {
  const written: string[] = [];
  const stream = { write: (s: string) => written.push(s) > 0, isTTY: true } as unknown as NodeJS.WritableStream;
  // 10 MB of gzip holding ~80 MB of flows: a long wait, so a bar
  let t = 0;
  new ProgressBar({ stream, total: 10e6, expected: 80e6, now: () => (t += 1000) }).update(5e6);
  assert.match(written[0]!, /50% 5\.0 MB\/10\.0 MB/);
  new ProgressBar({ stream, total: 10e6, expected: 10e6 }).update(5e6);
  assert.equal(written.length, 1);
});

test('time options: epoch milliseconds where seconds belong and instants past 9999 are usage errors that say so', () => {
  assert.equal(instantOption('from', '1313489400'), 1313489400);
  assert.equal(instantOption('from', '2011-08-16T10:10:00Z'), 1313489400);
  assert.throws(() => instantOption('from', '1313489400000'), (e: Error) => e instanceof UsageError && /--from '1313489400000' is past the year 9999 as epoch seconds — it looks like epoch milliseconds: 1313489400000 ms is 2011-08-16T10:10:00Z/.test(e.message));
  assert.throws(() => instantOption('to', '1e400'), UsageError);
  assert.throws(() => instantOption('to', '99999999999999999999'), (e: Error) => e instanceof UsageError && !/milliseconds/.test(e.message));
  assert.throws(() => instantOption('to', 'yesterday'), /is not a time/);
});
