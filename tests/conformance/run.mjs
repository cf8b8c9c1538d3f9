#!/usr/bin/env node
// `npm run test:conformance`: rebuilds the backend single executable when it is missing or older
// than its sources, then runs the Go conformance harness once per SDK-version module (Grafana
// 11.0.x's grafana-plugin-sdk-go and the newest). Prints failures, skip reasons ("not supported
// yet" answers) and a closing "N passed, N failed, N skipped" line; exits non-zero on any failure.
//   FLOWLENS_BACKEND_BIN=path   drive another executable (e.g. scripts/dev-backend.sh); no build
//   CONFORMANCE_MODULES=sdk-g11 run only these modules (comma-separated)
//   --build-only                only rebuild the executable when stale (bench/backend/querydata.sh)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const exe = join(root, 'dist', 'gpx_flowlens_linux_amd64');
const MODULES = ['sdk-g11', 'sdk-latest'];
// the lock scripts/dev-backend.sh takes: a dev launcher and this build must not write build/backend at once
const LOCK = join(root, 'build', 'backend', '.build.lock');
mkdirSync(dirname(LOCK), { recursive: true });
const SOURCES = ['src/backend', 'src/query', 'src/engine', 'src/sources', 'proto', 'scripts/build-backend.mjs', 'package-lock.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function ensureBackend() {
  if (process.env.FLOWLENS_BACKEND_BIN) return;
  const built = existsSync(exe) ? statSync(exe).mtimeMs : 0;
  const sources = Math.max(...SOURCES.map((p) => newestMtime(join(root, p))));
  if (built >= sources) return;
  console.log(`conformance: ${built ? 'rebuilding the stale' : 'building the'} backend executable (npm run build:backend)`);
  const r = spawnSync('flock', [LOCK, 'npm', 'run', '--silent', 'build:backend'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error('conformance: npm run build:backend failed');
    process.exit(1);
  }
}

/** Runs `go test -json` in one module; returns leaf-test counts and prints what matters. */
function runModule(mod) {
  const env = { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=mod`.trim() };
  const r = spawnSync('go', ['test', '-count=1', '-json', './...'], { cwd: join(here, mod), env, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) {
    console.error(`conformance: cannot run go (${r.error.message}); install Go >= 1.22 to run the harness`);
    process.exit(1);
  }
  const outputs = new Map();
  const results = new Map();
  const loose = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    let ev;
    try {
      ev = JSON.parse(line);
    } catch {
      loose.push(line);
      continue;
    }
    const key = ev.Test ?? '';
    if (ev.Action === 'output') outputs.set(key, (outputs.get(key) ?? '') + ev.Output);
    if (key && (ev.Action === 'pass' || ev.Action === 'fail' || ev.Action === 'skip')) results.set(key, ev.Action);
    if (!key && ev.Action === 'fail') results.set(`(package ${ev.Package})`, 'fail');
  }
  // Only leaves count: a parent passes or fails with its subtests.
  const names = [...results.keys()];
  const leaves = names.filter((n) => !names.some((m) => m.startsWith(`${n}/`)));
  const count = { passed: 0, failed: 0, skipped: 0 };
  for (const n of leaves) {
    const a = results.get(n);
    // The latency benchmark shares the test binary but is not a test.
    if (a === 'skip' && /FLOWLENS_BENCH/.test(outputs.get(n) ?? '')) continue;
    if (a === 'pass') count.passed++;
    else if (a === 'fail') count.failed++;
    else count.skipped++;
    if (a === 'fail') {
      console.log(`--- FAIL ${mod} ${n}\n${(outputs.get(n) ?? outputs.get('') ?? '').trimEnd()}`);
    } else if (a === 'skip') {
      const why = (outputs.get(n) ?? '').split('\n').find((l) => /\.go:\d+:/.test(l)) ?? '';
      console.log(`--- SKIP ${mod} ${n}: ${why.trim()}`);
    }
  }
  for (const l of (outputs.get('') ?? '').split('\n')) if (/^(ok|FAIL)\s/.test(l)) console.log(`${mod}: ${l.trim()}`);
  const libs = [...(outputs.get('TestConformance') ?? '').matchAll(/using (\S+) (\S+)/g)].map((m) => `${m[1].replace(/^github\.com\/|^google\.golang\.org\//, '')} ${m[2]}`);
  if (libs.length) console.log(`${mod}: built with ${[...new Set(libs)].join(', ')}`);
  if (loose.length) console.log(loose.join('\n'));
  if (r.stderr.trim()) console.error(r.stderr.trimEnd());
  if (r.status !== 0 && count.failed === 0) count.failed = 1; // build errors and the like
  return count;
}

/**
 * A private copy of the executable, taken under the build lock: other engineers rebuild dist/
 * while the suite runs, and a binary replaced mid-run fails starts that have nothing to do with
 * the protocol.
 */
function snapshotBackend() {
  if (process.env.FLOWLENS_BACKEND_BIN) return;
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-conformance-'));
  const copy = join(dir, 'gpx_flowlens_linux_amd64');
  const r = spawnSync('flock', [LOCK, 'cp', exe, copy], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`conformance: cannot copy ${exe}`);
    process.exit(1);
  }
  process.env.FLOWLENS_BACKEND_BIN = copy;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}

ensureBackend();
if (process.argv.includes('--build-only')) process.exit(0);
snapshotBackend();
const only = (process.env.CONFORMANCE_MODULES ?? '').split(',').filter(Boolean);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const mod of MODULES.filter((m) => !only.length || only.includes(m))) {
  const c = runModule(mod);
  console.log(`${mod}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  for (const k of Object.keys(total)) total[k] += c[k];
}
console.log(`conformance: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed ? 1 : 0);
