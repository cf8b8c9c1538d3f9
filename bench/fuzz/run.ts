/**
 * Scheduled reader fuzzing: ≥ 1,000,000 generated inputs per reader (the bar), each checked
 * against the reader contract (tests/reliability/fuzz/readerFuzz.ts). Each reader runs in a worker
 * thread watched from here: an input still running after --hang-ms is a hang (the worker is
 * terminated and restarted after it); anything thrown other than FlowFormatError is a crash.
 *
 *   node --import tsx bench/fuzz/run.ts [--inputs 1000000] [--seed 1] [--readers seed,csv] [--parallel 2] [--hang-ms 5000]
 *
 * Prints, per reader: inputs, read/refused, crashes, hangs, slowest input, inputs/s. Exit 1 on any
 * crash or hang. Replay a failure with `--readers <r> --from <index> --inputs 1`.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkInput, checkSplitInvariance, expectedLines, fuzzReaders, makeInput, Rng } from '../../tests/reliability/fuzz/readerFuzz.js';

interface Job {
  reader: string;
  seed: number;
  from: number;
  to: number;
  /** [current index, done, read, refused, crashes, slowest ms, slowest index] */
  shared: SharedArrayBuffer;
}
const CUR = 0, DONE = 1, READ = 2, REFUSED = 3, CRASH = 4, SLOW_MS = 5, SLOW_AT = 6;

async function work(job: Job): Promise<void> {
  const s = new Int32Array(job.shared);
  const reader = fuzzReaders().find((r) => r.name === job.reader)!;
  for (let i = job.from; i < job.to; i++) {
    Atomics.store(s, CUR, i);
    const t0 = performance.now();
    // One input in 10,000 carries an over-long (1 MiB) line; one in 10 is also fed in random pieces.
    const bytes = makeInput(reader, job.seed, i, i % 10_000 === 1);
    try {
      const outcome = await checkInput(reader, bytes, expectedLines(bytes));
      if (i % 10 === 0) checkSplitInvariance(reader, bytes, outcome, new Rng(i));
      Atomics.add(s, outcome.kind === 'read' ? READ : REFUSED, 1);
    } catch (err) {
      Atomics.add(s, CRASH, 1);
      parentPort!.postMessage({ crash: i, message: err instanceof Error ? err.message.slice(0, 500) : String(err) });
    }
    const ms = Math.ceil(performance.now() - t0);
    if (ms > Atomics.load(s, SLOW_MS)) {
      Atomics.store(s, SLOW_MS, ms);
      Atomics.store(s, SLOW_AT, i);
    }
    Atomics.add(s, DONE, 1);
  }
}

function arg(name: string, def: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : def;
}

interface ReaderResult {
  reader: string;
  inputs: number;
  read: number;
  refused: number;
  crashes: number;
  hangs: number;
  slowestMs: number;
  slowestAt: number;
  seconds: number;
}

async function runReader(reader: string, seed: number, from: number, count: number, hangMs: number): Promise<ReaderResult> {
  const shared = new SharedArrayBuffer(7 * 4);
  const s = new Int32Array(shared);
  const t0 = performance.now();
  let hangs = 0;
  let next = from;
  const end = from + count;
  const crashes: string[] = [];
  // Progress for long runs: a partial run still reports what it proved.
  const progress = setInterval(() => {
    const done = Atomics.load(s, DONE);
    console.log(`  … ${reader}: ${done} inputs, ${Atomics.load(s, CRASH)} crashes, ${hangs} hangs, ${Math.round(done / ((performance.now() - t0) / 1000))} inputs/s`);
  }, Number(arg('progress-s', '60')) * 1000);
  while (next < end) {
    Atomics.store(s, CUR, next);
    // Workers do not inherit tsx's loader for their entry file: register it, then load this file.
    const tsxApi = import.meta.resolve('tsx/esm/api');
    const boot = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(import.meta.url)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: { reader, seed, from: next, to: end, shared } satisfies Job });
    worker.on('message', (m: { crash: number; message: string }) => {
      if (crashes.length < 5) crashes.push(`  ${reader} input ${m.crash}: ${m.message}`);
    });
    const exited = new Promise<number>((res) => worker.once('exit', res));
    let lastCur = -1;
    let since = performance.now();
    let hungAt = -1;
    let finished = false;
    void exited.then(() => (finished = true));
    while (!finished) {
      await new Promise((r) => setTimeout(r, 200));
      const cur = Atomics.load(s, CUR);
      if (cur !== lastCur) {
        lastCur = cur;
        since = performance.now();
      } else if (!finished && performance.now() - since > hangMs) {
        hungAt = cur;
        await worker.terminate();
        break;
      }
    }
    await exited;
    if (hungAt >= 0) {
      hangs++;
      crashes.push(`  ${reader} input ${hungAt}: HANG (no answer within ${hangMs} ms)`);
      Atomics.add(s, DONE, 1);
      next = hungAt + 1;
    } else {
      next = end;
    }
  }
  clearInterval(progress);
  for (const c of crashes) console.error(c);
  return {
    reader,
    inputs: Atomics.load(s, DONE),
    read: Atomics.load(s, READ),
    refused: Atomics.load(s, REFUSED),
    crashes: Atomics.load(s, CRASH),
    hangs,
    slowestMs: Atomics.load(s, SLOW_MS),
    slowestAt: Atomics.load(s, SLOW_AT),
    seconds: (performance.now() - t0) / 1000,
  };
}

async function main(): Promise<void> {
  const inputs = Number(arg('inputs', '1000000'));
  const seed = Number(arg('seed', '1'));
  const from = Number(arg('from', '0'));
  const hangMs = Number(arg('hang-ms', '5000'));
  const parallel = Math.max(1, Number(arg('parallel', '1')));
  const readers = arg('readers', fuzzReaders().map((r) => r.name).join(',')).split(',');
  console.log(`reader fuzz: ${inputs} inputs per reader from index ${from}, seed ${seed}, hang bound ${hangMs} ms, ${parallel} worker(s)`);
  const queue = [...readers];
  const results: ReaderResult[] = [];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const res = await runReader(r, seed, from, inputs, hangMs);
        results.push(res);
        console.log(
          `${res.reader.padEnd(16)} inputs ${res.inputs}  read ${res.read}  refused ${res.refused}  crashes ${res.crashes}  hangs ${res.hangs}  ` +
            `slowest ${res.slowestMs} ms (input ${res.slowestAt})  ${Math.round(res.inputs / res.seconds)} inputs/s  ${res.seconds.toFixed(0)} s`,
        );
      }
    }),
  );
  const bad = results.reduce((a, r) => a + r.crashes + r.hangs, 0);
  const total = results.reduce((a, r) => a + r.inputs, 0);
  console.log(`total: ${total} inputs, ${bad} crashes+hangs`);
  process.exitCode = bad ? 1 : 0;
}

if (isMainThread) await main();
else await work(workerData as Job);
