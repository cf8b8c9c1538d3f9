/**
 * Hand-made nfdump CSV (both header generations) and generic CSV files in tests/fixtures/readers:
 * every broken line is skipped under its reason with its 1-based line number, the good lines
 * around it are read, and CRLF line ends or a BOM change nothing. The expected numbers were worked
 * out by reading the fixtures line by line (the line numbers are in the comments).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { readFlowBuffer, readFlowFileAll, type ColumnMap, type ReadStats } from '../../../src/sources/file/index.js';
import { MAX_LINES_KEPT } from '../../../src/sources/file/skips.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures/readers', name);
const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number): number => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
const MAPPED: ColumnMap = { ts: 'when', srcIp: 'from', dstIp: 'to', srcPort: 'sp', dstPort: 'dp', proto: 'protocol', bytes: 'octets' };

interface Expected {
  format: string;
  lines: number;
  flows: number;
  blankLines: number;
  nonDataLines: number;
  skipped: ReadStats['skipped'];
}

function assertStats(stats: ReadStats, want: Expected, what: string): void {
  assert.equal(stats.format, want.format, what);
  assert.equal(stats.lines, want.lines, `${what}: lines`);
  assert.equal(stats.flows, want.flows, `${what}: flows`);
  assert.equal(stats.blankLines, want.blankLines, `${what}: blank lines`);
  assert.equal(stats.nonDataLines, want.nonDataLines, `${what}: non-data lines`);
  assert.deepEqual(stats.skipped, want.skipped, `${what}: skipped`);
  // every physical line is accounted for exactly once
  const skipped = Object.values(stats.skipped).reduce((a, r) => a + r.count, 0);
  assert.equal(stats.flows + skipped + stats.blankLines + stats.nonDataLines, stats.lines, `${what}: accounting`);
}

// line 1 header; 3 truncated, 12 one field too many; 5 sa 10.0.0.300; 6 sp 65536, 10 dp "https";
// 7 blank; 8 month 13; 14 ibyt "4x0"; 20-22 the Summary block; the other 10 lines are flows.
const OLD_NFDUMP: Expected = {
  format: 'nfdump',
  lines: 22,
  flows: 10,
  blankLines: 1,
  nonDataLines: 4,
  skipped: {
    'wrong-field-count': { count: 2, firstLines: [3, 12] },
    'bad-ip': { count: 1, firstLines: [5] },
    'bad-port': { count: 2, firstLines: [6, 10] },
    'bad-timestamp': { count: 1, firstLines: [8] },
    'bad-number': { count: 1, firstLines: [14] },
  },
};

// line 1 header; 4 truncated; 5 hour 24; 6 srcAddr 192.168.1; 7 dstPort -443; 9 protocol 300;
// 11 blank; 2, 3, 8, 10, 12-15 are flows.
const NEW_NFDUMP: Expected = {
  format: 'nfdump',
  lines: 15,
  flows: 8,
  blankLines: 1,
  nonDataLines: 1,
  skipped: {
    'wrong-field-count': { count: 1, firstLines: [4] },
    'bad-timestamp': { count: 1, firstLines: [5] },
    'bad-ip': { count: 1, firstLines: [6] },
    'bad-port': { count: 1, firstLines: [7] },
    'bad-protocol': { count: 1, firstLines: [9] },
  },
};

// line 1 header; 5 five fields, 6 nine fields; 7 dst "not-an-ip"; 8 dp "80a"; 9 February 30,
// 10 epoch in exponent notation; 11 octets "12.5.1"; 2-4 and 12-18 are flows (line 3's quoted
// "dns, resolver" is one field, line 13 has empty ports and bytes, which are missing, not bad).
const MAPPED_CSV: Expected = {
  format: 'csv',
  lines: 18,
  flows: 10,
  blankLines: 0,
  nonDataLines: 1,
  skipped: {
    'wrong-field-count': { count: 2, firstLines: [5, 6] },
    'bad-ip': { count: 1, firstLines: [7] },
    'bad-port': { count: 1, firstLines: [8] },
    'bad-timestamp': { count: 2, firstLines: [9, 10] },
    'bad-number': { count: 1, firstLines: [11] },
  },
};

test('nfdump <= 1.7.4 CSV with truncated and over-long lines, bad IP/port/timestamp/number: exact counts and line numbers', async () => {
  const { table, stats } = await readFlowFileAll(fixture('old-malformed.nfdump.csv'));
  assertStats(stats, OLD_NFDUMP, 'old nfdump');
  // the flows are lines 2, 4, 9, 11, 13, 15-19, in file order
  assert.deepEqual(Array.from(table.srcPort), [5000, 0, 53000, 40000, 5006, 5008, 5009, 5010, 5011, 5012]);
  assert.deepEqual(Array.from(table.dstPort), [443, 8 * 256, 53, 443, 80, 80, 80, 22, 22, 22]);
  assert.deepEqual(Array.from(table.bytes!), [7000, 84, 200, 300, 4400, 4400, 4400, 4400, 4400, 4400]);
  assert.equal(table.ts[2], utc(2024, 1, 2, 3, 4, 9) + 0.25);
  assert.equal(table.dicts.ip.value(table.srcIp[3]!), '2001:db8::1');
});

test('nfdump >= 1.7.5 CSV with a truncated line, bad timestamp/IP/port/protocol number: exact counts and line numbers', async () => {
  const { table, stats } = await readFlowFileAll(fixture('new-malformed.nfdump.csv'));
  assertStats(stats, NEW_NFDUMP, 'new nfdump');
  // lines 2, 3, 8, 10, 12-15
  assert.deepEqual(Array.from(table.srcPort), [53000, 123, 40004, 40006, 40007, 40008, 0, 40009]);
  assert.deepEqual(Array.from(table.proto, (c) => table.dicts.proto.value(c)), ['udp', 'udp', 'tcp', 'tcp', 'tcp', 'tcp', 'icmp', 'tcp']);
  assert.equal(table.dstPort[6], 8 * 256);
  assert.equal(table.dicts.ip.value(table.dstIp[3]!), 'fe80::2');
});

test('generic CSV with a column map: wrong field counts, bad IP/port/timestamps/number skipped; quoted commas and empty optional fields kept', async () => {
  const { table, stats } = await readFlowFileAll(fixture('mapped-malformed.csv'), { columnMap: MAPPED });
  assertStats(stats, MAPPED_CSV, 'mapped csv');
  // lines 2-4 and 12-18
  assert.deepEqual(Array.from(table.ts), [1485534282, 1485534283, utc(2017, 1, 27, 15, 24, 44), 1485534292, 1485534293, 1485534294, 1485534295, 1485534296, 1485534297, 1485534298]);
  assert.equal(table.dicts.ip.value(table.srcIp[3]!), '2001:db8::a');
  assert.deepEqual([table.srcPort[4], table.dstPort[4], table.bytes![4]], [-1, -1, NaN]);
});

test('CRLF line ends, a BOM, or both change neither the counts nor the line numbers nor the flows', async () => {
  const cases: [string, Expected, ColumnMap | undefined][] = [
    ['old-malformed.nfdump.csv', OLD_NFDUMP, undefined],
    ['new-malformed.nfdump.csv', NEW_NFDUMP, undefined],
    ['mapped-malformed.csv', MAPPED_CSV, MAPPED],
  ];
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  for (const [name, want, columnMap] of cases) {
    const raw = readFileSync(fixture(name));
    const crlf = Buffer.from(raw.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    const plain = await readFlowBuffer(raw, { columnMap });
    const variants: [string, Buffer][] = [
      ['CRLF', crlf],
      ['BOM', Buffer.concat([bom, raw])],
      ['BOM + CRLF', Buffer.concat([bom, crlf])],
    ];
    for (const [label, bytes] of variants) {
      const { table, stats } = await readFlowBuffer(bytes, { columnMap });
      assertStats(stats, want, `${name} ${label}`);
      assert.deepEqual(Array.from(table.ts), Array.from(plain.table.ts), `${name} ${label}: times`);
      assert.deepEqual(Array.from(table.dstPort), Array.from(plain.table.dstPort), `${name} ${label}: ports`);
      // a CR left on the last field would turn the protocol or a label into a new value
      assert.deepEqual(table.dicts.proto.values, plain.table.dicts.proto.values, `${name} ${label}: protocols`);
    }
  }
});

test('a header without data is a file of its format with no flows, for both nfdump generations and generic CSV', async () => {
  const cases: [string, string, ColumnMap | undefined][] = [
    ['header-only.nfdump.csv', 'nfdump', undefined],
    ['header-only-named.nfdump.csv', 'nfdump', undefined],
    ['header-only-mapped.csv', 'csv', MAPPED],
  ];
  for (const [name, format, columnMap] of cases) {
    const { table, stats } = await readFlowFileAll(fixture(name), { columnMap });
    assertStats(stats, { format, lines: 1, flows: 0, blankLines: 0, nonDataLines: 1, skipped: {} }, name);
    assert.equal(table.length, 0, name);
  }
});

test('12 lines skipped for one reason: all are counted, only the first 10 line numbers are kept', async () => {
  assert.equal(MAX_LINES_KEPT, 10);
  // odd lines 3…25 have dstPort 70000; line 1 is the header; lines 2…26 even and 27 are flows
  const { stats } = await readFlowFileAll(fixture('many-bad-ports.nfdump.csv'));
  assertStats(
    stats,
    {
      format: 'nfdump',
      lines: 27,
      flows: 14,
      blankLines: 0,
      nonDataLines: 1,
      skipped: { 'bad-port': { count: 12, firstLines: [3, 5, 7, 9, 11, 13, 15, 17, 19, 21] } },
    },
    'many bad ports',
  );
  // and the CLI reports the same to the user
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  err.on('data', (c: Buffer) => chunks.push(c));
  const code = await main(['features', fixture('many-bad-ports.nfdump.csv')], { stdout: new PassThrough(), stderr: err, env: {}, cwd: process.cwd() });
  assert.equal(code, 0);
  const stderr = Buffer.concat(chunks).toString('utf8');
  assert.match(stderr, /skipped 12 of 27 lines/);
  assert.match(stderr, /bad-port: 12 \(first at line 3, 5, 7, 9, 11, 13, 15, 17, 19, 21\)\n/);
});
