import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatTables, createDictionaries, FlowTableBuilder, NO_CODE, sliceTable, totalBytes } from '../../src/engine/flowTable.js';

function addRow(b: FlowTableBuilder, ts: number, src: string, dst: string, up: number, down: number): void {
  const i = b.addRow();
  b.ts[i] = ts;
  b.srcIp[i] = b.dicts.ip.code(src);
  b.dstIp[i] = b.dicts.ip.code(dst);
  b.srcPort[i] = 1000 + i;
  b.dstPort[i] = 80;
  b.proto[i] = b.dicts.proto.code('tcp');
  if (b.srcBytes) b.srcBytes[i] = up;
  if (b.dstBytes) b.dstBytes[i] = down;
}

test('builder grows past its initial capacity and keeps every row', () => {
  const b = new FlowTableBuilder(createDictionaries(), ['srcBytes', 'dstBytes'], 16);
  for (let i = 0; i < 1000; i++) addRow(b, i, `10.0.0.${i % 7}`, '10.1.1.1', i, 2 * i);
  const t = b.finish();
  assert.equal(t.length, 1000);
  assert.equal(t.ts[999], 999);
  assert.equal(t.dicts.ip.size, 8);
  assert.equal(t.state, null);
  assert.equal(totalBytes(t)[10], 30);
});

test('concatenating chunks fills columns a chunk lacks with missing values', () => {
  const dicts = createDictionaries();
  const a = new FlowTableBuilder(dicts, ['srcBytes', 'dstBytes']);
  addRow(a, 1, 'a', 'b', 1, 2);
  const b = new FlowTableBuilder(dicts, ['srcBytes', 'dstBytes', 'state']);
  addRow(b, 2, 'a', 'c', 3, 4);
  b.state![0] = dicts.state.code('closed');
  const t = concatTables(dicts, [a.finish(), b.finish()]);
  assert.equal(t.length, 2);
  assert.deepEqual([...t.state!], [NO_CODE, 0]);
  assert.deepEqual([...sliceTable(t, 1, 2).dstIp].map((c) => dicts.ip.value(c)), ['c']);
});

test('dictionary codes follow first appearance', () => {
  const dicts = createDictionaries();
  assert.deepEqual(['x', 'y', 'x', 'z'].map((s) => dicts.ip.code(s)), [0, 1, 0, 2]);
  assert.throws(() => dicts.ip.value(9), RangeError);
});
