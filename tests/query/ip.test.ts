import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, formatIp, parseCidr, parseIp } from '../../src/query/ip.js';

const must = (text: string) => {
  const r = parseCidr(text);
  assert.ok(r.ok, `expected ${text} to parse`);
  return r.value;
};

test('IPv4 CIDRs match addresses inside the prefix and nothing else', () => {
  const net = must('10.1.0.0/16');
  assert.equal(net.text, '10.1.0.0/16');
  assert.ok(cidrContains(net, parseIp('10.1.255.3')!));
  assert.ok(!cidrContains(net, parseIp('10.2.0.1')!));
  assert.ok(cidrContains(must('147.32.84.165'), parseIp('147.32.84.165')!));
  assert.ok(cidrContains(must('0.0.0.0/0'), parseIp('8.8.8.8')!));
});

test('host bits of a CIDR are cleared and odd prefixes mask partial bytes', () => {
  const net = must('192.168.1.77/25');
  assert.equal(net.text, '192.168.1.0/25');
  assert.ok(cidrContains(net, parseIp('192.168.1.127')!));
  assert.ok(!cidrContains(net, parseIp('192.168.1.128')!));
});

test('IPv6 CIDRs handle compression, embedded IPv4 and never match IPv4 addresses', () => {
  const net = must('2001:db8::/32');
  assert.equal(net.text, '2001:db8::/32');
  assert.ok(cidrContains(net, parseIp('2001:db8:1::5')!));
  assert.ok(!cidrContains(net, parseIp('2001:db9::1')!));
  assert.ok(!cidrContains(net, parseIp('10.0.0.1')!));
  assert.deepEqual(parseIp('::ffff:1.2.3.4'), new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]));
  assert.ok(cidrContains(must('1.2.3.0/24'), parseIp('::ffff:1.2.3.4')!), 'IPv4-mapped IPv6 matches IPv4 networks');
  assert.equal(formatIp(parseIp('fe80:0:0:0:1:0:0:1')!), 'fe80::1:0:0:1');
});

test('invalid CIDRs are refused with a reason a user can act on', () => {
  const r = parseCidr('10.0.0.0/33');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /prefix length must be 0–32/);
  for (const bad of ['', '10.0.0', '256.1.1.1/8', '1::2::3/64', 'fe80::/129', 'aa:bb:cc:dd:ee:ff/8', '10.0.0.1/x']) {
    assert.equal(parseCidr(bad).ok, false, bad);
  }
  assert.equal(parseIp('00:1b:21:3a:4f:5c'), null, 'a MAC address is not an IP');
});
