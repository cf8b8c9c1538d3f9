import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledFilter, filterTable } from '../../../src/engine/filter/flowFilter.js';
import { protocolAliases } from '../../../src/engine/protocols.js';
import { tableOf, type Row } from '../features/tableFixture.js';

const ROWS: Row[] = [
  { ts: 1, proto: 'tcp', src: '10.1.2.3', sport: 4000, dst: '192.168.0.1', dport: 443 },
  { ts: 2, proto: 'udp', src: '10.200.0.1', sport: 53, dst: '8.8.8.8', dport: 5353 },
  { ts: 3, proto: 'tcp', src: '2001:db8::5', sport: 22, dst: '2001:db8:1::1', dport: 8080 },
  { ts: 4, proto: 'arp', src: '00:11:22:33:44:55', sport: null, dst: '10.1.0.1', dport: null },
  { ts: 5, proto: 'icmp', src: '::ffff:10.9.9.9', sport: null, dst: '172.16.0.1', dport: null },
];

const kept = (filter: ConstructorParameters<typeof CompiledFilter>[0]): number[] => [...filterTable(tableOf(ROWS), filter).ts];

test('an empty filter keeps every row without building a mask', () => {
  assert.equal(new CompiledFilter({}).keepMask(tableOf(ROWS)), null);
  assert.deepEqual(kept(undefined), [1, 2, 3, 4, 5]);
});

test('source CIDRs match IPv4, IPv4-mapped IPv6 and never a MAC address', () => {
  assert.deepEqual(kept({ srcCidrs: ['10.0.0.0/8'] }), [1, 2, 5]);
  assert.deepEqual(kept({ srcCidrs: ['10.1.0.0/16', '2001:db8::/32'] }), [1, 3]);
  assert.deepEqual(kept({ srcCidrs: ['0.0.0.0/0'] }), [1, 2, 5]);
});

test('destination CIDRs work for IPv6 prefixes that are not byte aligned', () => {
  assert.deepEqual(kept({ dstCidrs: ['2001:db8:1::/49'] }), [3]);
  assert.deepEqual(kept({ dstCidrs: ['2001:db8:8000::/33'] }), []);
});

test('port filters never match flows without ports; `ports` matches either side', () => {
  assert.deepEqual(kept({ dstPorts: [443, 8080] }), [1, 3]);
  assert.deepEqual(kept({ srcPorts: [53] }), [2]);
  assert.deepEqual(kept({ ports: [22, 5353] }), [2, 3]);
});

test('protocol filters compare names case-insensitively and combine with other fields (AND)', () => {
  assert.deepEqual(kept({ protocols: ['TCP'] }), [1, 3]);
  assert.deepEqual(kept({ protocols: ['tcp'], srcCidrs: ['10.0.0.0/8'] }), [1]);
  assert.deepEqual(kept({ protocols: ['arp', 'icmp'], dstCidrs: ['10.0.0.0/8', '172.16.0.0/12'] }), [4, 5]);
});

test('a protocol number keeps what its name keeps, and a name what its number keeps', () => {
  assert.deepEqual(kept({ protocols: ['6'] }), kept({ protocols: ['tcp'] }));
  assert.deepEqual(kept({ protocols: ['1'] }), kept({ protocols: ['icmp'] }));
  assert.deepEqual(protocolAliases('TCP'), ['tcp', '6']);
  assert.deepEqual(protocolAliases('17'), ['17', 'udp']);
  assert.deepEqual(protocolAliases('arp'), ['arp']);
});

test('the address verdict cache follows a dictionary that grows between chunks', () => {
  const f = new CompiledFilter({ srcCidrs: ['10.0.0.0/8'] });
  const first = tableOf(ROWS.slice(0, 2));
  assert.deepEqual([...f.keepMask(first)!], [1, 1]);
  const second = tableOf(ROWS, first.dicts);
  assert.deepEqual([...f.keepMask(second)!], [1, 1, 0, 0, 1]);
});

test('an invalid network is refused with the reason', () => {
  assert.throws(() => new CompiledFilter({ srcCidrs: ['10.0.0.0/33'] }), /IPv4 prefix length must be 0–32/);
});
