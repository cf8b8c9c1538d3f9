import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_FEATURES, FEATURE_FAMILIES, orderFeatures, SEED_FEATURES } from '../../src/query/featureCatalog.js';
import { NOTEBOOK_FEATURES } from '../parity/notebookFeatures.js';

test('the seed catalog has the 56 features of the notebook, starting and ending as it does', () => {
  assert.equal(SEED_FEATURES.length, 56);
  assert.equal(SEED_FEATURES[0], 'num_entries');
  assert.equal(SEED_FEATURES[11], 'count_conns');
  assert.equal(SEED_FEATURES[18], 'count_flows');
  assert.equal(SEED_FEATURES[19], 'num_flows_per_conn_mean');
  assert.equal(SEED_FEATURES[55], 'src_ip_per_dst_port_perc90');
  assert.equal(new Set(ALL_FEATURES).size, ALL_FEATURES.length);
});

test('the seed catalog is the notebook\'s column list, name for name and in its order, and ALL_FEATURES starts with it', () => {
  assert.deepEqual(SEED_FEATURES, NOTEBOOK_FEATURES);
  assert.deepEqual(ALL_FEATURES.slice(0, 56), NOTEBOOK_FEATURES);
});

test('every feature belongs to exactly one family', () => {
  const seen = FEATURE_FAMILIES.flatMap((f) => f.features);
  assert.equal(seen.length, ALL_FEATURES.length);
  assert.deepEqual(new Set(seen), new Set(ALL_FEATURES));
});

test('orderFeatures puts a selection in catalog order', () => {
  assert.deepEqual(orderFeatures(['bytes_up', 'count_src_ip', 'num_entries', 'count_src_ip']), ['num_entries', 'count_src_ip', 'bytes_up']);
});
