/**
 * One full backend session under attack, run the way Grafana runs it (go-plugin handshake, gRPC)
 * and traced with strace: every file the process opens, every byte it writes, every answer it gives.
 *  - secrets: a ClickHouse password from decryptedSecureJsonData never appears in stdout, stderr
 *    (the logs), any response, error, frame or the metrics text — also not base64-encoded;
 *  - confinement: with escaping symlinks, a FIFO, a link to /dev/zero and encoded names in the
 *    root, nothing outside the root is opened and no flow from outside reaches an answer;
 *  - resource routes: oversized, malformed and deeply nested bodies get 4xx answers, and the
 *    process keeps serving;
 *  - network: the only listening socket is the loopback/unix gRPC one from the handshake.
 */
import assert from 'node:assert/strict';
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { serviceDefinition, type Message } from '../../src/backend/grafana/protocol.js';
import { DEFAULT_START, generateText } from '../../src/sources/synthetic/index.js';
import { dataQuery, HOST_ENV, LAUNCHER, pluginContext } from '../backend/helpers/plugin.js';
import { GENERIC_DDL, generateRows } from '../sources/clickhouse/fixture.js';
import { adminClient, exec, PASSWORD, SERVER_URL, testDatabase, USER } from '../sources/clickhouse/server.js';

/**
 * Secrets to look for. The test ClickHouse (tests/services/clickhouse.sh) has one password user and
 * old servers have no CREATE USER, so the working password is the service's; the wrong one is ours.
 */
const SECRET = 'S3cr3t-Fl0wlens-7d41b09e';
const WRONG_SECRET = 'S3cr3t-Fl0wlens-wrong-5be2';
/** Flows only the outside file holds: any answer naming this host read outside the root. */
const OUTSIDE_HOST = '203.0.113.66';
const HAS_STRACE = existsSync('/usr/bin/strace');

interface Session {
  proc: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  unary(service: string, method: string, req: Message): Promise<Message>;
  resource(req: Message): Promise<Message[]>;
  close(): void;
  target: string;
}

async function startTraced(traceLog: string): Promise<Session> {
  // FLOWLENS_BACKEND_BIN runs the same session against the built executable (dist/gpx_flowlens_linux_amd64).
  const exe = process.env.FLOWLENS_BACKEND_BIN || LAUNCHER;
  const cmd = HAS_STRACE ? 'strace' : exe;
  const args = HAS_STRACE ? ['-f', '-qq', '-e', 'trace=open,openat,openat2,creat,truncate', '-o', traceLog, exe] : [];
  const proc = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...HOST_ENV }, stdio: 'pipe' });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const deadline = Date.now() + 60_000;
  while (!out.includes('\n')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`backend did not hand-shake: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const parts = out.slice(0, out.indexOf('\n')).split('|');
  const target = parts[2] === 'unix' ? `unix:${parts[3]}` : parts[3]!;
  const clients = new Map<string, Client>();
  const client = (service: string): Client => {
    let c = clients.get(service);
    if (!c) {
      const Ctor = makeGenericClientConstructor(serviceDefinition(service), service);
      c = new Ctor(target, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
      clients.set(service, c);
    }
    return c;
  };
  const call = (service: string, method: string): ((...a: unknown[]) => unknown) => {
    const c = client(service) as unknown as Record<string, (...a: unknown[]) => unknown>;
    return c[method]!.bind(c);
  };
  return {
    proc,
    target,
    stdout: () => out,
    stderr: () => err,
    unary: (service, method, req) =>
      new Promise((resolve, reject) => call(service, method)(req, new Metadata(), { deadline: Date.now() + 60_000 }, (e: ServiceError | null, r?: Message) => (e ? reject(e) : resolve(r!)))),
    resource: async (req) => {
      const msgs: Message[] = [];
      for await (const m of call('pluginv2.Resource', 'CallResource')(req) as AsyncIterable<Message>) msgs.push(m);
      return msgs;
    },
    close: () => {
      for (const c of clients.values()) c.close();
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/** The process and all its descendants (strace → sh → node). */
function descendants(pid: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const k of kids.get(p) ?? []) walk(k);
  };
  walk(pid);
  return out;
}

const everyText = (msgs: unknown): string => JSON.stringify(msgs, (_k, v: unknown) => (v instanceof Uint8Array || (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') ? Buffer.from(v as Uint8Array).toString('latin1') : v));

describe('a full backend session under attack', () => {
  let base: string;
  let root: string;
  let traceLog: string;
  let s: Session;
  let admin: ClickHouseClient | null = null;
  const db = testDatabase('security');
  const answers: unknown[] = [];
  const from = DEFAULT_START * 1000;
  const to = (DEFAULT_START + 3600) * 1000;

  before(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'flowlens-security-')));
    root = join(base, 'root');
    const outside = join(base, 'outside');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(root, 'flows.csv'), generateText({ format: 'seed', flows: 2000, seed: 3, bots: 1, normalHosts: 4 }));
    const outsideFlows = `2011-08-16 10:10:00,tcp,established,${OUTSIDE_HOST},1234,10.0.0.2,443,100,200\n`.repeat(50);
    writeFileSync(join(outside, 'secret-flows.csv'), outsideFlows);
    symlinkSync(join(outside, 'secret-flows.csv'), join(root, 'escape.csv'));
    symlinkSync(base, join(root, 'up'));
    symlinkSync('/dev/zero', join(root, 'zero.csv'));
    symlinkSync('../../outside/secret-flows.csv', join(root, 'sub', 'relative-escape.csv'));
    writeFileSync(join(root, '..%2f..%2foutside%2fsecret-flows.csv'), 'not,flows\n');
    writeFileSync(join(root, '.hidden.csv'), outsideFlows);
    execFileSync('mkfifo', [join(root, 'pipe.csv')]);
    traceLog = join(base, 'strace.log');
    s = await startTraced(traceLog);
    if (SERVER_URL) {
      admin = adminClient();
      await exec(admin, `CREATE DATABASE ${db}`);
      await exec(admin, `CREATE TABLE ${db}.flows ${GENERIC_DDL} ENGINE = MergeTree ORDER BY ts`);
      await admin.insert({ table: `${db}.flows`, values: generateRows(500, DEFAULT_START, 3600), format: 'JSONEachRow' });
    }
  });

  after(async () => {
    s?.close();
    if (admin) {
      await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
      await admin.close();
    }
    rmSync(base, { recursive: true, force: true });
  });

  const fileCtx = (): Message => pluginContext({ store: 'file', file: { root } }, { uid: 'sec-file', secrets: { clickhousePassword: SECRET } });
  const chCtx = (uid: string, password: string): Message =>
    pluginContext({ store: 'clickhouse', clickhouse: { url: SERVER_URL || 'http://127.0.0.1:9', user: USER, database: db, table: 'flows', queryTimeoutSeconds: 5, connectTimeoutSeconds: 2 } }, { uid, secrets: { clickhousePassword: password } });

  const MODELS: Record<string, unknown>[] = [
    { queryType: 'features', windowSeconds: 60, features: ['num_entries', 'count_dst_port'] },
    { queryType: 'flows', limit: 100000 },
    { queryType: 'hosts', role: 'any', limit: 100000 },
    { queryType: 'hostScores', profile: { hosts: ['147.32.84.165'] }, output: 'table' },
    { queryType: 'features', windowSeconds: 60, features: ['num_entries'], filter: { srcCidrs: ["10.0.0.0/8' OR 1=1 --"] } },
  ];

  it('runs every query type, health, metrics and resource calls on a file store and two ClickHouse data sources', async (t) => {
    for (const ctx of [fileCtx(), chCtx('sec-ch', PASSWORD || SECRET), chCtx('sec-ch-wrong', WRONG_SECRET)]) {
      answers.push(await s.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: ctx }));
      for (const m of MODELS) answers.push(await s.unary('pluginv2.Data', 'QueryData', { pluginContext: ctx, queries: [dataQuery('A', m, from, to)] }));
      answers.push(await s.resource({ pluginContext: ctx, path: 'hosts', method: 'GET', url: 'hosts' }));
      answers.push(await s.unary('pluginv2.Diagnostics', 'CollectMetrics', { pluginContext: ctx }));
    }
    const text = everyText(answers);
    assert.ok(text.length > 1000, 'the session produced answers');
    const health = answers.filter((a): a is Message => typeof a === 'object' && a !== null && 'status' in a && 'message' in a);
    for (const h of health) t.diagnostic(`health: status ${String(h.status)} ${String(h.message).slice(0, 120)}`);
    // The file store and the right password must both work, or this session proves less than it claims.
    assert.equal(health[0]!.status, 1, 'file store healthy');
    if (SERVER_URL) assert.equal(health[1]!.status, 1, 'ClickHouse with the secret password healthy');
  });

  it('never shows the password in stdout, stderr (logs), answers, errors, frames or metrics — plain or base64', () => {
    const outputs = { stdout: s.stdout(), stderr: s.stderr(), answers: everyText(answers) };
    for (const secret of [SECRET, WRONG_SECRET, ...(PASSWORD ? [PASSWORD] : [])]) {
      const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(`${USER}:${secret}`).toString('base64'), encodeURIComponent(secret)];
      for (const [name, text] of Object.entries(outputs)) {
        for (const f of forms) assert.ok(!text.includes(f), `${name} holds the secret (${f})`);
      }
    }
  });

  it('never opens anything outside the root, a FIFO or /dev/zero, and no flow from outside reaches an answer', { skip: HAS_STRACE ? false : 'strace is not installed' }, (t) => {
    assert.ok(!everyText(answers).includes(OUTSIDE_HOST), 'a flow from outside the root was answered');
    const opened = readFileSync(traceLog, 'utf8')
      .split('\n')
      .map((l) => /open(?:at2?)?\((?:AT_FDCWD|\d+), "([^"]*)"/.exec(l)?.[1] ?? /open\("([^"]*)"/.exec(l)?.[1])
      .filter((p): p is string => p !== undefined);
    const underBase = opened.filter((p) => p.startsWith(base));
    t.diagnostic(`${opened.length} opens traced, ${underBase.length} under the test folder: ${[...new Set(underBase.map((p) => p.slice(base.length)))].join(', ')}`);
    assert.ok(underBase.some((p) => p.startsWith(join(root, 'flows.csv'))), `the trace saw the real flow file opened: ${underBase.join(', ')}`);
    for (const p of underBase) {
      assert.ok(p === root || p.startsWith(root + '/'), `opened outside the root: ${p}`);
      assert.ok(!/escape|pipe\.csv|zero\.csv|\/up\/|\.hidden/.test(p), `opened a link, FIFO or hidden file: ${p}`);
    }
    assert.ok(!opened.includes('/dev/zero'), '/dev/zero was opened');
  });

  it('refuses oversized, malformed and deeply nested resource bodies with 4xx, and keeps serving', async () => {
    const ctx = fileCtx();
    const post = async (path: string, body: Buffer): Promise<number> => {
      const msgs = await s.resource({ pluginContext: ctx, path, method: 'POST', url: path, body });
      return Number(msgs[0]!.code);
    };
    const cases: [string, string, Buffer][] = [
      ['17 MiB body', 'profiles/import', Buffer.alloc(17 * 1024 * 1024, 0x20)],
      ['not JSON', 'profiles/import', Buffer.from('{"states": 4,')],
      ['binary', 'profiles/import', Buffer.from([0xff, 0xfe, 0, 1, 2])],
      ['100k-deep array', 'profiles/import', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000))],
      ['wrong shape', 'profiles/train', Buffer.from('{"profile": {"hosts": ["not an ip"], "states": 1e9}}')],
      ['prototype pollution', 'profiles/import', Buffer.from('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}')],
    ];
    for (const [name, path, body] of cases) {
      const code = await post(path, body);
      assert.ok(code >= 400 && code < 500, `${name}: expected 4xx, got ${code}`);
    }
    for (const path of ['profiles/..%2F..%2Fetc%2Fpasswd', 'profiles/%2e%2e', 'profiles/../../etc/passwd', '../../etc/passwd']) {
      const msgs = await s.resource({ pluginContext: ctx, path, method: 'GET', url: path });
      const code = Number(msgs[0]!.code);
      assert.ok(code === 400 || code === 404, `${path}: expected 400/404, got ${code}`);
    }
    const h = await s.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: ctx });
    assert.equal(h.status, 1, 'still healthy after the hostile bodies');
  });

  it('listens on nothing but its own loopback or unix gRPC socket', (t) => {
    const pids = new Set(descendants(s.proc.pid!));
    const listening = execFileSync('ss', ['-lntupxH'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => [...l.matchAll(/pid=(\d+)/g)].some((m) => pids.has(Number(m[1]))));
    assert.ok(listening.length >= 1, 'the gRPC socket is listed');
    t.diagnostic(`listening: ${listening.map((l) => l.replace(/\s+/g, ' ')).join(' | ')}`);
    const where = s.target.replace(/^unix:/, '');
    for (const l of listening) {
      const isOurs = l.includes(where);
      const loopback = /\s(127\.0\.0\.1|\[::1\]):\d+\s/.test(l);
      assert.ok(isOurs || loopback, `listening beyond loopback/gRPC: ${l}`);
      assert.ok(!/\s(0\.0\.0\.0|\*|\[::\]):\d+\s/.test(l), `listening on all interfaces: ${l}`);
    }
  });
});
