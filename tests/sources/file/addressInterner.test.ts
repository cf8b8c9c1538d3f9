import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringDictionary } from '../../../src/engine/flowTable.js';
import { AddressInterner } from '../../../src/sources/file/addressInterner.js';

const enc = new TextEncoder();
const codeOf = (a: AddressInterner, text: string): number => {
  const b = enc.encode(`,${text},`);
  return a.code(b, 1, b.length - 1);
};

test('IPv4, IPv6 and MAC addresses get one code per distinct lower-cased value; non-addresses get -1', () => {
  const dict = new StringDictionary();
  const a = new AddressInterner(dict);
  const v4 = codeOf(a, '147.32.84.165');
  assert.equal(codeOf(a, '147.32.84.165'), v4);
  assert.equal(dict.value(v4), '147.32.84.165');
  assert.equal(codeOf(a, '0.0.0.0'), dict.lookup('0.0.0.0'));
  assert.equal(codeOf(a, 'FE80::1'), codeOf(a, 'fe80::1'));
  assert.equal(codeOf(a, '::ffff:10.0.0.1'), dict.lookup('::ffff:10.0.0.1'));
  assert.equal(codeOf(a, '00:1A:2B:3C:4D:5E'), dict.lookup('00:1a:2b:3c:4d:5e'));
  for (const bad of ['256.1.1.1', '010.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '', 'host.example', '1.2.3.4 ', '12345::1::2', 'g::1']) {
    assert.equal(codeOf(a, bad), -1, bad);
  }
});

test('many distinct IPv4 addresses keep distinct codes across table growth', () => {
  const dict = new StringDictionary();
  const a = new AddressInterner(dict);
  const codes = new Set<number>();
  for (let i = 0; i < 20000; i++) codes.add(codeOf(a, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
  assert.equal(codes.size, 20000);
  for (let i = 0; i < 20000; i += 997) assert.equal(dict.value(codeOf(a, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)), `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
});
