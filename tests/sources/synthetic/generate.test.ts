/**
 * The synthetic generator: deterministic for its options, readable back with zero skipped lines in
 * every format, and labelled consistently with the host roles it reports.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { readFlowBuffer } from '../../../src/sources/file/index.js';
import { GENERATED_FORMATS, generateTable, generateText, generatedHosts } from '../../../src/sources/synthetic/index.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

test('same options give identical bytes; a different seed gives different bytes', () => {
  for (const format of GENERATED_FORMATS) {
    const a = generateText({ format, flows: 3000, seed: 42, bots: 2 });
    const b = generateText({ format, flows: 3000, seed: 42, bots: 2 });
    const c = generateText({ format, flows: 3000, seed: 43, bots: 2 });
    assert.equal(sha(a), sha(b), format);
    assert.notEqual(sha(a), sha(c), format);
  }
});

test('every generated file reads back in its own format with zero skipped lines', async () => {
  for (const format of GENERATED_FORMATS) {
    const text = generateText({ format, flows: 5000, seed: 7, bots: 3 });
    const { table, stats } = await readFlowBuffer(text);
    assert.equal(stats.format, format);
    assert.equal(stats.flows, 5000);
    assert.deepEqual(stats.skipped, {});
    for (let i = 1; i < table.length; i++) assert.ok(table.ts[i]! >= table.ts[i - 1]!, 'flows are in time order');
  }
});

test('seed output covers all six states, DNS, web and NTP, IPv6 hosts and repeated 5-tuples', async () => {
  const { table } = await readFlowBuffer(generateText({ format: 'seed', flows: 20000, seed: 1 }));
  const states = new Set(Array.from(table.state!, (c) => table.dicts.state.value(c)));
  for (const s of ['closed', 'established', 'reset', 'new', 'closing', 'connecting']) assert.ok(states.has(s), s);
  const ports = new Set(table.dstPort);
  for (const p of [53, 80, 443, 123]) assert.ok(ports.has(p), String(p));
  assert.ok(table.dicts.ip.values.some((v) => v.includes(':')), 'IPv6 hosts');
  const tuples = new Map<string, number>();
  for (let i = 0; i < table.length; i++) {
    const k = `${table.srcIp[i]},${table.srcPort[i]},${table.dstIp[i]},${table.dstPort[i]},${table.proto[i]}`;
    tuples.set(k, (tuples.get(k) ?? 0) + 1);
  }
  assert.ok([...tuples.values()].some((n) => n >= 3), 'some connection is seen in several snapshots');
  // A port scan: one source probing at least 25 ports of one target within 5 seconds.
  const probes = new Map<string, { first: number; ports: Set<number> }>();
  let scanned = false;
  for (let i = 0; i < table.length && !scanned; i++) {
    const k = `${table.srcIp[i]}>${table.dstIp[i]}`;
    let p = probes.get(k);
    if (!p || table.ts[i]! - p.first > 5) probes.set(k, (p = { first: table.ts[i]!, ports: new Set() }));
    p.ports.add(table.dstPort[i]!);
    scanned = p.ports.size >= 25;
  }
  assert.ok(scanned, 'a port scan');
  // A burst: one client opening 15 or more connections within 2 seconds.
  let burst = false;
  const recent = new Map<number, number[]>();
  for (let i = 0; i < table.length && !burst; i++) {
    const src = table.srcIp[i]!;
    const ts = (recent.get(src) ?? []).filter((t) => table.ts[i]! - t <= 2);
    ts.push(table.ts[i]!);
    recent.set(src, ts);
    burst = ts.length >= 15;
  }
  assert.ok(burst, 'a burst of connections');
});

test('seed output is TCP and UDP with both ports on every row; binetflow keeps its port-less ICMP and ARP flows', () => {
  // The seed notebook reads both ports with int(): a port-less row is not seed traffic.
  const seedRows = generateText({ format: 'seed', flows: 20000, seed: 5, bots: 2 }).trim().split('\n').map((l) => l.split(','));
  assert.equal(seedRows.length, 20000);
  for (const f of seedRows) {
    assert.ok(f[1] === 'tcp' || f[1] === 'udp', `protocol ${f[1]}`);
    assert.match(f[4]!, /^\d+$/, 'src port');
    assert.match(f[6]!, /^\d+$/, 'dst port');
  }
  const argus = generateText({ format: 'binetflow', flows: 20000, seed: 5, bots: 2 });
  assert.match(argus, /,icmp,/);
  assert.match(argus, /,arp,/);
});

test('labels follow the reported host roles; bots beacon to C&C with a jittered period, scan and spam', () => {
  const opts = { format: 'binetflow' as const, flows: 30000, seed: 5, bots: 3, duration: 3600 };
  const hosts = generatedHosts(opts);
  assert.equal(hosts.bots.length, 3);
  const table = generateTable(opts);
  const label = (i: number): string => table.dicts.label.value(table.label![i]!);
  const ip = (c: number): string => table.dicts.ip.value(c);
  const beacons = new Map<string, number[]>();
  const spam = new Map<string, number>();
  for (let i = 0; i < table.length; i++) {
    const src = ip(table.srcIp[i]!);
    if (hosts.bots.includes(src)) {
      assert.match(label(i), /^flow=From-Botnet-/);
      if (table.dstPort[i] === 6667) beacons.set(src, [...(beacons.get(src) ?? []), table.ts[i]!]);
      if (table.dstPort[i] === 25) spam.set(src, (spam.get(src) ?? 0) + 1);
    } else if (hosts.normal.includes(src)) assert.match(label(i), /^flow=From-Normal-/);
    else assert.match(label(i), /^flow=Background/);
  }
  for (const bot of hosts.bots) {
    const ts = beacons.get(bot) ?? [];
    assert.ok(ts.length > 90, `${bot} beacons about every 30 s for an hour`);
    const gaps = ts.slice(1).map((t, k) => t - ts[k]!);
    assert.ok(gaps.every((g) => g > 20 && g < 40), 'period 30 s ± 10 %');
    assert.ok(new Set(gaps.map((g) => g.toFixed(3))).size > 10, 'the period is jittered');
    assert.ok((spam.get(bot) ?? 0) > 20, `${bot} sends spam bursts`);
  }
});

function sink(): { stream: Writable; text: () => string } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(parts).toString('utf8') };
}

test('flowlens generate writes the library output to stdout and rejects bad options with exit 2', async () => {
  const out = sink();
  const err = sink();
  const io = { stdout: out.stream, stderr: err.stream, env: {}, cwd: process.cwd() };
  const code = await main(['generate', '--format', 'netflow-labeled', '--flows', '500', '--seed', '9'], io);
  assert.equal(code, 0);
  assert.equal(out.text(), generateText({ format: 'netflow-labeled', flows: 500, seed: 9, bots: 3 }));
  assert.equal(await main(['generate', '--format', 'pcap', '--flows', '5', '--seed', '1'], io), 2);
  assert.equal(await main(['generate', '--format', 'seed', '--seed', '1'], io), 2);
  assert.match(err.text(), /--format must be one of seed, binetflow, netflow-labeled/);
});
