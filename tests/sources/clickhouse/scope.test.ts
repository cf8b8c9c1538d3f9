import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedScope, windowRuns, type WindowRun } from '../../../src/sources/clickhouse/scope.js';

function runOf(runs: readonly WindowRun[], w: number): number[] {
  return runs.flatMap((r, i) => ((r.firstWindow === null || w >= r.firstWindow) && (r.endWindow === null || w < r.endWindow) ? [i] : []));
}

test('a scope without a start is one run without window bounds; one without an end, or inside one window, is one run from its first window', () => {
  for (const scope of [{ from: -Infinity, to: Infinity }, { from: -Infinity, to: 100 }]) {
    assert.deepEqual(windowRuns(scope, 10, 2), [{ scope, firstWindow: null, endWindow: null }], JSON.stringify(scope));
  }
  for (const scope of [{ from: 100, to: Infinity }, { from: 101, to: 109 }]) {
    assert.deepEqual(windowRuns(scope, 10, 2), [{ scope, firstWindow: 10, endWindow: null }], JSON.stringify(scope));
  }
});

test('every instant of a bounded scope falls in exactly one run, whose time bounds hold it', () => {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const T of [10, 7.5, 0.1, 0.7, 3600, 1e-3]) {
    for (const [from, to] of [[1_313_488_800, 1_313_492_400], [1_485_535_480.35, 1_485_536_079.9], [0, 25 * T]]) {
      for (const count of [2, 3, 8]) {
        const runs = windowRuns({ from: from!, to: to! }, T, count);
        const windows = Math.ceil(to! / T) - Math.floor(from! / T); // windows [from, to) touches
        assert.equal(runs.length, Math.min(count, windows), `runs for T=${T} count=${count}`);
        const probes = [from!, to! - (to! - from!) * 1e-12, ...runs.flatMap((r) => (r.endWindow === null ? [] : [r.endWindow * T, r.endWindow * T - T * 1e-9, r.endWindow * T + T * 1e-9]))];
        for (let k = 0; k < 2000; k++) probes.push(from! + random() * (to! - from!));
        for (const ts of probes) {
          if (!(ts >= from! && ts < to!)) continue;
          const w = Math.floor(ts / T);
          const owners = runOf(runs, w);
          assert.equal(owners.length, 1, `ts=${ts} T=${T}: window ${w} in runs ${owners.join(',')}`);
          const { scope } = runs[owners[0]!]!;
          assert.ok(ts >= scope.from && ts < scope.to, `ts=${ts} T=${T} outside its run's scope [${scope.from}, ${scope.to})`);
        }
      }
    }
  }
});

test('runs are cut at whole windows near equal shares and never outnumber the windows', () => {
  const runs = windowRuns({ from: 1_313_488_800, to: 1_313_492_400 }, 10, 2);
  assert.deepEqual(runs.map((r) => [r.firstWindow, r.endWindow]), [[131_348_880, 131_349_060], [131_349_060, null]]);
  assert.equal(windowRuns({ from: 0, to: 30 }, 10, 8).length, 3);
});

test('an open side is closed at the rows\' extent, one window past the newest row; no rows or a sub-resolution window leave the scope open', () => {
  const open = { from: -Infinity, to: Infinity };
  assert.deepEqual(closedScope(open, 10, 100, 250, 7), { from: 100, to: 260 });
  assert.deepEqual(closedScope({ from: 120, to: Infinity }, 10, 100, 250, 7), { from: 120, to: 260 });
  assert.deepEqual(closedScope({ from: -Infinity, to: 200 }, 10, 100, 199.5, 7), { from: 100, to: 200 });
  assert.equal(closedScope(open, 10, 0, 0, 0), open);
  assert.equal(closedScope(open, 1e-7, 1_485_535_480, 1_485_536_079, 7), open);
});
