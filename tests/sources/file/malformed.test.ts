/**
 * Hand-made files in tests/fixtures/readers: every broken line is skipped under the reason its
 * first bad field gives, with its 1-based line number; nothing is dropped silently.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createDictionaries, NO_PORT } from '../../../src/engine/flowTable.js';
import { FlowFormatError, readFlowBuffer, readFlowFile, readFlowFileAll, type ReadStats } from '../../../src/sources/file/index.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures/readers', name);

const SEED_SKIPS = {
  'wrong-field-count': { count: 2, firstLines: [2, 11] },
  // the file ends inside line 20, before its newline (a cut copy, or a collector still writing)
  'unfinished-last-line': { count: 1, firstLines: [20] },
  'bad-ip': { count: 1, firstLines: [3] },
  'bad-port': { count: 2, firstLines: [5, 9] },
  'bad-timestamp': { count: 1, firstLines: [6] },
  'bad-number': { count: 1, firstLines: [10] },
  binary: { count: 1, firstLines: [12] },
};

function assertSeedMalformed(stats: ReadStats): void {
  assert.equal(stats.format, 'seed');
  assert.equal(stats.lines, 20);
  assert.equal(stats.flows, 10);
  assert.equal(stats.blankLines, 1);
  assert.deepEqual(stats.skipped, SEED_SKIPS);
  const skipped = Object.values(stats.skipped).reduce((a, r) => a + r.count, 0);
  assert.equal(stats.flows + skipped + stats.blankLines + stats.nonDataLines, stats.lines);
}

test('seed file with truncated lines, bad IP/port/timestamp/number and binary junk: exact counts per reason', async () => {
  const { table, stats } = await readFlowFileAll(fixture('seed-malformed.csv'));
  assertSeedMalformed(stats);
  assert.equal(table.length, 10);
  // Upper-case IPv6 is stored lower-case.
  assert.notEqual(table.dicts.ip.lookup('2001:db8::1'), undefined);
  assert.equal(table.dicts.ip.lookup('2001:DB8::1'), undefined);
});

test('the same file with CRLF line ends, a BOM, or gzip-compressed reads identically', async () => {
  const raw = readFileSync(fixture('seed-malformed.csv'));
  const crlf = Buffer.from(raw.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), raw]);
  const plain = await readFlowBuffer(raw);
  for (const variant of [crlf, bom, gzipSync(raw), gzipSync(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), crlf]))]) {
    const { table, stats } = await readFlowBuffer(variant);
    assert.deepEqual(stats.skipped, SEED_SKIPS);
    assert.equal(stats.flows, 10);
    assert.deepEqual(Array.from(table.ts), Array.from(plain.table.ts));
    assert.deepEqual(Array.from(table.srcBytes!), Array.from(plain.table.srcBytes!));
  }
});

test('a gzip file on disk is detected by its magic bytes, whatever its name', async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-gz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'flows.txt');
  writeFileSync(path, gzipSync(readFileSync(fixture('seed-malformed.csv'))));
  const { stats } = await readFlowFileAll(path);
  assertSeedMalformed(stats);
});

test('chunks are bounded by chunkRows and share one dictionary set', async () => {
  const dicts = createDictionaries();
  const reader = readFlowFile(fixture('seed-malformed.csv'), { chunkRows: 3, dicts });
  const sizes: number[] = [];
  for await (const chunk of reader.chunks) {
    assert.equal(chunk.dicts, dicts);
    sizes.push(chunk.length);
  }
  assert.deepEqual(sizes, [3, 3, 3, 1]);
  assert.equal(await reader.format, 'seed');
  assert.deepEqual(reader.stats().skipped, SEED_SKIPS);
});

test('with recycle, a chunk given back is refilled by a later one, and every chunk reads as without', async () => {
  // 120,000 lines (seven 1 MB pieces), chunks of 20,000 rows, larger than a piece as in real use
  // (65,536 rows, ~13 k lines per piece); each chunk's values are copied before the next is asked for
  const lines = Array.from({ length: 120000 }, (_, i) => `2011-08-16 10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},tcp,new,10.0.${(i >> 8) & 255}.${i & 255},${1000 + (i % 60000)},10.1.0.1,443,${i},${2 * i}`);
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-recycle-'));
  try {
    const file = join(dir, 'flows.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const rowsOf = async (recycle: boolean): Promise<{ rows: number[][]; arrays: Set<Float64Array> }> => {
      const arrays = new Set<Float64Array>();
      const rows: number[][] = [];
      for await (const c of readFlowFile(file, { chunkRows: 20000, recycle }).chunks) {
        arrays.add(c.ts);
        for (let i = 0; i < c.length; i++) rows.push([c.ts[i]!, c.srcIp[i]!, c.srcPort[i]!, c.dstPort[i]!, c.srcBytes![i]!, c.dstBytes![i]!]);
      }
      return { rows, arrays };
    };
    const plain = await rowsOf(false);
    const recycled = await rowsOf(true);
    assert.equal(plain.rows.length, 120000);
    assert.deepEqual(recycled.rows, plain.rows);
    assert.equal(plain.arrays.size, 6, 'without recycle every chunk has arrays of its own');
    // two sets of arrays take turns (one filled while the other is read)
    assert.equal(recycled.arrays.size, 2, `recycled chunks used ${recycled.arrays.size} distinct arrays`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty file has no flows and no skipped lines', async () => {
  const { table, stats } = await readFlowFileAll(fixture('empty.csv'));
  assert.equal(table.length, 0);
  assert.equal(stats.lines, 0);
  assert.deepEqual(stats.skipped, {});
});

test('a binetflow header without data is a binetflow file with no flows', async () => {
  const { table, stats } = await readFlowFileAll(fixture('header-only.binetflow'));
  assert.equal(stats.format, 'binetflow');
  assert.equal(table.length, 0);
  assert.equal(stats.lines, 1);
  assert.equal(stats.nonDataLines, 1);
  assert.deepEqual(stats.skipped, {});
});

test('binetflow: a 32-bit hex identifier in the port field is no port for ESP, and a bad port for TCP', async () => {
  const header = 'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label';
  const line = (proto: string, dport: string): string => `2011/08/16 10:12:44.069444,2905.06,${proto},147.32.85.33,,   ->,192.35.241.84,${dport},INT,0,,11903,2358690,2358690,flow=Background`;
  // four good lines keep the three bad ones under the garbage check's half
  const good = Array.from({ length: 4 }, () => line('tcp', '80'));
  const text = [header, line('esp', '0x2020597d'), line('tcp', '0x2020597d'), line('esp', '0x2020597dff'), line('esp', '70000'), ...good, ''].join('\n');
  const { table, stats } = await readFlowBuffer(Buffer.from(text));
  assert.equal(table.length, 5);
  assert.deepEqual([table.srcPort[0], table.dstPort[0]], [NO_PORT, NO_PORT]);
  assert.deepEqual(stats.skipped, { 'bad-port': { count: 3, firstLines: [3, 4, 5] } });
});

test('binetflow: extra columns, padded Dir, hex and empty ports, MAC and IPv6 addresses, and broken lines', async () => {
  const { table, stats } = await readFlowFileAll(fixture('extra-columns.binetflow'));
  assert.equal(stats.format, 'binetflow');
  assert.equal(stats.flows, 5);
  assert.deepEqual(stats.skipped, {
    'bad-port': { count: 1, firstLines: [6] },
    'bad-number': { count: 1, firstLines: [8] },
    'wrong-field-count': { count: 1, firstLines: [9] },
    'bad-ip': { count: 1, firstLines: [10] },
  });
  const ip = (i: number, col: 'srcIp' | 'dstIp'): string => table.dicts.ip.value(table[col][i]!);
  assert.deepEqual([table.srcPort[1], table.dstPort[1]], [-1, 0x0303]);
  assert.deepEqual([ip(2, 'srcIp'), ip(2, 'dstIp'), table.srcPort[2], table.dstPort[2]], ['00:1a:2b:3c:4d:5e', 'ff:ff:ff:ff:ff:ff', -1, -1]);
  assert.equal(ip(3, 'srcIp'), 'fe80::1');
  assert.equal(table.dicts.label.value(table.label![0]!), 'flow=To-Background-UDP-CVUT-DNS-Server');
  assert.equal(table.dstBytes![3], 4000);
  assert.equal(table.ts[4], Date.UTC(2011, 7, 16, 10, 10, 4) / 1000);
});

test('a file that is not flows gives one FlowFormatError naming the formats tried', async () => {
  await assert.rejects(readFlowFileAll(fixture('not-flows.bin')), (err: unknown) => {
    assert.ok(err instanceof FlowFormatError);
    for (const name of ['seed', 'netflow-labeled', 'binetflow', 'nfdump', 'generic CSV']) assert.match(err.message, new RegExp(name));
    return true;
  });
});

test('a file that is mostly garbage in a known format is a FlowFormatError, not a pile of skips', async () => {
  const good = '2017-01-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,21687,8999\n';
  const bad = '2017-01-27 16:24:42,tcp,closed,10.2.1.39,99999,74.201.65.31,443,21687,8999\n';
  const text = good.repeat(40) + bad.repeat(60);
  await assert.rejects(readFlowBuffer(text, { format: 'seed' }), (err: unknown) => {
    assert.ok(err instanceof FlowFormatError);
    assert.match(err.message, /60 of the first 100 data lines/);
    assert.match(err.message, /bad-port 60/);
    return true;
  });
  // 40 % broken is still a file with problems, not the wrong format.
  const { stats } = await readFlowBuffer(good.repeat(60) + bad.repeat(40), { format: 'seed' });
  assert.equal(stats.skipped['bad-port']!.count, 40);
});

test('a line with no newline for over a megabyte is skipped as line-too-long', async () => {
  const good = '2017-01-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,21687,8999\n';
  const { stats } = await readFlowBuffer(good.repeat(5) + 'x'.repeat(3 << 20) + '\n' + good.repeat(5));
  assert.equal(stats.flows, 10);
  assert.deepEqual(stats.skipped, { 'line-too-long': { count: 1, firstLines: [6] } });
});

test('aborting stops the read with the abort reason', async () => {
  const ac = new AbortController();
  const reason = new Error('query cancelled');
  ac.abort(reason);
  await assert.rejects(readFlowFileAll(fixture('seed-malformed.csv'), { signal: ac.signal }), (err) => err === reason);
});

test('a BOM split over the first pieces of a stream is still stripped, byte by byte', async () => {
  const { LineEngine } = await import('../../../src/sources/file/lineEngine.js');
  const { timeZoneResolver } = await import('../../../src/sources/file/time.js');
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(fixture('seed-malformed.csv'))]);
  const engine = new LineEngine({ format: 'auto', dicts: createDictionaries(), chunkRows: 64, zone: timeZoneResolver('UTC'), columnMap: undefined, name: 'input' });
  for (let i = 0; i < bytes.length; i++) engine.push(bytes.subarray(i, i + 1));
  engine.end();
  assertSeedMalformed(engine.stats());
  // Inputs shorter than a BOM are still read.
  assert.equal((await readFlowBuffer('\n\n')).stats.blankLines, 2);
});

test('a last line cut before its newline is skipped as unfinished; a complete one without a newline is read', async () => {
  const full = '2017-01-27 16:24:40,tcp,established,10.0.0.1,1234,10.0.0.2,80,10,20\n';
  const cut = await readFlowBuffer(Buffer.from(full + full + '2017-01-27 16:24:41,tcp,estab'));
  assert.equal(cut.table.length, 2);
  assert.deepEqual(cut.stats.skipped, { 'unfinished-last-line': { count: 1, firstLines: [3] } });
  // the same bytes followed by more lines: an ordinary skip, not an unfinished one
  const inside = await readFlowBuffer(Buffer.from(full + '2017-01-27 16:24:41,tcp,estab\n' + full));
  assert.deepEqual(Object.keys(inside.stats.skipped), ['wrong-field-count']);
  const whole = await readFlowBuffer(Buffer.from(full + full.trimEnd()));
  assert.equal(whole.table.length, 2);
  assert.deepEqual(whole.stats.skipped, {});
});
