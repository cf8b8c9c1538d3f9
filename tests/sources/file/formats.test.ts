/**
 * Format detection from content (never the file name) and the field semantics of each format, on
 * hand-made files in tests/fixtures/readers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_PORT } from '../../../src/engine/flowTable.js';
import { COLUMN_ROLES } from '../../../src/query/settings.js';
import { columnMapOfRoles, roleOfField } from '../../../src/sources/file/columnRoles.js';
import { FlowFormatError, readFlowBuffer, readFlowFileAll, type ColumnMap } from '../../../src/sources/file/index.js';

const fixture = (name: string): string => join(import.meta.dirname, '../../fixtures/readers', name);
const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number): number => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;

test('netflow-labeled: first data line kept, IP:port split, port-less ICMP, IPv6 addr.port, ICMP type.code', async () => {
  const { table, stats } = await readFlowFileAll(fixture('sample.netflow-labeled'));
  assert.equal(stats.format, 'netflow-labeled');
  assert.equal(stats.flows, 4);
  assert.deepEqual(stats.skipped, {
    'bad-port': { count: 1, firstLines: [6] },
    'wrong-field-count': { count: 1, firstLines: [7] },
  });
  const ip = (code: number): string => table.dicts.ip.value(code);
  assert.ok(Math.abs(table.ts[0]! - (utc(2011, 8, 18, 10, 19, 13) + 0.328)) < 1e-9);
  assert.deepEqual([ip(table.srcIp[0]!), table.srcPort[0], ip(table.dstIp[0]!), table.dstPort[0]], ['147.32.86.166', 33426, '212.24.150.110', 25443]);
  assert.deepEqual([table.bytes![0], table.packets![0], table.duration![0]], [321, 4, 0.002]);
  assert.equal(table.dicts.state.value(table.state![0]!), 'FRPA_');
  assert.equal(table.dicts.proto.value(table.proto[0]!), 'tcp');
  assert.deepEqual(['Background', 'Botnet', 'LEGITIMATE', 'LEGITIMATE'], Array.from(table.label!, (c) => table.dicts.label.value(c)));
  assert.deepEqual([ip(table.srcIp[1]!), table.srcPort[1], table.dstPort[1]], ['147.32.84.165', NO_PORT, NO_PORT]);
  assert.deepEqual([ip(table.srcIp[2]!), table.srcPort[2], ip(table.dstIp[2]!), table.dstPort[2]], ['2001:db8::5', 5353, 'ff02::fb', 5353]);
  assert.deepEqual([table.srcPort[3], table.dstPort[3]], [0, 3 * 256 + 3]);
});

test('nfdump <= 1.7.4 CSV: header ts,te,td,sa,da…, in+out counters summed, Summary block counted as non-data', async () => {
  const { table, stats } = await readFlowFileAll(fixture('old.nfdump.csv'));
  assert.equal(stats.format, 'nfdump');
  assert.equal(stats.flows, 2);
  assert.equal(stats.nonDataLines, 4);
  assert.deepEqual(stats.skipped, {});
  assert.deepEqual([table.bytes![0], table.packets![0], table.srcBytes![0], table.dstBytes![0], table.duration![0]], [7000, 18, 1000, 6000, 1]);
  assert.equal(table.dicts.proto.value(table.proto[0]!), 'tcp');
  assert.equal(table.dicts.state.value(table.state![0]!), '.AP.SF');
  assert.equal(table.ts[1], utc(2024, 1, 2, 3, 4, 6) + 0.5);
  assert.equal(table.dstPort[1], 8 * 256);
});

test('nfdump >= 1.7.5 CSV: firstSeen,duration,proto,srcAddr,… with protocol numbers mapped to names', async () => {
  const { table, stats } = await readFlowFileAll(fixture('new.nfdump.csv'));
  assert.equal(stats.format, 'nfdump');
  assert.equal(stats.flows, 2);
  assert.deepEqual(Array.from(table.proto, (c) => table.dicts.proto.value(c)), ['udp', 'udp']);
  assert.ok(Math.abs(table.ts[0]! - (utc(2024, 10, 23, 12, 34, 56) + 0.789)) < 1e-9);
  assert.deepEqual([table.bytes![0], table.packets![0], table.duration![0]], [180, 2, 0.25]);
});

test('generic CSV with a column map: epoch seconds or ms by magnitude, ISO with zone, quoted fields, protocol numbers', async () => {
  const columnMap: ColumnMap = { ts: 'when', srcIp: 'from', dstIp: 'to', srcPort: 'sp', dstPort: 'dp', proto: 'protocol', bytes: 'octets' };
  const { table, stats } = await readFlowFileAll(fixture('mapped.csv'), { columnMap });
  assert.equal(stats.format, 'csv');
  assert.equal(stats.flows, 3);
  assert.deepEqual(Array.from(table.ts), [1485534282, 1485534283, utc(2017, 1, 27, 15, 24, 44)]);
  assert.equal(table.srcIp[2], table.srcIp[0]);
  assert.deepEqual(Array.from(table.proto, (c) => table.dicts.proto.value(c)), ['tcp', 'udp', 'tcp']);
  assert.deepEqual(Array.from(table.bytes!), [500, 90, 1000]);
});

test('a column map naming a column the header lacks says which', async () => {
  const columnMap: ColumnMap = { ts: 'when', srcIp: 'source', dstIp: 'to' };
  await assert.rejects(readFlowFileAll(fixture('mapped.csv'), { format: 'csv', columnMap }), (err: unknown) => {
    assert.ok(err instanceof FlowFormatError);
    // in the role words of settings and --columns
    assert.match(err.message, /src_ip='source'/);
    return true;
  });
});

test('detection uses content, not the name: every fixture is recognised whatever it is called', async () => {
  const cases: [string, string][] = [
    ['seed-malformed.csv', 'seed'],
    ['extra-columns.binetflow', 'binetflow'],
    ['sample.netflow-labeled', 'netflow-labeled'],
    ['old.nfdump.csv', 'nfdump'],
    ['new.nfdump.csv', 'nfdump'],
  ];
  for (const [name, format] of cases) {
    const { stats } = await readFlowBuffer(readFileSync(fixture(name)));
    assert.equal(stats.format, format, name);
  }
});

test('header-less netflow-labeled and binetflow lines are recognised from their data', async () => {
  const nf = readFileSync(fixture('sample.netflow-labeled'), 'utf8').split('\n').slice(1, 5).join('\n');
  assert.equal((await readFlowBuffer(nf)).stats.format, 'netflow-labeled');
  assert.equal((await readFlowBuffer(nf)).stats.flows, 4);
  const bi = '2011/08/16 10:10:00.002013,0.000391,udp,147.32.85.25,37906,  <->,147.32.80.9,53,CON,0,0,2,208,79,flow=Background\n';
  const r = await readFlowBuffer(bi);
  assert.equal(r.stats.format, 'binetflow');
  assert.equal(r.stats.flows, 1);
});

test('an explicit format overrides detection', async () => {
  const text = readFileSync(fixture('sample.netflow-labeled'));
  await assert.rejects(readFlowBuffer(text, { format: 'seed' }), FlowFormatError);
  assert.equal((await readFlowBuffer(text, { format: 'netflow-labeled' })).stats.flows, 4);
});

test('zone-less times are read in the given time zone; times with a zone keep theirs', async () => {
  const line = '2017-01-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,1,2\n2017-07-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,1,2\n';
  const prague = await readFlowBuffer(line, { timeZone: 'Europe/Prague' });
  assert.deepEqual(Array.from(prague.table.ts), [utc(2017, 1, 27, 15, 24, 42), utc(2017, 7, 27, 14, 24, 42)]);
  const fixed = await readFlowBuffer(line, { timeZone: '-05:30' });
  assert.equal(fixed.table.ts[0], utc(2017, 1, 27, 21, 54, 42));
  const mapped = await readFlowBuffer('t,s,d\n2017-01-27T16:24:42Z,1.1.1.1,2.2.2.2\n', { columnMap: { ts: 't', srcIp: 's', dstIp: 'd' }, timeZone: 'Asia/Tokyo' });
  assert.equal(mapped.table.ts[0], utc(2017, 1, 27, 16, 24, 42));
  await assert.rejects(readFlowBuffer(line, { timeZone: 'Mars/Olympus' }), /unknown time zone 'Mars\/Olympus'/);
  await assert.rejects(readFlowBuffer(line, { timeZone: '+25:00' }), /time zone offset '\+25:00' is out of range/);
});

test('microsecond times land on the exact decimal value (window boundaries fall where the text says)', async () => {
  const text = 'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label\n2011/08/16 10:10:09.999999,0,udp,1.1.1.1,1,->,2.2.2.2,2,CON,0,0,1,1,1,x\n2011/08/16 10:10:10.000000,0,udp,1.1.1.1,1,->,2.2.2.2,2,CON,0,0,1,1,1,x\n';
  const { table } = await readFlowBuffer(text);
  assert.equal(table.ts[0], (utc(2011, 8, 16, 10, 10, 9) * 1e6 + 999999) / 1e6);
  assert.equal(Math.floor(table.ts[0]! / 10), Math.floor(table.ts[1]! / 10) - 1);
});

test('netflow-labeled counters scaled by nfdump ("1.2 M") are read as numbers and the label stays the label', async () => {
  const text = `Date flow start          Durat Prot    Src IP Addr:Port          Dst IP Addr:Port   Flags Tos Packets Bytes Flows  Label
2011-08-18 10:19:13.328 \t  600.002 TCP \t 147.32.86.166:33426 -> \t212.24.150.110:443 FRPA_ 0 \t2100 1.5 M 1 Background
2011-08-18 10:19:14.000 \t  900.000 UDP \t 147.32.86.167:5000 -> \t212.24.150.111:53 INT 0 \t 1.1 M 2.3 G 1 LEGITIMATE
`;
  const { table, stats } = await readFlowBuffer(text);
  assert.deepEqual(stats.skipped, {});
  assert.deepEqual(Array.from(table.bytes!), [1.5e6, 2.3e9]);
  assert.deepEqual(Array.from(table.packets!), [2100, 1.1e6]);
  assert.deepEqual(Array.from(table.label!, (c) => table.dicts.label.value(c)), ['Background', 'LEGITIMATE']);
});

test('nfdump csv-fast: epoch-millisecond times and numeric protocols', async () => {
  const text = 'cnt,af,firstSeen,lastSeen,proto,srcAddr,srcPort,dstAddr,dstPort,srcAS,dstAS,input,output,flags,srcTos,packets,bytes\n1,4,1729686896789,1729686897000,6,10.1.1.1,40000,10.2.2.2,443,0,0,1,2,0x1b,0,12,3400\n';
  const { table, stats } = await readFlowBuffer(text);
  assert.equal(stats.format, 'nfdump');
  assert.equal(table.ts[0], 1729686896.789);
  assert.equal(table.dicts.proto.value(table.proto[0]!), 'tcp');
  assert.deepEqual([table.packets![0], table.bytes![0]], [12, 3400]);
});

test('a seed file with the seed column names as header counts the header as non-data', async () => {
  const text = 'ts,ip_protocol,state,src_ip,src_port,dst_ip,dst_port,src_tx,dst_tx\n2017-01-27 16:24:42,tcp,closed,10.2.1.39,60707,74.201.65.31,443,21687,8999\n';
  const { stats } = await readFlowBuffer(text);
  assert.deepEqual([stats.format, stats.flows, stats.nonDataLines, stats.lines], ['seed', 1, 1, 2]);
});

test('progress reports bytes read against the file size', async () => {
  const seen: [number, number | undefined][] = [];
  const path = fixture('extra-columns.binetflow');
  await readFlowFileAll(path, { onProgress: (done, total) => seen.push([done, total]) });
  const size = readFileSync(path).length;
  assert.ok(seen.length > 0);
  assert.deepEqual(seen[seen.length - 1], [size, size]);
});

test('an epoch time in exponent notation (Excel) is a bad timestamp, not a flow hours off', async () => {
  const columnMap: ColumnMap = { ts: 't', srcIp: 's', dstIp: 'd' };
  const text = 't,s,d\n1485534284000,10.0.0.1,10.0.0.2\n1485534285000,10.0.0.1,10.0.0.2\n1.48553E+12,10.0.0.1,10.0.0.4\n';
  const { stats } = await readFlowBuffer(text, { columnMap });
  assert.equal(stats.flows, 2);
  assert.deepEqual(stats.skipped, { 'bad-timestamp': { count: 1, firstLines: [4] } });
});

test('every column role names the reader field it fills, and messages name it back by role', () => {
  for (const role of COLUMN_ROLES) {
    const map = columnMapOfRoles({ ts: 't', src_ip: 's', dst_ip: 'd', [role]: 'x' });
    const fields = Object.entries(map).filter(([, column]) => column === 'x').map(([field]) => field as keyof ColumnMap);
    assert.equal(fields.length, 1, `role ${role} fills exactly one field`);
    assert.equal(roleOfField(fields[0]!), role);
  }
});
