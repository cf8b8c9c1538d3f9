/**
 * Exit code 1 for input that is not flows: every command that reads flow files refuses a binary
 * file and a mostly-garbage file with one sentence naming the formats tried, and prints nothing
 * on stdout (a partial CSV on stdout would look like a result to the next tool in a pipe).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binetflowText, runCli } from './trainHelpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-data-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TESTS = join(import.meta.dirname, '..');
/** A zip header and junk bytes: no format fits its first line. */
const NOT_FLOWS = join(TESTS, 'fixtures', 'readers', 'not-flows.bin');
/** One seed line, then "hello,world" lines: detected as seed, but most lines cannot be parsed. */
const MOSTLY_GARBAGE = join(TESTS, 'reliability', 'corpus', 'mostly-garbage.seed.csv');

/** The formats detection tries, as the reader names them. */
const FORMAT_NAMES = [/seed CSV/, /CTU-13 netflow-labeled/, /Argus binetflow/, /nfdump CSV/, /generic CSV/];

const profile = join(dir, 'profile.json');
const trainedOutput = join(dir, 'trained.json');
before(async () => {
  const data = binetflowText(5, 2, 2, 40);
  const flows = join(dir, 'flows.binetflow');
  writeFileSync(flows, data.text);
  const r = await runCli(['train', '--host', data.bots[0]!, '-o', profile, flows]);
  assert.equal(r.code, 0, r.stderr);
});

const COMMANDS: [string, () => string[]][] = [
  ['features', () => ['features']],
  ['train', () => ['train', '--host', '10.0.0.1', '-o', trainedOutput]],
  ['score', () => ['score', '--profile', profile]],
  ['evaluate', () => ['evaluate', '--profile', profile, '--infected', '10.0.0.1', '--normal', '10.0.0.2']],
];

function assertRefused(r: { code: number; stdout: string; stderr: string }, command: string, file: string, what: RegExp): void {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one message, got:\n${r.stderr}`);
  assert.ok(lines[0]!.startsWith(`flowlens ${command}: ${file}: `), lines[0]);
  assert.match(lines[0]!, what);
  assert.match(lines[0]!, /Formats tried: /);
  for (const name of FORMAT_NAMES) assert.match(lines[0]!, name);
  // A data error, not a usage error: no pointer to --help.
  assert.doesNotMatch(r.stderr, /--help/);
}

for (const [command, base] of COMMANDS) {
  test(`${command}: a binary file that is not flows exits 1 with one message naming the formats tried`, async () => {
    const r = await runCli([...base(), NOT_FLOWS]);
    assertRefused(r, command, NOT_FLOWS, /an unknown format; first line: binary data/);
  });

  test(`${command}: a file that is mostly garbage exits 1 with one message naming the formats tried`, async () => {
    const r = await runCli([...base(), MOSTLY_GARBAGE]);
    assertRefused(r, command, MOSTLY_GARBAGE, /not readable as seed: 5 of the first 6 data lines could not be parsed/);
  });
}

test('train writes no profile when its input is refused', async () => {
  rmSync(trainedOutput, { force: true });
  const r = await runCli(['train', '--host', '10.0.0.1', '-o', trainedOutput, NOT_FLOWS]);
  assert.equal(r.code, 1);
  assert.equal(existsSync(trainedOutput), false);
});
