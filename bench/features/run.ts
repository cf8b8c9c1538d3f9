/**
 * Features benchmark: N generated seed-format flows over one hour (default 1 M), timed in one run
 *   (a) the seed notebook's approach with tumbling batches (bench/features/seed_loop.py),
 *   (b) a vectorized pandas version (bench/features/vectorized.py), timed by itself (imports
 *       excluded, the headline ratio) and (b') as a whole process like (c),
 *   (c) `flowlens features` end to end (bin/flowlens.cjs run as a user runs it, through its #! line
 *       and its node flags, running the CLI bundle it is shipped with, built here by
 *       scripts/build-cli.mjs; one node process, stdout to /dev/null),
 * plus (d) flowlens on the same rows shuffled (out-of-order input holds every row) and (e) (c) with
 * every thread pinned to one CPU (taskset), whose wall time is strictly one core's time, and
 * (f) (b) against (c) on 2× and 4× the flows at the same rate (2 h, 4 h): how the ratio moves
 * once node's start and V8's warm-up are spread over more flows, and pandas' sorts grow.
 * Prints flows/s, ratios and peak memory (RSS above an idle `flowlens --help`, per flow). The
 * short runs are medians by CPU time: (c) of 5, (b), (e) and the 2 M-flow run of 3; the seed loop
 * (25 s) runs once.
 *
 * Input comes from `flowlens generate --format seed` (default) or, with --generator synth, from
 * bench/features/synth.ts.
 *
 * Run: npx tsx bench/features/run.ts [--flows N] [--generator flowlens|synth] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// @ts-expect-error plain-JavaScript build script and launcher helper, without type declarations
import { buildCli, CLI_BUNDLE } from '../../scripts/build-cli.mjs';
// @ts-expect-error see above
import { isFresh } from '../../bin/freshness.cjs';
import { seedLine, synthRows } from './synth.js';

const { values } = parseArgs({ options: { flows: { type: 'string' }, generator: { type: 'string' }, keep: { type: 'boolean' } } });
const flows = Number(values.flows ?? 1_000_000);
const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'flowlens-bench-'));
const cli = join(root, 'bin', 'flowlens.cjs');

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  let buf = '';
  for (const l of lines) {
    buf += l;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.once('finish', () => r()));
}

function* synthLines(): Generator<string> {
  for (const r of synthRows(flows, 1485532800, 3600, 7)) yield seedLine(r);
}

interface Measure {
  /** Wall seconds, measured here (includes process start). */
  seconds: number;
  /** User + system CPU seconds of the process: the one-core figure, robust to a busy machine. */
  cpu: number;
  rssKb: number;
}

/** Runs a command under /usr/bin/time for CPU time and peak RSS. */
function timed(cmd: string, args: string[]): Measure {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', 'sh', '-c', '"$0" "$@" > /dev/null', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const m = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no time(1) output: ${r.stderr}`);
  return { seconds, cpu: Number(m[1]) + Number(m[2]), rssKb: Number(m[3]) };
}

/** The run of median CPU time among `n` (short runs on this machine vary by ±15 % from run to run). */
function medianOf(n: number, run: () => Measure): Measure {
  const runs = Array.from({ length: n }, run).sort((a, b) => a.cpu - b.cpu);
  return runs[n >> 1]!;
}

/** Python peers time themselves (imports excluded): wall and process CPU. */
function pythonSelfTimed(script: string, file: string): Measure {
  const r = spawnSync('python3', [join(here, script), file, '10'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  // peak RSS as the script reports it (Linux ru_maxrss, KiB): interpreter and pandas included
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; cpu: number; maxrss_kb: number };
  return { seconds: out.seconds, cpu: out.cpu, rssKb: out.maxrss_kb };
}

function generate(file: string, n: number, seconds: number): void {
  const r = spawnSync(process.execPath, [cli, 'generate', '--format', 'seed', '--flows', String(n), '--seed', '7', '--duration', String(seconds), '-o', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
}

async function main(): Promise<void> {
  try {
    // the shipped launcher and the bundle it runs (`npm run build:cli`), built from the sources now
    await buildCli();
    if (!isFresh(CLI_BUNDLE, [join(root, 'src'), join(root, 'package.json')])) throw new Error('sources changed during the CLI build; run again');
    const file = join(work, 'flows.csv');
    const double = join(work, 'flows2x.csv');
    const quadruple = join(work, 'flows4x.csv');
    const synth = values.generator === 'synth';
    if (synth) await writeLines(file, synthLines());
    else {
      generate(file, flows, 3600);
      // twice the flows over twice the time, same rate: the RSS difference is what each flow costs to hold
      generate(double, 2 * flows, 7200);
      generate(quadruple, 4 * flows, 14400);
    }
    const shuffled = join(work, 'shuffled.csv');
    writeFileSync(shuffled, shuffle(readFileSync(file, 'utf8').split('\n').filter((l) => l !== '')).join('\n') + '\n');
    const mb = statSync(file).size / 1e6;
    console.log(`input: ${flows.toLocaleString('en')} seed-format flows over one hour, ${mb.toFixed(1)} MB (${synth ? 'bench synth' : 'flowlens generate --format seed'})`);

    const idle = timed(cli, ['--help']);
    const ours = medianOf(5, () => timed(cli, ['features', '--window', '10', file]));
    // Every thread of the process (JIT compiler, GC helpers) on CPU 0: wall time is one core's time.
    const pinned = existsSync('/usr/bin/taskset') ? medianOf(3, () => timed('/usr/bin/taskset', ['-c', '0', cli, 'features', '--window', '10', file])) : null;
    const ours2 = synth ? null : medianOf(3, () => timed(cli, ['features', '--window', '10', double]));
    const oursShuffled = timed(cli, ['features', '--window', '10', shuffled]);
    const loop = pythonSelfTimed('seed_loop.py', file);
    const vec = medianOf(3, () => pythonSelfTimed('vectorized.py', file));
    // the same script as a user runs it (interpreter start and imports included), for a
    // comparison on the terms of (c), which includes node's start
    const vecWhole = medianOf(3, () => timed('python3', [join(here, 'vectorized.py'), file, '10']));
    // (f): one pandas run each (4 M flows take it ~9 s); flowlens medians of 3
    const scaled = synth
      ? []
      : [
          { k: 2, vec: pythonSelfTimed('vectorized.py', double), ours: ours2! },
          { k: 4, vec: pythonSelfTimed('vectorized.py', quadruple), ours: medianOf(3, () => timed(cli, ['features', '--window', '10', quadruple])) },
        ];

    const rate = (s: number): string => `${(flows / s / 1e6).toFixed(2)} M flows/s`;
    const row = (label: string, m: Measure, note: string): void =>
      console.log(`${label.padEnd(34)} wall ${m.seconds.toFixed(3).padStart(7)} s  cpu ${m.cpu.toFixed(3).padStart(7)} s  ${rate(m.cpu).padStart(16)} (cpu)  ${note}`);
    const aboveIdle = (m: Measure): string => `peak RSS ${(m.rssKb / 1024).toFixed(0)} MB = ${(((m.rssKb - idle.rssKb) * 1024) / flows).toFixed(1)} B/flow above idle`;
    console.log('');
    const rss = (m: Measure): string => `peak RSS ${(m.rssKb / 1024).toFixed(0)} MB`;
    row('(a) seed loop, pandas per batch', loop, `python, imports excluded; ${rss(loop)}`);
    row('(b) vectorized pandas', vec, `python, imports excluded; ${rss(vec)}`);
    row("(b') (b) as a whole process", vecWhole, 'python start and imports included');
    row('(c) flowlens features (ordered)', ours, `${aboveIdle(ours)}; process start included`);
    row('(d) flowlens features (shuffled)', oursShuffled, aboveIdle(oursShuffled));
    if (pinned) console.log(`(e) (c) pinned to one CPU (taskset)  wall ${pinned.seconds.toFixed(3).padStart(7)} s  cpu ${pinned.cpu.toFixed(3).padStart(7)} s  ${rate(pinned.seconds).padStart(16)} (wall, one core)`);
    console.log(`    idle node + bundle (--help)    wall ${idle.seconds.toFixed(3)} s  cpu ${idle.cpu.toFixed(3)} s  peak RSS ${(idle.rssKb / 1024).toFixed(0)} MB`);
    if (ours2) {
      const held = ((ours2.rssKb - ours.rssKb) * 1024) / flows;
      console.log(`    2x flows over 2 h (ordered)    cpu ${ours2.cpu.toFixed(3)} s, peak RSS ${(ours2.rssKb / 1024).toFixed(0)} MB -> ${held.toFixed(1)} B per extra flow held (target <= 64)`);
      console.log(`    marginal rate (2x - 1x)        ${rate(ours2.cpu - ours.cpu)} (cpu), without process start and JIT warm-up`);
    }
    if (scaled.length) {
      console.log('(f) vectorized pandas (b) / flowlens (c) as the input grows, same flows per hour (cpu):');
      for (const { k, vec: v, ours: o } of [{ k: 1, vec, ours }, ...scaled]) {
        console.log(`    ${`${k}x flows over ${k} h`.padEnd(30)} pandas ${v.cpu.toFixed(3).padStart(7)} s  flowlens ${o.cpu.toFixed(3).padStart(6)} s  ${(v.cpu / o.cpu).toFixed(1)}x  (pandas peak RSS ${(v.rssKb / 1024).toFixed(0)} MB, flowlens ${(o.rssKb / 1024).toFixed(0)} MB)`);
      }
    }
    console.log('');
    console.log(`ratio flowlens / seed loop (cpu):          ${(loop.cpu / ours.cpu).toFixed(1)}x   (target >= 50x)   wall: ${(loop.seconds / ours.seconds).toFixed(1)}x`);
    console.log(`ratio flowlens / vectorized pandas (cpu):  ${(vec.cpu / ours.cpu).toFixed(1)}x   (target >= 5x)    wall: ${(vec.seconds / ours.seconds).toFixed(1)}x`);
    console.log(`  both as whole processes (b') / (c):        ${(vecWhole.cpu / ours.cpu).toFixed(1)}x cpu, ${(vecWhole.seconds / ours.seconds).toFixed(1)}x wall`);
    console.log(`flowlens end to end, one core:             ${rate(ours.cpu)}   (target >= 2 M flows/s)   wall: ${rate(ours.seconds)}`);
  } finally {
    if (!values.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

/** Fisher–Yates with a fixed seed, so the shuffled run is repeatable. */
function shuffle(lines: string[]): string[] {
  let s = 12345;
  for (let i = lines.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines;
}

await main();
