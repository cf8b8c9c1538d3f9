/**
 * Parity end to end: `flowlens train --init` on real flows against hmmlearn 0.3.3 fitting the same
 * windows from the same initial parameters with its own stop rule (n_iter 10, tol 0.01). The
 * per-iteration log-likelihoods, the number of iterations and the final parameters agree within
 * 1e-9 relative. Windows come from our discretizer (checked against numpy separately).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFlowFileAll } from '../../src/sources/file/index.js';
import { groupBySource, hostRows, hostSlot, hostWindows, profileFromJSON, profileModel } from '../../src/engine/profile/index.js';
import { Rng } from '../../src/engine/random.js';
import { binetflowText, runCli, sharedData } from '../cli/trainHelpers.js';

const ORACLE = fileURLToPath(new URL('./oracle_hmm.py', import.meta.url));
const probe = spawnSync('python3', ['-c', 'import hmmlearn; assert hmmlearn.__version__ == "0.3.3"'], { encoding: 'utf8' });
const noHmmlearn = probe.status !== 0 ? 'python3 with hmmlearn 0.3.3 is not installed (pip install -r tests/parity/requirements.txt)' : false;

const dir = mkdtempSync(join(tmpdir(), 'flowlens-hmm-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Monitor {
  history: number[];
  iter: number;
  startprob: number[];
  transmat: number[];
  means: number[];
  covars: number[];
}

const close = (a: number, b: number, scale: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12 * scale;

async function checkFile(file: string, host: string): Promise<void> {
  const states = 4;
  const w = 10;
  // Windows as the profile sees them: train once (seeded) to get the discretizer.
  const first = join(dir, 'first.json');
  assert.equal((await runCli(['train', '--host', host, '-o', first, file])).code, 0);
  const seeded = profileFromJSON(readFileSync(first, 'utf8'));
  const { table } = await readFlowFileAll(file);
  const g = groupBySource(table);
  const x = hostWindows(table, seeded.discretizer, hostRows(g, hostSlot(table, g, host)), w);
  const X: number[] = [];
  for (let t = 0; t < x.length; t++) for (let k = 0; k < w; k++) X.push(x.data[x.offset + t * x.stride + k]!);

  // An initial point that is not our own k-means result: perturbed seeded parameters.
  const rng = new Rng(17);
  const m = profileModel(seeded);
  const init = {
    startprob: Array(states).fill(1 / states) as number[],
    transmat: Array(states * states).fill(1 / states) as number[],
    means: Array.from(m.means, (v) => v + rng.nextNormal() * 0.5),
    covars: Array.from(m.covars, (v) => v + 0.5 + rng.nextFloat()),
  };
  writeFileSync(join(dir, 'init.json'), JSON.stringify(init));
  const out = join(dir, 'given.json');
  const r = await runCli(['train', '--host', host, '--init', join(dir, 'init.json'), '-o', out, file]);
  assert.equal(r.code, 0, r.stderr);
  const ours = profileFromJSON(readFileSync(out, 'utf8'));

  const spec = { cases: [{ id: 'cli', n_states: states, d: w, T: x.length, covariance_type: 'diag', X, ...init, n_iter: 0, monitor: { n_iter: 10, tol: 0.01 } }] };
  writeFileSync(join(dir, 'case.json'), JSON.stringify(spec));
  const o = spawnSync('python3', [ORACLE, join(dir, 'case.json')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(o.status, 0, o.stderr);
  const theirs = (JSON.parse(o.stdout) as { cases: { monitor: Monitor }[] }).cases[0]!.monitor;

  assert.ok(theirs.iter >= 2, 'hmmlearn ran more than one iteration');
  assert.equal(ours.training.logLikelihood.length, theirs.iter, 'same number of EM iterations');
  ours.training.logLikelihood.forEach((v, i) => assert.ok(close(v, theirs.history[i]!, 0), `iteration ${i + 1}: ours ${v} vs hmmlearn ${theirs.history[i]}`));
  const om = profileModel(ours);
  for (const [name, a, b] of [['startprob', om.startprob, theirs.startprob], ['transmat', om.transmat, theirs.transmat], ['means', om.means, theirs.means], ['covars', om.covars, theirs.covars]] as const) {
    const scale = Math.max(...b.map(Math.abs));
    a.forEach((v, i) => assert.ok(close(v, b[i]!, scale), `${name}[${i}]: ours ${v} vs hmmlearn ${b[i]}`));
  }
}

test('train --init on generated flows follows hmmlearn iteration by iteration and stops where it stops', { skip: noHmmlearn }, async () => {
  const data = binetflowText(41, 1, 1, 400);
  const file = join(dir, 'flows.binetflow');
  writeFileSync(file, data.text);
  await checkFile(file, data.bots[0]!);
});

const slice2 = join(sharedData, 'capture20110816.binetflow.slice_2_1');
test('train --init on the CTU-13 scenario-6 bot follows hmmlearn', { skip: noHmmlearn || (!sharedData || !existsSync(slice2) ? 'CTU-13 data not found (FLOWLENS_SHARED_DATA)' : false) }, async () => {
  await checkFile(slice2, '147.32.84.165');
});
