/**
 * ClickHouse benchmark: N generated flows (default 10 M, `flowlens generate`'s traffic model) over
 * one hour in a local ClickHouse table; features for that hour at 10 s windows, timed three ways
 * in one run:
 *   (a) push-down: ClickHouseStore.windowAggregates + feature computation (what the plugin does),
 *   (b) pulling every raw flow into the engine (store.flows → aggregateWindows → features),
 *   (c) the bare aggregation SQL of (a) in clickhouse-client (same two queries, run in parallel,
 *       output to /dev/null) — the floor for any client. On servers with query parameters the
 *       captured SQL has `{pN:Type}` placeholders; their values go along as `--param_pN=…`.
 *   (c0) clickhouse-client's own start-up: two `SELECT 1` spawned in parallel, the same way, in
 *       every round. (c) includes it (40–70 ms per spawn here), (a) pays nothing like it, so the
 *       ratio is printed raw and with (c0) subtracted from (c).
 * for three feature sets (all 107, the seed's 56, the default 6: push-down computes only the group
 * sizes a set reads; pulling fetches once per run, then runs each set's features in process).
 * Each of R rounds (default 5) times every way once, so the machine's drift over minutes falls on all
 * of them alike. Prints medians and the ratios push-down / bare SQL (target ≤ 1.5) and pull /
 * push-down (≥ 5).
 *
 * Needs a server: eval "$(tests/services/clickhouse.sh start)". The table is kept between runs
 * (reloaded only when its row count differs); --reload forces it.
 *
 * Run: npx tsx bench/clickhouse/run.ts [--flows N] [--runs R] [--reload] [--skip-pull]
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createClient, ClickHouseLogLevel } from '@clickhouse/client';
import { aggregateWindows, WindowAggregator } from '../../src/engine/features/aggregate.js';
import { computeFeatures, FeaturePlan } from '../../src/engine/features/compute.js';
import { ALL_FEATURES, DEFAULT_FEATURES, SEED_FEATURES } from '../../src/query/featureCatalog.js';
import { DEFAULT_CLICKHOUSE_SETTINGS } from '../../src/query/settings.js';
import type { BoundSql, ParamValue } from '../../src/sources/clickhouse/binder.js';
import { ClickHouseStore } from '../../src/sources/clickhouse/store.js';
import { traffic } from '../../src/sources/synthetic/traffic.js';

const { values } = parseArgs({ options: { flows: { type: 'string' }, runs: { type: 'string' }, reload: { type: 'boolean' }, 'skip-pull': { type: 'boolean' } } });
const flows = Number(values.flows ?? 10_000_000);
const runs = Number(values.runs ?? 5);
const url = process.env.FLOWLENS_CLICKHOUSE_URL;
const tcpPort = process.env.FLOWLENS_CLICKHOUSE_TCP_PORT ?? '9000';
if (!url) {
  console.error('FLOWLENS_CLICKHOUSE_URL is not set: eval "$(tests/services/clickhouse.sh start)" first');
  process.exit(2);
}
const START = 1_313_488_800; // 2011-08-16T10:00:00Z, the generator's default
const HOUR = 3600;
const DB = 'flowlens_bench';
const TABLE = `flows_${flows}`;

const admin = createClient({ url, username: 'default', password: '', log: { level: ClickHouseLogLevel.OFF }, request_timeout: 3_600_000 });

async function rowCount(): Promise<number> {
  const rs = await admin.query({ query: `SELECT count() AS n FROM system.tables WHERE database = '${DB}' AND name = '${TABLE}'`, format: 'JSONEachRow' });
  if (Number((await rs.json<{ n: string }>())[0]!.n) === 0) return -1;
  const c = await admin.query({ query: `SELECT count() AS n FROM ${DB}.${TABLE}`, format: 'JSONEachRow' });
  return Number((await c.json<{ n: string }>())[0]!.n);
}

function* tsvLines(): Generator<string> {
  let buf = '';
  let n = 0;
  for (const r of traffic({ flows, seed: 42, start: START, duration: HOUR, bots: 3 })) {
    const portless = r.proto === 'icmp' || r.proto === 'arp';
    const port = (p: number): string => (portless || p < 0 ? '\\N' : String(p));
    buf += `${r.ts}\t${r.src}\t${r.dst}\t${port(r.sport)}\t${port(r.dport)}\t${r.proto}\t${r.seedState}\t${r.srcBytes}\t${r.dstBytes}\n`;
    if (++n % 50_000 === 0) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

async function load(): Promise<void> {
  const have = await rowCount();
  if (have === flows && !values.reload) {
    console.log(`table ${DB}.${TABLE} already holds ${flows} flows`);
    return;
  }
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${DB}` });
  await admin.command({ query: `DROP TABLE IF EXISTS ${DB}.${TABLE}` });
  await admin.command({
    query: `CREATE TABLE ${DB}.${TABLE} (ts Float64, src_ip String, dst_ip String, src_port Nullable(UInt16), dst_port Nullable(UInt16), proto String, state String, src_bytes UInt64, dst_bytes UInt64) ENGINE = MergeTree ORDER BY ts`,
  });
  const t0 = performance.now();
  await admin.insert({ table: `${DB}.${TABLE}`, values: Readable.from(tsvLines(), { objectMode: false }), format: 'TabSeparated' });
  await admin.command({ query: `OPTIMIZE TABLE ${DB}.${TABLE} FINAL` });
  console.log(`loaded ${flows} generated flows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Seconds of one call. */
async function seconds(go: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await go();
  return (performance.now() - t0) / 1000;
}

function report(label: string, xs: readonly number[]): number {
  const m = median(xs);
  console.log(`${label.padEnd(44)} ${m.toFixed(3)} s  (runs: ${xs.map((x) => x.toFixed(3)).join(', ')})`);
  return m;
}

/**
 * A parameter value as clickhouse-client's `--param_<name>` takes it: the server reads it in the
 * Escaped text format (as @clickhouse/client escapes `query_params`), so backslash, quote, tab and
 * line breaks are escaped; numbers are written as JavaScript prints them (the binder only makes
 * finite ones). Passed as one argv element each, never through a shell.
 */
function paramArgs(params: Readonly<Record<string, ParamValue>>): string[] {
  const escapes: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  return Object.entries(params).map(([name, value]) => {
    if (!/^p\d+$/.test(name)) throw new Error(`unexpected parameter name ${name}`);
    const text = typeof value === 'number' ? String(value) : value.replace(/[\\'\t\n\r]/g, (c) => escapes[c]!);
    return `--param_${name}=${text}`;
  });
}

function clickhouseClient(sql: BoundSql): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('clickhouse-client', ['--port', tcpPort, ...paramArgs(sql.params), '--query', `${sql.text} FORMAT TabSeparated`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`clickhouse-client failed: ${err}`))));
  });
}

async function main(): Promise<void> {
  await load();
  const sent: BoundSql[] = [];
  const store = new ClickHouseStore({ ...DEFAULT_CLICKHOUSE_SETTINGS, url: url!, user: 'default', database: DB, table: TABLE, preset: 'generic', columns: {}, queryTimeoutSeconds: 600 }, '', {
    onQuery: (sql) => sent.push(sql),
  });
  const caps = await store.serverCapabilities();
  console.log(`ClickHouse ${caps.version}; ${flows} flows over one hour; features at 10 s (${ALL_FEATURES.length} features, ${HOUR / 10} windows); median of ${runs} runs`);
  const range = { from: START, to: START + HOUR, windowSeconds: 10 };

  // Three feature sets: every feature (the distinct_* family needs the most server work), the
  // seed's 56, and the six a new panel shows. Push-down computes only the group sizes a set reads.
  const sets: [string, readonly string[]][] = [
    [`all ${ALL_FEATURES.length}`, ALL_FEATURES],
    [`seed ${SEED_FEATURES.length}`, SEED_FEATURES],
    [`default ${DEFAULT_FEATURES.length}`, DEFAULT_FEATURES],
  ];
  let windows = 0;
  // The machine's speed drifts over minutes, so each round times every way once, one after the
  // other, and the ratios compare medians over the same rounds.
  const pushRuns: number[][] = sets.map(() => []);
  const bareRuns: number[][] = sets.map(() => []);
  const startupRuns: number[] = [];
  const noop: BoundSql = { text: 'SELECT 1', params: {} };
  const fetchRuns: number[] = [];
  const engineRuns: number[][] = sets.map(() => []);
  const plans = sets.map(([, features]) => new FeaturePlan(features));
  for (let r = 0; r < runs; r++) {
    for (const [i, [, features]] of sets.entries()) {
      const plan = plans[i]!;
      pushRuns[i]!.push(
        await seconds(async () => {
          const aggs = await store.windowAggregates({ ...range, multisets: plan.multisets });
          windows = computeFeatures(aggs, features).time.length;
        }),
      );
      // the aggregation queries the push-down just sent (literal SQL on 18.16, placeholders and values otherwise)
      const aggregation = sent.filter((q) => /^SELECT (floor|toUInt8|kind, w,)/.test(q.text)).slice(-2);
      bareRuns[i]!.push(await seconds(() => Promise.all(aggregation.map(clickhouseClient))));
    }
    // the client's start-up, spawned as (c) spawns its two queries
    startupRuns.push(await seconds(() => Promise.all([noop, noop].map(clickhouseClient))));
    if (values['skip-pull']) continue;
    // Pulling: the raw flows once per round, then each set's in-process features on them.
    const fetchStart = performance.now();
    const table = await store.flows(range);
    fetchRuns.push((performance.now() - fetchStart) / 1000);
    sets.forEach(([, features], i) => {
      const t0 = performance.now();
      computeFeatures(aggregateWindows(table, 10, {}, new WindowAggregator(plans[i]!.aggregatorOptions())), features);
      engineRuns[i]!.push((performance.now() - t0) / 1000);
    });
  }
  const push = sets.map(([name], i) => report(`(a) push-down + features [${name}]`, pushRuns[i]!));
  const bare = sets.map(([name], i) => report(`(c) bare aggregation SQL [${name}]`, bareRuns[i]!));
  const startup = report('(c0) client start-up (2 x SELECT 1)', startupRuns);
  const pull: number[] = sets.map(() => 0);
  if (!values['skip-pull']) {
    const fetch = report('(b) pull raw flows', fetchRuns);
    sets.forEach(([name], i) => {
      pull[i] = fetch + median(engineRuns[i]!);
      console.log(`${`(b) + in-process features [${name}]`.padEnd(44)} ${pull[i]!.toFixed(3)} s`);
    });
  }
  const summaries = report('(a\') push-down of describe() (exact quantiles)', [await seconds(() => store.windowSummaries(range)), await seconds(() => store.windowSummaries(range)), await seconds(() => store.windowSummaries(range))]);
  console.log(`windows with flows: ${windows}`);
  sets.forEach(([name], i) => {
    const pullRatio = values['skip-pull'] ? '' : `   pull / push-down ${(pull[i]! / push[i]!).toFixed(1)}x (target >= 5)`;
    const net = bare[i]! - startup;
    const netRatio = net > 0 ? `${(push[i]! / net).toFixed(2)}x` : 'n/a (bare SQL not above start-up)';
    console.log(`[${name}] push-down / bare SQL ${(push[i]! / bare[i]!).toFixed(2)}x (target <= 1.5)${pullRatio}`);
    console.log(`[${name}] push-down / (bare SQL - client start-up) ${netRatio}`);
  });
  console.log(`describe push-down / histogram push-down [all]: ${(summaries / push[0]!).toFixed(2)}x`);
  await store.close();
  await admin.close();
}

await main();
