/** CallResource routes: methods, bodies (size, JSON), the hosts helper and route errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleResource, MAX_BODY_BYTES } from '../../src/backend/resources.js';
import type { CallResourceRequest } from '../../src/backend/grafana/types.js';
import { callCtx, MemoryStore, memoryInstance, table } from './helpers/memoryStore.js';

const inst = memoryInstance(new MemoryStore(table([
  { ts: 100, src: '10.0.0.1', dst: '10.0.0.9' },
  { ts: 101, src: '10.0.0.1', dst: '10.0.0.8' },
  { ts: 102, src: '10.0.0.2', dst: '10.0.0.9' },
])));

const req = (method: string, url: string, body: Buffer | string = ''): CallResourceRequest => ({
  pluginContext: {} as never,
  method,
  path: url.split('?')[0]!,
  url,
  headers: {},
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

const status = (code: number) => (e: { status?: number }) => e.status === code;

describe('resource routes', () => {
  it('GET hosts returns the busiest hosts of the range as JSON', async () => {
    const r = await handleResource(req('GET', 'hosts?from=0&to=1000000&role=src'), inst, callCtx());
    assert.equal(r.status, 200);
    assert.deepEqual(r.headers, { 'Content-Type': ['application/json'] });
    assert.deepEqual(JSON.parse(String(r.body)), { hosts: ['10.0.0.1', '10.0.0.2'], total: 2 });
  });

  it('GET hosts without a time range says how to give one', async () => {
    await assert.rejects(handleResource(req('GET', 'hosts'), inst, callCtx()), /from and to, in epoch milliseconds/);
  });

  it('refuses the wrong method with 405', async () => {
    await assert.rejects(handleResource(req('POST', 'hosts?from=0&to=1'), inst, callCtx()), status(405));
  });

  it('rejects malformed and empty import bodies with 400, oversized ones with 413', async () => {
    await assert.rejects(handleResource(req('POST', 'profiles/import', '{oops'), inst, callCtx()), (e: { status?: number; message: string }) => e.status === 400 && /not valid JSON/.test(e.message));
    await assert.rejects(handleResource(req('POST', 'profiles/import', ''), inst, callCtx()), status(400));
    await assert.rejects(handleResource(req('POST', 'profiles/import', Buffer.alloc(MAX_BODY_BYTES + 1, 32)), inst, callCtx()), status(413));
  });

  it('rejects profile ids with unsafe characters and unknown routes', async () => {
    await assert.rejects(handleResource(req('GET', 'profiles/..%2Fx'), inst, callCtx()), status(400));
    await assert.rejects(handleResource(req('GET', 'nope'), inst, callCtx()), (e: { status?: number; message: string }) => e.status === 404 && /GET \/hosts/.test(e.message));
  });
});

describe('profile routes', () => {
  const T0 = 1_313_500_000;
  const rows = Array.from({ length: 90 }, (_, i) => ({ ts: T0 + i, src: i % 2 ? '10.0.0.1' : '10.0.0.2', dst: '10.0.0.9', proto: i % 4 < 2 ? 'tcp' : 'udp', bytes: 100 + (i % 9) * 50 }));
  const store = memoryInstance(new MemoryStore(table(rows)));
  const spec = { hosts: ['10.0.0.1'], states: 2, window: 3, iterations: 3 };

  it('gives one id to one training whatever the spelling of its range', async () => {
    const ids = [];
    for (const [from, to] of [
      ['2011-08-16T13:06:40Z', '2011-08-16T13:08:10Z'],
      ['2011-08-16T13:06:40.000Z', '2011-08-16T13:08:10.000Z'],
    ]) {
      const r = await handleResource(req('POST', 'profiles/train', JSON.stringify({ profile: { ...spec, from, to } })), store, callCtx());
      ids.push((JSON.parse(String(r.body)) as { id: string }).id);
    }
    const byQuery = await handleResource(req('POST', 'profiles/train', JSON.stringify({ profile: spec, from: T0 * 1000, to: (T0 + 90) * 1000 })), store, callCtx());
    ids.push((JSON.parse(String(byQuery.body)) as { id: string }).id);
    assert.equal(new Set(ids).size, 1, ids.join(' '));
  });

  it('keeps imported and deliberately trained profiles however many profiles queries train', async () => {
    const own = memoryInstance(new MemoryStore(table(rows)));
    const trained = JSON.parse(String((await handleResource(req('POST', 'profiles/train', JSON.stringify({ profile: spec, from: T0 * 1000, to: (T0 + 90) * 1000 })), own, callCtx())).body)) as { id: string; profile: unknown };
    const imported = JSON.parse(String((await handleResource(req('POST', 'profiles/import', JSON.stringify(trained.profile)), own, callCtx())).body)) as { id: string };
    // a panel whose spec has no range trains again for every new query range
    const dummy = own.profiles.get(trained.id);
    for (let k = 0; k < 100; k++) own.profiles.put(`spec-query-${k}`, dummy);
    assert.ok(own.profiles.get(trained.id));
    assert.ok(own.profiles.get(imported.id));
    assert.throws(() => own.profiles.get('spec-query-0'), /No profile spec-query-0/);
    assert.ok(own.profiles.get('spec-query-99'));
  });

  it('trains, exports by id, and imports the export back under a stable id', async () => {
    const trained = await handleResource(req('POST', 'profiles/train', JSON.stringify({ profile: spec, from: T0 * 1000, to: (T0 + 90) * 1000 })), store, callCtx());
    assert.equal(trained.status, 200);
    const { id, profile } = JSON.parse(String(trained.body)) as { id: string; profile: { spec: { hosts: string[] } } };
    assert.deepEqual(profile.spec.hosts, ['10.0.0.1']);
    const exported = await handleResource(req('GET', `profiles/${id}`), store, callCtx());
    assert.deepEqual(JSON.parse(String(exported.body)), profile);
    const other = memoryInstance(new MemoryStore(table([])));
    const imported = await handleResource(req('POST', 'profiles/import', String(exported.body)), other, callCtx());
    const again = await handleResource(req('POST', 'profiles/import', String(exported.body)), other, callCtx());
    assert.equal(JSON.parse(String(imported.body)).id, JSON.parse(String(again.body)).id);
    assert.deepEqual(JSON.parse(String((await handleResource(req('GET', `profiles/${JSON.parse(String(imported.body)).id}`), other, callCtx())).body)), profile);
  });

  it('rejects a training request without a range, and a profile document with wrong parts, with 400 and the problems', async () => {
    await assert.rejects(handleResource(req('POST', 'profiles/train', JSON.stringify({ profile: spec })), store, callCtx()), /Give the training range/);
    await assert.rejects(handleResource(req('POST', 'profiles/train', ''), store, callCtx()), status(400));
    await assert.rejects(handleResource(req('POST', 'profiles/train', JSON.stringify({ profile: { hosts: [] } })), store, callCtx()), (e: { status?: number; message: string }) => e.status === 400 && /reference host/.test(e.message));
    await assert.rejects(handleResource(req('POST', 'profiles/import', JSON.stringify({ version: 1, spec: {}, hmm: 3 })), store, callCtx()), (e: { status?: number; message: string }) => e.status === 400 && /The profile is not valid/.test(e.message));
  });

  it('also takes the bare spec as body with the range in the URL, and trains it only once', async () => {
    const url = `profiles/train?from=${T0 * 1000}&to=${(T0 + 90) * 1000}`;
    const a = JSON.parse(String((await handleResource(req('POST', url, JSON.stringify(spec)), store, callCtx())).body)) as { id: string };
    const b = JSON.parse(String((await handleResource(req('POST', url, JSON.stringify(spec)), store, callCtx())).body)) as { id: string };
    assert.equal(a.id, b.id);
  });

  it('answers 404 for a profile id it does not hold', async () => {
    await assert.rejects(handleResource(req('GET', 'profiles/abc'), store, callCtx()), status(404));
  });
});

describe('GET hosts within the data source limits', () => {
  it("refuses past 'Max hosts' as the hosts query does, and names the setting", async () => {
    const many = table(Array.from({ length: 50 }, (_, i) => ({ ts: 100 + i, src: `10.0.0.${i % 10}`, dst: '10.0.1.1' })));
    const limited = memoryInstance(new MemoryStore(many), { file: { root: '/unused' }, limits: { maxHosts: 3 } });
    await assert.rejects(handleResource(req('GET', 'hosts?from=0&to=1000000&role=src&limit=100'), limited, callCtx()), (e: { status?: number; message: string }) => e.status === 413 && /'Max hosts'/.test(e.message));
    // within the limit: the busiest first
    const r = await handleResource(req('GET', 'hosts?from=0&to=1000000&role=src&limit=3'), limited, callCtx());
    assert.equal(JSON.parse(String(r.body)).hosts.length, 3);
  });
});
