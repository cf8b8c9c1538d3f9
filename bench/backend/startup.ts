/**
 * Spawn → handshake line (target ≤ 200 ms) for the single executable and for the bundle run by
 * node, against the floor measured in the same run: a node process that prints one line.
 * Run: npm run build:backend && node --import tsx bench/backend/startup.ts [runs]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const RUNS = Number(process.argv[2] ?? 15);
const REPO = join(import.meta.dirname, '..', '..');
const SEA = join(REPO, 'dist', 'gpx_flowlens_linux_amd64');
const BUNDLE = join(REPO, 'build', 'backend', 'main.cjs');
const ENV = { grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '2' };

function once(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) {
        const ms = performance.now() - t;
        // SIGTERM, as Grafana stops a plugin: it removes its socket folder (SIGKILL left one per run)
        p.kill('SIGTERM');
        p.once('exit', () => resolve(ms));
      }
    });
    p.on('error', reject);
  });
}

async function measure(label: string, cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  const times: number[] = [];
  await once(cmd, args, env); // warm the page cache
  for (let i = 0; i < RUNS; i++) times.push(await once(cmd, args, env));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${label.padEnd(52)} median ${median.toFixed(0).padStart(4)} ms  min ${times[0]!.toFixed(0).padStart(4)} ms  max ${times[times.length - 1]!.toFixed(0).padStart(4)} ms`);
  return median;
}

console.log(`spawn → first stdout line, ${RUNS} runs each`);
const floor = await measure('floor: node -e "console.log(1)"', process.execPath, ['-e', 'console.log(1)'], { PATH: process.env.PATH ?? '' });
if (existsSync(BUNDLE)) await measure('bundle: node build/backend/main.cjs', process.execPath, [BUNDLE], ENV);
if (existsSync(SEA)) {
  const sea = await measure('single executable under env -i (no PATH)', SEA, [], ENV);
  console.log(`ratio executable/floor: ${(sea / floor).toFixed(2)}x; target ≤ 200 ms: ${sea <= 200 ? 'met' : 'MISSED'}`);
} else {
  console.log('dist/gpx_flowlens_linux_amd64 is missing: run `npm run build:backend` first');
}
