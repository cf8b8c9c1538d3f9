import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilterArgs, validateFilter } from '../../src/query/filter.js';
import { parseCidr } from '../../src/query/ip.js';

test('CLI filter arguments accumulate per key and normalise', () => {
  assert.deepEqual(parseFilterArgs(['src=10.0.0.0/8', 'dport=53,443', 'proto=TCP,udp', 'dst=2001:db8::/32', 'port=22', 'dport=80']), {
    srcCidrs: ['10.0.0.0/8'],
    dstCidrs: ['2001:db8::/32'],
    dstPorts: [53, 80, 443],
    ports: [22],
    protocols: ['tcp', 'udp'],
  });
});

test('CLI filter mistakes say what to write', () => {
  assert.throws(() => parseFilterArgs(['host=1.2.3.4']), /key one of src, dst, sport, dport, port, proto/);
  assert.throws(() => parseFilterArgs(['dport=http']), /'dport=http': 'http' is not a port: use whole numbers from 0 to 65535$/);
  assert.throws(() => parseFilterArgs(['port=70000']), /'70000' is not a port/);
  assert.throws(() => parseFilterArgs(['sport=1-1024']), /'1-1024' is not a port: .*port ranges are not supported: list the ports with commas/);
  assert.throws(() => parseFilterArgs(['src=10.0.0.0/33']), /'10.0.0.0\/33' is not a valid CIDR: IPv4 prefix length must be 0–32/);
  assert.throws(() => parseFilterArgs(['src=']), /no value/);
});

test('validation lists every problem with the field it concerns', () => {
  const errors = validateFilter({ srcCidrs: ['10.0.0.0/8', 'fe80::/129'], ports: [70000], color: 'red' });
  assert.deepEqual(errors.map((e) => e.field), ['filter.srcCidrs[1]', 'filter.ports[0]', 'filter.color']);
  assert.match(errors[0]!.message, /IPv6 prefix length must be 0–128/);
});

test('a bare address is a host network and host bits are cleared', () => {
  const r = parseCidr('10.1.2.3/8');
  assert.ok(r.ok && r.value.text === '10.0.0.0/8');
  const h = parseCidr('2001:db8::1');
  assert.ok(h.ok && h.value.prefix === 128);
  assert.equal(parseCidr('aa:bb:cc:dd:ee:ff').ok, false);
});
