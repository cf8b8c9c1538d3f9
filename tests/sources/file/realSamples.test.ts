/**
 * The readers on the real CTU-13 and seed rows in FLOWLENS_SHARED_DATA. Expected counts come from
 * the data README and from plain text processing of the files in the test, not from our output.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_PORT, type FlowTable } from '../../../src/engine/flowTable.js';
import { readFlowFileAll } from '../../../src/sources/file/index.js';

const dataDir = process.env.FLOWLENS_SHARED_DATA ?? (existsSync('/work/shared/data') ? '/work/shared/data' : '');
const skip = dataDir && existsSync(dataDir) ? false : 'FLOWLENS_SHARED_DATA not set and /work/shared/data absent: real-data reader tests skipped';
const file = (name: string): string => join(dataDir, name);

function sourceCount(t: FlowTable, ip: string): number {
  const code = t.dicts.ip.lookup(ip);
  let n = 0;
  for (let i = 0; i < t.length; i++) if (t.srcIp[i] === code) n++;
  return n;
}

/** Data lines of a binetflow file with a port field above 65535, and which of them are ESP (the SPI Argus writes there). */
function oversizedPortLines(text: string): { all: number[]; esp: number[] } {
  const all: number[] = [];
  const esp: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (i === 0 || line === '') return;
    const f = line.split(',');
    const bad = [f[4]!, f[7]!].some((p) => p !== '' && Number(p.startsWith('0x') ? parseInt(p, 16) : p) > 65535);
    if (!bad) return;
    all.push(i + 1);
    if (f[2] === 'esp') esp.push(i + 1);
  });
  return { all, esp };
}

test('binetflow slice_2_1: every data line is a flow or a counted skip, ESP flows kept, and host counts match the README', { skip }, async () => {
  const path = file('capture20110816.binetflow.slice_2_1');
  const text = readFileSync(path, 'utf8');
  const dataLines = text.split('\n').filter((l) => l !== '').length - 1;
  const { all, esp } = oversizedPortLines(text);
  // the file's two lines of that kind are an ESP tunnel (lines 11771-11772), written with its SPI in the port field
  assert.deepEqual(esp, [11771, 11772]);
  const { table, stats } = await readFlowFileAll(path);
  assert.equal(stats.format, 'binetflow');
  assert.equal(stats.nonDataLines, 1);
  const skipped = all.filter((l) => !esp.includes(l));
  assert.equal(table.length, dataLines - skipped.length);
  assert.deepEqual(stats.skipped, skipped.length ? { 'bad-port': { count: skipped.length, firstLines: skipped.slice(0, 10) } } : {});
  assert.equal(sourceCount(table, '147.32.84.165'), 187);
  assert.equal(sourceCount(table, '147.32.84.170'), 129);
  assert.equal(sourceCount(table, '147.32.84.164'), 26);
  assert.equal(sourceCount(table, '147.32.84.134'), 6);
  // the host the tunnel comes from keeps all its flows (a skipped one shifted its HMM windows)
  assert.equal(sourceCount(table, '147.32.85.33'), text.split('\n').filter((l) => l.split(',')[3] === '147.32.85.33').length);
});

test('binetflow slice_1_1 keeps the first data line and reads all 21,971 flows', { skip }, async () => {
  const path = file('capture20110816.binetflow.slice_1_1');
  const { table, stats } = await readFlowFileAll(path);
  assert.equal(stats.flows, 21971);
  assert.equal(stats.lines, 21972);
  const first = readFileSync(path, 'utf8').split('\n')[1]!.split(',');
  const [date, time] = first[0]!.split(' ');
  const [y, mo, d] = date!.split('/').map(Number);
  const [h, mi, s] = time!.split(':');
  const expected = Date.UTC(y!, mo! - 1, d!, Number(h), Number(mi)) / 1000 + Number(s);
  assert.ok(Math.abs(table.ts[0]! - expected) < 1e-6);
  assert.equal(table.dicts.ip.value(table.srcIp[0]!), first[3]);
  assert.equal(sourceCount(table, '147.32.84.165'), 2);
});

test('binetflow slice_3_1 host counts match the README', { skip }, async () => {
  const { table } = await readFlowFileAll(file('capture20110816.binetflow.slice_3_1'));
  assert.equal(sourceCount(table, '147.32.84.165'), 189);
  assert.equal(sourceCount(table, '147.32.84.170'), 129);
  assert.equal(sourceCount(table, '147.32.84.164'), 6);
  assert.equal(sourceCount(table, '147.32.84.134'), 81);
});

test('binetflow hex ICMP ports are numbers and ARP flows have no port', { skip }, async () => {
  const path = file('capture20110816.binetflow.slice_2_1');
  const { table } = await readFlowFileAll(path);
  const icmp = table.dicts.proto.lookup('icmp');
  const arp = table.dicts.proto.lookup('arp');
  assert.notEqual(icmp, undefined);
  assert.notEqual(arp, undefined);
  let sawHex = false;
  for (let i = 0; i < table.length; i++) {
    if (table.proto[i] === arp) {
      assert.equal(table.srcPort[i], NO_PORT);
      assert.equal(table.dstPort[i], NO_PORT);
    }
    if (table.proto[i] === icmp && table.srcPort[i] === 0x0a03) sawHex = true;
  }
  assert.ok(sawHex, 'the 0x0a03 ICMP port of slice_2_1 is read as 2563');
});

test('binetflow dstBytes is TotBytes minus SrcBytes and labels are kept', { skip }, async () => {
  const path = file('capture20110816.binetflow.demo_sliced');
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const { table, stats } = await readFlowFileAll(path);
  assert.equal(stats.flows, 29);
  lines.slice(1).forEach((l, i) => {
    const f = l.split(',');
    assert.equal(table.bytes![i], Number(f[12]));
    assert.equal(table.srcBytes![i], Number(f[13]));
    assert.equal(table.dstBytes![i], Number(f[12]) - Number(f[13]));
    assert.equal(table.packets![i], Number(f[11]));
    assert.equal(table.dicts.label.value(table.label![i]!), f[14]);
  });
});

test('seed rows: 78 flows, bytes split into src_tx and dst_tx', { skip }, async () => {
  const path = file('seed000_rows_reconstructed.csv');
  const rows = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split(','));
  const { table, stats } = await readFlowFileAll(path);
  assert.equal(stats.format, 'seed');
  assert.equal(stats.flows, 78);
  assert.equal(table.bytes, null);
  rows.forEach((f, i) => {
    assert.equal(table.srcBytes![i], Number(f[7]));
    assert.equal(table.dstBytes![i], Number(f[8]));
    assert.equal(table.dicts.state.value(table.state![i]!), f[2]);
    assert.equal(table.ts[i], Date.parse(`${f[0]!.replace(' ', 'T')}Z`) / 1000);
  });
});
