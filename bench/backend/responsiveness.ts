/**
 * Responsiveness benchmark: how long other requests wait while one big cold query runs. The real
 * backend (gRPC, as Grafana runs it) gets a features query over FILES hourly seed files of FLOWS
 * flows each (default 6 × 1 M, 485 MB); meanwhile a small query on another data source,
 * CheckHealth and CollectMetrics are sent every 100 ms. Prints the worst and median latency of
 * each against the same calls on an idle backend measured in the same run (the ratio is the
 * slowdown a dashboard or an alert evaluation sees), the big query's time and the backend's peak RSS.
 *
 * Run: npx tsx bench/backend/responsiveness.ts [--files 6] [--flows 1000000] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Message } from '../../src/backend/grafana/protocol.js';
import { dataQuery, pluginContext, startBackend } from '../../tests/backend/helpers/plugin.js';

const { values } = parseArgs({ options: { files: { type: 'string' }, flows: { type: 'string' }, keep: { type: 'boolean' } } });
const files = Number(values.files ?? 6);
const flows = Number(values.flows ?? 1_000_000);
const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'flowlens-responsiveness-'));
const T0 = 1_313_488_800; // 2011-08-16T10:00:00Z, the generator's default start

function generate(file: string, n: number, start: number, seed: number): void {
  const r = spawnSync(process.execPath, [join(root, 'bin/flowlens.cjs'), 'generate', '--format', 'seed', '--flows', String(n), '--seed', String(seed), '--start', String(start), '--duration', '3600', '-o', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
}

mkdirSync(join(work, 'big'));
mkdirSync(join(work, 'small'));
for (let h = 0; h < files; h++) generate(join(work, 'big', `flows-${h}.csv`), flows, T0 + h * 3600, h + 1);
generate(join(work, 'small', 'flows.csv'), 100_000, T0, 99);

const backend = await startBackend({ GF_PLUGIN_LOG_LEVEL: 'warn' });
const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${backend.proc.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const bigCtx = pluginContext({ store: 'file', file: { root: join(work, 'big') } }, { uid: 'big' });
const smallCtx = pluginContext({ store: 'file', file: { root: join(work, 'small') } }, { uid: 'small' });
const features = { queryType: 'features', windowSeconds: 10, features: ['num_entries', 'count_src_ip', 'count_dst_port'] };
const probes: Record<string, () => Promise<unknown>> = {
  'small query': () => backend.unary('pluginv2.Data', 'QueryData', { pluginContext: smallCtx, headers: {}, queries: [dataQuery('S', features, T0 * 1000, (T0 + 600) * 1000)] }),
  CheckHealth: () => backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: smallCtx }),
  CollectMetrics: () => backend.unary('pluginv2.Diagnostics', 'CollectMetrics', { pluginContext: smallCtx }),
};

/** Sends every probe at once, then again 100 ms later, while `busy()`; latencies per probe. */
async function probe(busy: () => boolean, rounds = Infinity): Promise<Record<string, number[]>> {
  const lat: Record<string, number[]> = Object.fromEntries(Object.keys(probes).map((k) => [k, []]));
  for (let k = 0; k < rounds && busy(); k++) {
    await Promise.all(
      Object.entries(probes).map(async ([name, call]) => {
        const t = performance.now();
        await call();
        lat[name]!.push(performance.now() - t);
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
  }
  return lat;
}

try {
  await probe(() => true, 3); // warm: the small data source's instance and cache
  const idle = await probe(() => true, 20);
  let running = true;
  let peak = rss();
  const rssTimer = setInterval(() => (peak = Math.max(peak, rss())), 50);
  const loaded = probe(() => running);
  const t0 = performance.now();
  const res = (await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: bigCtx, headers: {}, queries: [dataQuery('A', features, T0 * 1000, (T0 + files * 3600) * 1000)] })) as Message;
  const seconds = (performance.now() - t0) / 1000;
  running = false;
  const during = await loaded;
  clearInterval(rssTimer);
  const status = ((res.responses as Record<string, Message>).A as Message).status;
  const max = (xs: number[]): number => Math.max(...xs);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`big cold features query: ${files} files x ${flows} flows, ${seconds.toFixed(1)} s, status ${status}; backend peak RSS ${peak.toFixed(0)} MB`);
  for (const name of Object.keys(probes)) {
    const d = during[name]!;
    const i = idle[name]!;
    console.log(`${name.padEnd(15)} during: max ${max(d).toFixed(0)} ms, median ${median(d).toFixed(0)} ms (n=${d.length})   idle: max ${max(i).toFixed(0)} ms, median ${median(i).toFixed(0)} ms   worst / idle worst ${(max(d) / max(i)).toFixed(1)}x`);
  }
} finally {
  backend.kill();
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else console.log(`data kept in ${work}`);
}
