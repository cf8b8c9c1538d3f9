/** Equality of window aggregates and feature columns between the two producers. */
import assert from 'node:assert/strict';
import type { WindowAggregate } from '../../../src/engine/features/windowAggregate.js';
import { computeFeatures } from '../../../src/engine/features/compute.js';
import { ALL_FEATURES } from '../../../src/query/featureCatalog.js';

const sorted = (a: Float64Array): number[] => [...a].sort((x, y) => x - y);

export function assertSameAggregates(actual: readonly WindowAggregate[], expected: readonly WindowAggregate[], what: string): void {
  assert.deepEqual(actual.map((a) => a.start), expected.map((a) => a.start), `${what}: window starts`);
  expected.forEach((e, k) => {
    const a = actual[k]!;
    const at = `${what}, window ${e.start}`;
    assert.equal(a.entries, e.entries, `${at}: entries`);
    assert.deepEqual(a.distinct, e.distinct, `${at}: distinct`);
    assert.deepEqual(a.states, e.states, `${at}: states`);
    assert.equal(a.countConns, e.countConns, `${at}: countConns`);
    assert.equal(a.countFlows, e.countFlows, `${at}: countFlows`);
    for (const key of Object.keys(e.rowsPer) as (keyof WindowAggregate['rowsPer'])[]) assert.deepEqual(sorted(a.rowsPer[key]), sorted(e.rowsPer[key]), `${at}: ${key}`);
    for (const key of Object.keys(e.distinctPer) as (keyof WindowAggregate['distinctPer'])[]) assert.deepEqual(sorted(a.distinctPer[key]), sorted(e.distinctPer[key]), `${at}: ${key}`);
    assert.equal(a.bytesUp, e.bytesUp, `${at}: bytesUp`);
    assert.equal(a.bytesDown, e.bytesDown, `${at}: bytesDown`);
    assert.equal(a.bytesTotal, e.bytesTotal, `${at}: bytesTotal`);
  });
}

/** Every catalog feature of every window within 1e-12 (relative for large values); NaN only where NaN. */
export function assertSameFeatures(actual: readonly WindowAggregate[], expected: readonly WindowAggregate[], what: string): void {
  const a = computeFeatures(actual, ALL_FEATURES);
  const e = computeFeatures(expected, ALL_FEATURES);
  assert.deepEqual([...a.time], [...e.time], `${what}: times`);
  e.columns.forEach((col, j) => {
    col.forEach((x, k) => assertClose(a.columns[j]![k]!, x, `${what}: ${e.names[j]} at ${e.time[k]}`));
  });
}

export function assertClose(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  const tol = 1e-12 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}
