/**
 * The seed fast path must read every line exactly as the general seed parser does, or decline it:
 * each line is parsed both ways into separate builders (sharing nothing) and the rows compared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDictionaries, FlowTableBuilder, type FlowTable } from '../../../../src/engine/flowTable.js';
import { SeedParser } from '../../../../src/sources/file/formats/seed.js';
import { NOT_FAST, SeedFastPath } from '../../../../src/sources/file/formats/seedFast.js';
import { createContext } from '../../../../src/sources/file/formats/types.js';
import { timeZoneResolver } from '../../../../src/sources/file/time.js';

const COLUMNS = ['state', 'srcBytes', 'dstBytes'] as const;

interface Read {
  reason: string | null;
  row: unknown[] | null;
}

function rowOf(t: FlowTable): unknown[] | null {
  if (t.length === 0) return null;
  const d = t.dicts;
  return [
    t.ts[0],
    d.proto.value(t.proto[0]!),
    t.state![0]! < 0 ? null : d.state.value(t.state![0]!),
    d.ip.value(t.srcIp[0]!),
    t.srcPort[0],
    d.ip.value(t.dstIp[0]!),
    t.dstPort[0],
    t.srcBytes![0],
    t.dstBytes![0],
  ];
}

/** One line through the fast path only: NOT_FAST, or what it read. */
function viaFast(line: string, zone: string): Read | typeof NOT_FAST {
  const dicts = createDictionaries();
  const fast = new SeedFastPath(createContext(dicts, timeZoneResolver(zone)));
  const b = new FlowTableBuilder(dicts, COLUMNS, 4);
  const buf = new TextEncoder().encode(line);
  const reason = fast.parse(buf, 0, buf.length, b);
  if (reason === NOT_FAST) return NOT_FAST;
  return { reason, row: rowOf(b.finish()) };
}

function viaGeneral(line: string, zone: string): Read {
  const dicts = createDictionaries();
  const parser = new SeedParser(createContext(dicts, timeZoneResolver(zone)));
  const b = new FlowTableBuilder(dicts, COLUMNS, 4);
  const buf = new TextEncoder().encode(line);
  const reason = parser.parseGeneral(buf, 0, buf.length, b);
  return { reason, row: rowOf(b.finish()) };
}

const TAKEN = [
  '2011-08-16 10:00:00,udp,established,147.32.84.12,64829,147.32.80.9,53,69,238',
  '2011-08-16 10:59:59,TCP,new,0.0.0.0,0,255.255.255.255,65535,0,999999999999999',
  '2012-02-29 23:07:31,tcp,new,147.32.84.14,3275,2a00:1450:4001::71,443,3248,176228',
  '2011-08-16 10:00:07,icmp,,10.0.0.1,,10.0.0.2,,,',
  '2011-08-16 10:00:07,tcp,weird-state,10.0.0.1,080,10.0.0.2,00443,0012,7',
  '2011-08-16 10:00:07,tcp,new,10.0.0.01,1,10.0.0.256,2,3,4',
  '2011-08-16 10:00:07,tcp,new,not-an-ip,1,10.0.0.2,2,3,4',
  '2011-08-16 10:00:07,tcp,new,10.0.0.1,1,ff02::zz,2,3,4',
  '2011-08-16 10:00:07,bogus proto,new,10.0.0.1,1,10.0.0.2,2,3,4',
];

const DECLINED = [
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
];

test('the seed fast path takes the common shapes and reads them exactly as the general parser', () => {
  for (const zone of ['UTC', '+05:30', 'Europe/Prague']) {
    for (const line of TAKEN) {
      const fast = viaFast(line, zone);
      assert.notEqual(fast, NOT_FAST, `fast path declined ${line}`);
      assert.deepEqual(fast, viaGeneral(line, zone), `${zone}: ${line}`);
    }
  }
});

test('the seed fast path leaves unusual lines to the general parser', () => {
  for (const line of DECLINED) assert.equal(viaFast(line, 'UTC'), NOT_FAST, line);
});

test('the seed fast path gives each second of a minute its own time, also around a DST change', () => {
  // Europe/Prague skipped 02:00-03:00 local on 2021-03-28 and repeated 02:00-03:00 on 2021-10-31.
  const dicts = createDictionaries();
  const fast = new SeedFastPath(createContext(dicts, timeZoneResolver('Europe/Prague')));
  const b = new FlowTableBuilder(dicts, COLUMNS, 16);
  const lines: string[] = [];
  for (const day of ['2021-03-28', '2021-10-31'])
    for (const hm of ['01:59', '02:00', '02:30', '03:00'])
      for (const sec of ['00', '17', '59']) lines.push(`${day} ${hm}:${sec},tcp,new,10.0.0.1,1,10.0.0.2,2,3,4`);
  for (const line of lines) {
    const buf = new TextEncoder().encode(line);
    const r = fast.parse(buf, 0, buf.length, b);
    const expected = viaGeneral(line, 'Europe/Prague');
    if (r === NOT_FAST) continue;
    assert.equal(r, null, line);
    assert.equal(b.ts[b.length - 1], expected.row![0], line);
  }
  assert.ok(b.length >= lines.length - 6, `fast path took ${b.length} of ${lines.length}`);
});
