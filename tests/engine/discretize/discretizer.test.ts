import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binOf, codeSpace, encodeFlows, fitDiscretizer } from '../../../src/engine/discretize/index.js';
import { tableOfFlows } from '../profile/fixture.js';

const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

test('numeric bins: edges are the k/p quantiles, code = number of edges ≤ x, missing → 0', () => {
  const t = tableOfFlows([10, 20, 30, 40, 50].map((bytes, i) => ({ ts: i, src: '1.1.1.1', proto: 'tcp', bytes })));
  const d = fitDiscretizer(t, all(5), [{ name: 'bytes', bins: 5 }]);
  assert.deepEqual((d.features[0] as { edges: number[] }).edges, [18, 26, 34, 42]);
  const edges = [18, 26, 34, 42];
  assert.deepEqual([10, 18, 25.9, 26, 42, 1e9, NaN].map((x) => binOf(edges, x)), [0, 1, 1, 2, 4, 4, 0]);
  assert.equal(binOf([5, 5, 5], 5), 3, 'repeated edges all count');
});

test('categorical codes follow first appearance; unseen values share the extra "other" code; mixed radix in declared order', () => {
  const ref = tableOfFlows([
    { ts: 0, src: '1.1.1.1', proto: 'udp', bytes: 1 },
    { ts: 1, src: '1.1.1.1', proto: 'tcp', bytes: 2 },
    { ts: 2, src: '1.1.1.1', proto: 'udp', bytes: 3 },
    { ts: 3, src: '1.1.1.1', proto: 'tcp', bytes: 4 },
    { ts: 4, src: '2.2.2.2', proto: 'icmp', bytes: 100 },
  ]);
  const d = fitDiscretizer(ref, all(4), [{ name: 'protocol' }, { name: 'bytes', bins: 2 }]);
  assert.deepEqual((d.features[0] as { vocabulary: string[] }).vocabulary, ['udp', 'tcp']);
  assert.equal(codeSpace(d), 3 * 2);
  // bytes edge = median 2.5: udp,1 → 0·2+0; tcp,2 → 1·2+0; udp,3 → 0·2+1; tcp,4 → 1·2+1; icmp,100 → 2·2+1
  assert.deepEqual(Array.from(encodeFlows(d, ref, all(5))), [0, 2, 1, 3, 5]);
});

test('the discretizer applies to another table whose dictionaries number things differently', () => {
  const ref = tableOfFlows([{ ts: 0, src: '1.1.1.1', proto: 'tcp', bytes: 1 }, { ts: 1, src: '1.1.1.1', proto: 'udp', bytes: 1 }]);
  const other = tableOfFlows([{ ts: 0, src: '9.9.9.9', proto: 'udp', bytes: 1 }, { ts: 1, src: '9.9.9.9', proto: 'gre', bytes: 1 }, { ts: 2, src: '9.9.9.9', proto: 'tcp', bytes: 1 }]);
  const d = fitDiscretizer(ref, all(2), [{ name: 'protocol' }]);
  assert.deepEqual(Array.from(encodeFlows(d, other, all(3))), [1, 2, 0]);
});

test('a numeric feature the format lacks is refused with a message naming it', () => {
  const t = tableOfFlows([{ ts: 0, src: '1.1.1.1', proto: 'tcp', bytes: 1 }]);
  assert.throws(() => fitDiscretizer(t, all(1), [{ name: 'packets', bins: 3 }]), /no packets column/);
});
