/**
 * Reader throughput: 1 M generated seed-format flows (and 1 M binetflow flows) read from a file
 * by `readFlowFileAll`, against pandas `read_csv` of the same file in the same run.
 * Run: npx tsx bench/readers/parse.ts [flows]   (not part of npm test)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFlowFile, readFlowFileAll } from '../../src/sources/file/index.js';
import { generateFlows, type GeneratedFormat } from '../../src/sources/synthetic/index.js';

const flows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-'));

function pandasSeconds(path: string, format: GeneratedFormat): number | null {
  const read =
    format === 'seed'
      ? `pd.read_csv(p, header=None, names=['ts','ip_protocol','state','src_ip','src_port','dst_ip','dst_port','src_tx','dst_tx'], parse_dates=['ts'])`
      : `pd.read_csv(p, parse_dates=['StartTime'], date_format='%Y/%m/%d %H:%M:%S.%f')`;
  const code = `import time, pandas as pd\np=${JSON.stringify(path)}\nt=time.perf_counter()\ndf=${read}\nprint(time.perf_counter()-t, len(df))`;
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return Number(r.stdout.trim().split(/\s+/)[0]);
}

try {
  for (const format of ['seed', 'binetflow'] as const) {
    const path = join(dir, `flows.${format}`);
    const fd = openSync(path, 'w');
    let batch: string[] = [];
    for (const line of generateFlows({ format, flows, seed: 1, duration: 3600, bots: format === 'seed' ? 0 : 3 })) {
      batch.push(line);
      if (batch.length === 10000) {
        writeSync(fd, `${batch.join('\n')}\n`);
        batch = [];
      }
    }
    writeSync(fd, batch.length ? `${batch.join('\n')}\n` : '');
    closeSync(fd);
    // Streamed in bounded chunks as `flowlens features` reads it. One warm-up read, then the
    // median of three: the steady state a long-running backend sees. CPU time is printed too
    // because wall time on a shared machine includes other processes.
    const once = async (): Promise<{ n: number; wall: number; cpu: number }> => {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      let n = 0;
      for await (const chunk of readFlowFile(path).chunks) n += chunk.length;
      const c = process.cpuUsage(c0);
      return { n, wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
    };
    await once();
    const runs = [await once(), await once(), await once()].sort((a, b) => a.wall - b.wall);
    const { n, wall: secs, cpu } = runs[1]!;
    const { stats } = await readFlowFileAll(path);
    const table = { length: n };
    const skipped = Object.values(stats.skipped).reduce((a, r) => a + r.count, 0);
    const rate = n / secs;
    const pd = pandasSeconds(path, format);
    const pdRate = pd === null ? null : flows / pd;
    console.log(
      `${format.padEnd(10)} ${table.length} flows (${skipped} skipped) in ${secs.toFixed(3)} s = ${(rate / 1e6).toFixed(2)} M flows/s (CPU ${cpu.toFixed(3)} s = ${(n / cpu / 1e6).toFixed(2)} M flows/s)` +
        (pdRate === null ? '  (pandas not available)' : `; pandas read_csv ${(pdRate / 1e6).toFixed(2)} M flows/s; ratio ${(rate / pdRate).toFixed(1)}x`),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
