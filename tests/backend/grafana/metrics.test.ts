/** Prometheus text exposition of our counters and histograms. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../../src/backend/grafana/metrics.js';

describe('MetricsRegistry', () => {
  it('renders counters with HELP, TYPE and escaped labels', () => {
    const r = new MetricsRegistry();
    const c = r.counter('x_total', 'Things.');
    c.inc({ kind: 'a"b' });
    c.inc({ kind: 'a"b' }, 2);
    assert.equal(r.render(), '# HELP x_total Things.\n# TYPE x_total counter\nx_total{kind="a\\"b"} 3\n');
  });

  it('renders cumulative histogram buckets, +Inf, sum and count', () => {
    const r = new MetricsRegistry();
    const h = r.histogram('lat_seconds', 'Latency.', [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    const text = r.render();
    assert.match(text, /lat_seconds_bucket\{le="0.1"\} 1\n/);
    assert.match(text, /lat_seconds_bucket\{le="1"\} 2\n/);
    assert.match(text, /lat_seconds_bucket\{le="\+Inf"\} 3\n/);
    assert.match(text, /lat_seconds_sum 5.55\n/);
    assert.match(text, /lat_seconds_count 3\n/);
  });

  it('refuses duplicate names, bad names and counters going down', () => {
    const r = new MetricsRegistry();
    r.counter('a_total', 'A.');
    assert.throws(() => r.counter('a_total', 'A.'), /twice/);
    assert.throws(() => r.counter('bad-name', 'B.'), /bad metric name/);
    assert.throws(() => r.counter('c_total', 'C.').inc({}, -1), /only go up/);
  });
});
