/**
 * A 1,000,000-row `flows` answer through the real backend and gRPC: the frame encodes, crosses the
 * wire and decodes to exactly the rows asked for. Prints the wall time, the Arrow bytes and the
 * backend's peak RSS (VmHWM). Not part of npm test (it writes ~80 MB and takes tens of seconds).
 *
 *   node --import tsx bench/limits/bigFrame.ts [rows]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import type { Message } from '../../src/backend/grafana/protocol.js';
import { DEFAULT_START, generateText } from '../../src/sources/synthetic/index.js';
import { dataQuery, pluginContext, startBackend } from '../../tests/backend/helpers/plugin.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);

function peakRssKb(rootPid: number): number {
  let best = 0;
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone
    }
  }
  const walk = (p: number): void => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) best = Math.max(best, Number(m[1]));
    } catch {
      // gone
    }
    for (const k of kids.get(p) ?? []) walk(k);
  };
  walk(rootPid);
  return best;
}

const root = mkdtempSync(join(tmpdir(), 'flowlens-bigframe-'));
try {
  const t0 = performance.now();
  writeFileSync(join(root, 'flows.csv'), generateText({ format: 'seed', flows: ROWS + 1000, seed: 9, bots: 2, duration: 86400 }));
  console.log(`generated ${ROWS + 1000} flows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const backend = await startBackend();
  try {
    const ctx = pluginContext({ store: 'file', file: { root } }, { uid: 'big' });
    const from = DEFAULT_START * 1000;
    const to = (DEFAULT_START + 86400 + 3600) * 1000;
    const t1 = performance.now();
    const r = await backend.unary('pluginv2.Data', 'QueryData', { pluginContext: ctx, queries: [dataQuery('A', { queryType: 'flows', limit: ROWS }, from, to)] }, { deadlineMs: 600_000 });
    const ms = performance.now() - t1;
    const a = (r.responses as Record<string, Message>).A!;
    if (a.error) throw new Error(`query failed: ${String(a.error)}`);
    const frames = a.frames as Buffer[];
    const bytes = frames.reduce((s, f) => s + f.length, 0);
    const rows = frames.reduce((s, f) => s + tableFromIPC(f).numRows, 0);
    console.log(`flows query, limit ${ROWS}: ${rows} rows in ${frames.length} frame(s), ${(bytes / 1e6).toFixed(1)} MB Arrow, ${(ms / 1000).toFixed(2)} s (cold: includes parsing the file)`);
    console.log(`backend peak RSS (VmHWM): ${(peakRssKb(backend.proc.pid!) / 1024).toFixed(0)} MiB`);
    if (rows !== ROWS) {
      console.error(`expected ${ROWS} rows`);
      process.exitCode = 1;
    }
  } finally {
    backend.kill();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
