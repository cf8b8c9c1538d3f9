/**
 * The seed fast path must read every line it takes exactly as the general seed parser does, and
 * stop at every other line: rows, skip reasons and dictionary contents are compared with the
 * general parser reading the same lines one by one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDictionaries, FlowTableBuilder, type FlowDictionaries, type FlowTable } from '../../../../src/engine/flowTable.js';
import { SeedParser } from '../../../../src/sources/file/formats/seed.js';
import { SeedFastPath } from '../../../../src/sources/file/formats/seedFast.js';
import { createContext } from '../../../../src/sources/file/formats/types.js';
import { timeZoneResolver } from '../../../../src/sources/file/time.js';

const COLUMNS = ['state', 'srcBytes', 'dstBytes'] as const;
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function rowsOf(t: FlowTable): unknown[][] {
  const d = t.dicts;
  return Array.from({ length: t.length }, (_, i) => [
    t.ts[i],
    d.proto.value(t.proto[i]!),
    t.state![i]! < 0 ? null : d.state.value(t.state![i]!),
    d.ip.value(t.srcIp[i]!),
    t.srcPort[i],
    d.ip.value(t.dstIp[i]!),
    t.dstPort[i],
    t.srcBytes![i],
    t.dstBytes![i],
  ]);
}

function dictionaries(d: FlowDictionaries): string[][] {
  return [d.ip, d.proto, d.state].map((x) => Array.from({ length: x.size }, (_, i) => x.value(i)));
}

/**
 * What may follow the lines in the reader's buffer: the fast path reads whole words past a field's
 * start, so bytes after a line must never reach a value, whatever they are.
 */
const TAILS = ['2011-08-16 10:00:01,udp,new,10.0.0.1,1,10.0.0.2,2,3,4\n', ',,,,,,,,,,,,,,,,,,,,', '12345678901234567890', '                    ', '\u0000'.repeat(20), '\n'.repeat(20)];
/** Enough room after the last line for a run to look at it. */
const ROOM = 300;

function withTail(text: string, tail: string): Uint8Array {
  return encode(text + tail.repeat(Math.ceil(ROOM / tail.length)));
}

interface Reading {
  rows: unknown[][];
  reasons: (string | null)[];
  dicts: string[][];
  /** Lines the fast path took. */
  fast: number;
}

/**
 * Reads the lines of `text` (each ended by `\n`) followed by `tail`: as the reader does (runs,
 * and the general parser for each line a run stops at, its CR stripped) or with the general
 * parser alone.
 */
function read(text: string, tail: string, useRuns: boolean, zone = 'UTC', maxRows = 1 << 30): Reading {
  const dicts = createDictionaries();
  const ctx = createContext(dicts, timeZoneResolver(zone));
  const general = new SeedParser(ctx);
  const fast = new SeedFastPath(ctx);
  const b = new FlowTableBuilder(dicts, COLUMNS, 16);
  const buf = withTail(text, tail);
  const reasons: (string | null)[] = [];
  let fastLines = 0;
  let pos = 0;
  // a run may go on into the tail when it holds whole lines: stop it at the text's last line
  const linesFrom = (at: number): number => text.slice(at).split('\n').length - 1;
  while (pos < text.length) {
    if (useRuns) {
      const before = b.length;
      const limit = Math.min(maxRows, linesFrom(pos));
      pos = fast.parseRun(buf, pos, buf.length, b, limit);
      fastLines += b.length - before;
      for (let k = before; k < b.length; k++) reasons.push(null);
      if (pos >= text.length) break;
      // a run that stopped at its row limit (the reader's chunk is full) is started again
      if (b.length - before === limit) continue;
    }
    const nl = buf.indexOf(10, pos);
    const e = buf[nl - 1] === 13 ? nl - 1 : nl;
    reasons.push(general.parse(buf, pos, e, b));
    pos = nl + 1;
  }
  return { rows: rowsOf(b.finish()), reasons, dicts: dictionaries(dicts), fast: fastLines };
}

function assertSameAsGeneral(text: string, tail: string, zone = 'UTC', maxRows?: number): Reading {
  const viaRuns = read(text, tail, true, zone, maxRows);
  const general = read(text, tail, false, zone);
  const label = JSON.stringify(text.slice(0, 300) + tail.slice(0, 20));
  assert.deepEqual(viaRuns.rows, general.rows, `rows: ${label}`);
  assert.deepEqual(viaRuns.reasons, general.reasons, `skip reasons: ${label}`);
  assert.deepEqual(viaRuns.dicts, general.dicts, `dictionaries: ${label}`);
  return viaRuns;
}

const TAKEN = [
  '2011-08-16 10:00:00,udp,established,147.32.84.12,64829,147.32.80.9,53,69,238',
  '2011-08-16 10:59:59,TCP,new,0.0.0.0,0,255.255.255.255,65535,0,999999999999999',
  '2012-02-29 23:07:31,tcp,new,147.32.84.14,3275,2a00:1450:4001::71,443,3248,176228',
  '2012-02-29 23:07:31,tcp,new,2001:0db8:0000:0000:0000:ff00:0042:8329,3275,10.1.2.3,443,1,2',
  '2011-08-16 10:00:07,icmp,,10.0.0.1,,10.0.0.2,,,',
  '2011-08-16 10:00:07,tcp,weird-state,10.0.0.1,080,10.0.0.2,00443,0012,7',
];

/** Lines with a skip reason or an unusual shape: the run stops at them and the general parser reads them. */
const DECLINED = [
  '2011-08-16 10:00:07,tcp,new,10.0.0.01,1,10.0.0.256,2,3,4',
  '2011-08-16 10:00:07,tcp,new,not-an-ip,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:07,tcp,new,10.0.0.1,1,ff02::zz,2,3,4',
  '2011-08-16 10:00:07,bogus proto,new,10.0.0.1,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:00.5,udp,new,10.0.0.1,1,10.0.0.2,2,3,4',
  '2011-08-16T10:00:00Z,udp,new,10.0.0.1,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:60,udp,new,10.0.0.1,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:00, udp,new,10.0.0.1,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:00,udp,new ,10.0.0.1,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,0x50,10.0.0.2,2,3,4',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,3.3,10.0.0.2,2,3,4',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,65536,3,4',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,000080,3,4',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,2,3.5,4',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,2,3,1e3',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,2,-3,4',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,2,1234567890123456,4',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,2,3,4,5',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,2,3',
  '2011-08-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,2,3,4 ',
  '2011-13-16 10:00:00,udp,new,10.0.0.1,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:00,udp,new,,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:00,,new,10.0.0.1,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:07,tcp,a-state-name-of-20-by,10.0.0.1,1,10.0.0.2,2,3,4',
  '',
  '   ',
];

test('the seed fast path takes the common shapes and reads them exactly as the general parser, whatever bytes follow', () => {
  for (const zone of ['UTC', '+05:30', 'Europe/Prague']) {
    for (const line of TAKEN) {
      for (const eol of ['\n', '\r\n']) {
        for (const tail of TAILS) {
          const r = assertSameAsGeneral(line + eol, tail, zone);
          assert.equal(r.fast, 1, `fast path declined ${JSON.stringify(line + eol)}`);
        }
      }
    }
  }
});

test('the seed fast path stops at unusual lines and skipped lines, and the general parser reads them', () => {
  for (const line of DECLINED) {
    for (const tail of TAILS) {
      const r = assertSameAsGeneral(line + '\n', tail);
      assert.equal(r.fast, 0, `fast path took ${JSON.stringify(line)}`);
    }
  }
});

test('a run continues after the line it stopped at, and honours the row limit', () => {
  const text = [TAKEN[0], TAKEN[1], DECLINED[0], TAKEN[2], '', TAKEN[3], TAKEN[4]].join('\n') + '\n';
  assert.equal(assertSameAsGeneral(text, TAILS[0]!).fast, 5);
  assert.equal(assertSameAsGeneral(text, TAILS[0]!, 'UTC', 1).fast, 5);
});

test('the seed fast path leaves a line without 16 bytes of room after it to the general parser', () => {
  const dicts = createDictionaries();
  const fast = new SeedFastPath(createContext(dicts, timeZoneResolver('UTC')));
  const b = new FlowTableBuilder(dicts, COLUMNS, 4);
  const line = TAKEN[0]!;
  const tight = encode(line + '\n' + ' '.repeat(14));
  assert.equal(fast.parseRun(tight, 0, tight.length, b, 10), 0);
  assert.equal(b.length, 0);
  const roomy = encode(line + '\n' + ' '.repeat(15));
  assert.equal(fast.parseRun(roomy, 0, roomy.length - 1, b, 10), 0, 'the limit bounds what a run reads');
  assert.equal(fast.parseRun(roomy, 0, roomy.length, b, 10), line.length + 1);
  assert.equal(b.length, 1);
});

test('mutated lines: the fast path reads them exactly as the general parser or leaves them to it (seeded fuzz)', () => {
  // Each mutation puts one byte a reader meets in damaged files at one position of a valid line.
  const bytes = ',.:-0123456789 \t\r\n\u0000aZ\u00e9'.split('');
  let s = 7;
  const rand = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  let fast = 0;
  let lines = 0;
  for (let round = 0; round < 300; round++) {
    const text: string[] = [];
    for (let k = 0; k < 20; k++) {
      const chars = TAKEN[rand(TAKEN.length)]!.split('');
      const at = rand(chars.length);
      const op = rand(4);
      if (op === 0) chars[at] = bytes[rand(bytes.length)]!;
      else if (op === 1) chars.splice(at, 0, bytes[rand(bytes.length)]!);
      else if (op === 2) chars.splice(at, 1);
      text.push(chars.join('') + (rand(5) === 0 ? '\r\n' : '\n'));
    }
    const r = assertSameAsGeneral(text.join(''), TAILS[rand(TAILS.length)]!, 'UTC', 1 + rand(30));
    fast += r.fast;
    lines += r.reasons.length;
  }
  assert.ok(fast > lines / 4, `the fast path took only ${fast} of ${lines} lines`);
});

test('the seed fast path gives each second of a minute its own time, also around a DST change', () => {
  // Europe/Prague skipped 02:00-03:00 local on 2021-03-28 and repeated 02:00-03:00 on 2021-10-31.
  const lines: string[] = [];
  for (const day of ['2021-03-28', '2021-10-31'])
    for (const hm of ['01:59', '02:00', '02:30', '03:00'])
      for (const sec of ['00', '17', '59']) lines.push(`${day} ${hm}:${sec},tcp,new,10.0.0.1,1,10.0.0.2,2,3,4\n`);
  const r = assertSameAsGeneral(lines.join(''), TAILS[1]!, 'Europe/Prague');
  assert.ok(r.fast >= lines.length - 6, `fast path took ${r.fast} of ${lines.length}`);
});
