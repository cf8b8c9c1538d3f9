/**
 * hostScores and profile queries: frame shapes alerting and inspection panels rely on. Score
 * values themselves are the engine's (tested against hmmlearn there); here only what the backend
 * adds: one frame per host with unique {host} labels, the table columns, profile tables, caching.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableFromIPC, Type } from 'apache-arrow';
import { encodeFrameToArrow } from '../../../src/backend/grafana/arrowFrame.js';
import type { DataQuery } from '../../../src/backend/grafana/types.js';
import { parseQuery } from '../../../src/backend/plugin.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import { bucketSeconds } from '../../../src/backend/queries/hostScores.js';
import { profileToJSON } from '../../../src/engine/profile/index.js';
import { callCtx, MemoryStore, memoryInstance, table, type Row } from '../helpers/memoryStore.js';

const T0 = 1_313_500_000;
const rows: Row[] = [];
// reference-like hosts alternate small tcp and large udp flows; 10.0.0.3 sends only huge tcp flows
for (let i = 0; i < 240; i++) {
  const host = ['10.0.0.1', '10.0.0.2', '10.0.0.3'][i % 3]!;
  const k = Math.floor(i / 3);
  const odd = host === '10.0.0.3';
  rows.push({ ts: T0 + i * 5, src: host, dst: '10.0.0.9', sport: 1000 + i, dport: 80, proto: odd || k % 2 === 0 ? 'tcp' : 'udp', bytes: odd ? 1e6 + k : k % 2 === 0 ? 100 + (k % 7) : 5000 + (k % 11) });
}
rows.push({ ts: T0 + 3, src: '10.0.0.7', dst: '10.0.0.9', dport: 53, proto: 'udp', bytes: 60 }); // too few flows for a window

const profile = { hosts: ['10.0.0.1'], states: 2, window: 4, iterations: 5 };

function dq(model: Record<string, unknown>): DataQuery {
  return { refId: 'A', maxDataPoints: 1000, intervalMS: 60_000, timeRange: { fromMs: T0 * 1000, toMs: (T0 + 1200) * 1000 }, json: model, queryType: '' };
}

async function run(model: Record<string, unknown>, inst = memoryInstance(new MemoryStore(table(rows)))) {
  const q = dq(model);
  return (await runQuery(parseQuery(q), q, inst, callCtx())).map((f) => ({ frame: f, t: tableFromIPC(encodeFrameToArrow(f, 'A')) }));
}

describe('hostScores query', () => {
  it('answers one timeseries-multi frame per scored host: non-nullable time, float64 score labelled {host}, labels unique', async () => {
    const frames = await run({ queryType: 'hostScores', profile, output: 'timeseries', bucketSeconds: 300 });
    assert.equal(frames.length, 3, 'the host with one flow has no windows and no series');
    const hosts = new Set<string>();
    for (const { t } of frames) {
      const meta = JSON.parse(t.schema.metadata.get('meta')!) as { type: string; typeVersion: number[] };
      assert.equal(meta.type, 'timeseries-multi');
      assert.deepEqual(meta.typeVersion, [0, 1]);
      const [time, score] = t.schema.fields;
      assert.equal(time!.typeId, Type.Timestamp);
      assert.equal(time!.nullable, false);
      assert.equal(score!.name, 'score');
      assert.equal(String(score!.type), 'Float64');
      const labels = JSON.parse(score!.metadata.get('labels')!) as Record<string, string>;
      assert.deepEqual(Object.keys(labels), ['host']);
      assert.ok(labels.host);
      hosts.add(labels.host!);
      const ns = [...(t.getChild('time')!.data[0]!.values as BigInt64Array)];
      assert.deepEqual(ns, [...ns].sort((a, b) => (a < b ? -1 : 1)), 'time ascending');
      // T0 is not on a 300 s boundary: the first bucket began before the panel, so its point sits at the panel's start
      assert.equal(ns[0], BigInt(T0) * 1_000_000_000n);
      for (const v of ns.slice(1)) assert.equal(v % 300_000_000_000n, 0n, 'buckets aligned to 300 s');
    }
    assert.deepEqual([...hosts].sort(), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('draws a bucket longer than the panel range at the panel start, not left of the axis', async () => {
    const frames = await run({ queryType: 'hostScores', profile, output: 'timeseries', bucketSeconds: 86_400 });
    assert.ok(frames.length > 0);
    for (const { t } of frames) assert.deepEqual([...(t.getChild('time')!.data[0]!.values as BigInt64Array)], [BigInt(T0) * 1_000_000_000n]);
  });

  it('takes the bucket from the panel interval, rounded to whole seconds, at least 1 s', () => {
    const q = (intervalMS: number): DataQuery => ({ ...dq({}), intervalMS });
    const model = { bucketSeconds: 0 } as Parameters<typeof bucketSeconds>[0];
    assert.deepEqual([100, 499, 500, 1000, 60_000, 0].map((ms) => bucketSeconds(model, q(ms))), [1, 1, 1, 1, 60, 60]);
  });

  it('says which score chose the hosts when the series are not that score', async () => {
    const frames = await run({ queryType: 'hostScores', profile, output: 'timeseries', bucketSeconds: 300, method: 'viterbi' });
    const meta = JSON.parse(frames[0]!.t.schema.metadata.get('meta')!) as { custom: Record<string, string>; notices?: { text: string }[] };
    assert.equal(meta.custom.method, 'mean');
    assert.equal(meta.custom.rankedBy, 'viterbi');
    assert.match(meta.notices![0]!.text, /The viterbi score chose these hosts; each point is the mean per-window log-likelihood/);
  });

  it('answers a table with host, score, windows, flows and verdict; hosts without a score last with null', async () => {
    const { t } = (await run({ queryType: 'hostScores', profile, output: 'table' }))[0]!;
    assert.deepEqual(t.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`), [
      'host:Utf8:false',
      'score:Float64:true',
      'windows:Int64:false',
      'flows:Int64:false',
      'verdict:Utf8:true',
    ]);
    const hosts = [...t.getChild('host')!];
    assert.equal(hosts[hosts.length - 1], '10.0.0.7');
    assert.equal(t.getChild('score')!.get(hosts.length - 1), null);
    assert.equal(t.getChild('flows')!.get(hosts.indexOf('10.0.0.1')), 80n);
    assert.equal(t.getChild('windows')!.get(hosts.indexOf('10.0.0.1')), 77n, '80 flows, window 4 → 77 windows');
  });

  it('scores a host that behaves like the reference above one that does not', async () => {
    const { t } = (await run({ queryType: 'hostScores', profile, output: 'table' }))[0]!;
    const hosts = [...t.getChild('host')!];
    const score = (h: string) => t.getChild('score')!.get(hosts.indexOf(h)) as number;
    assert.ok(score('10.0.0.2') > score('10.0.0.3'));
  });

  it('trains a spec once per instance and reuses it', async () => {
    const inst = memoryInstance(new MemoryStore(table(rows)));
    await run({ queryType: 'hostScores', profile, output: 'table' }, inst);
    await run({ queryType: 'hostScores', profile, output: 'timeseries', method: 'loglik' }, inst);
    const ids = (await run({ queryType: 'profile', profile }, inst)).map((f) => f.frame.meta?.custom?.profileId).filter(Boolean);
    assert.equal(inst.profiles.size, 1);
    assert.doesNotThrow(() => inst.profiles.get(String(ids[0])));
    await run({ queryType: 'profile', profile: { ...profile, states: 3 } }, inst);
    assert.equal(inst.profiles.size, 2, 'a different spec is a different profile');
  });

  it("says when a range problem is the profile's own training range, not the panel's", async () => {
    const inst = memoryInstance(new MemoryStore(table(rows)), { file: { root: '/x' }, limits: { maxSpanSeconds: 3600 } });
    const own = { ...profile, from: '2011-08-01T00:00:00Z', to: '2011-08-16T00:00:00Z' };
    await assert.rejects(run({ queryType: 'hostScores', profile: own }, inst), (e: { status: number; message: string }) => {
      assert.equal(e.status, 400);
      assert.match(e.message, /^The profile's training range \(profile\.from, profile\.to\): the time range spans 15 days, more than this data source allows \(1 hour\)/);
      return true;
    });
  });

  it('refuses a dashboard variable that reached the server unreplaced (an alert rule) with a 400 saying so', async () => {
    await assert.rejects(run({ queryType: 'hostScores', profile, hosts: ['$host'] }), (e: { status: number; message: string }) => {
      assert.equal(e.status, 400);
      assert.match(e.message, /'\$host' is a dashboard variable, which alert rules and other queries run by the server do not replace/);
      return true;
    });
  });

  it('answers no data, with the reason, when the reference host sent nothing in the panel range (an alert sees NoData, not Error)', async () => {
    for (const output of ['timeseries', 'table']) {
      const frames = await run({ queryType: 'hostScores', output, profile: { ...profile, hosts: ['10.9.9.9'] } });
      assert.equal(frames.length, 1);
      const f = frames[0]!.frame;
      assert.equal(output === 'table' ? frames[0]!.t.numRows : f.fields.length, 0);
      assert.match(f.meta!.notices![0]!.text, /^reference host 10\.9\.9\.9 has no flows as source in the training range: no scores for this range\.$/);
    }
  });

  it('explains a reference host without flows as a 400 where the range is the profile\'s own, or for the profile query', async () => {
    await assert.rejects(run({ queryType: 'hostScores', profile: { ...profile, hosts: ['10.9.9.9'], from: String(T0), to: String(T0 + 1200) } }), (e: { status: number; message: string }) => e.status === 400 && /10\.9\.9\.9 has no flows/.test(e.message));
    await assert.rejects(run({ queryType: 'profile', profile: { ...profile, hosts: ['10.9.9.9'] } }), (e: { status: number; message: string }) => e.status === 400 && /10\.9\.9\.9 has no flows/.test(e.message));
  });

  it('refuses, as a 400 naming the feature, a profile whose features these flows do not have', async () => {
    const inst = memoryInstance(new MemoryStore(table(rows)));
    const ids = (await run({ queryType: 'profile', profile }, inst)).map((f) => f.frame.meta?.custom?.profileId).filter(Boolean);
    const trained = inst.profiles.get(String(ids[0]));
    // the same profile as if trained where flows have durations (binetflow): the memory store has none
    const doc = JSON.parse(JSON.stringify(profileToJSON(trained)).replaceAll('"bytes"', '"duration"')) as unknown;
    const { id } = inst.profiles.import(doc);
    await assert.rejects(run({ queryType: 'hostScores', profileId: id }, inst), (e: { status: number; message: string }) => {
      assert.equal(e.status, 400);
      assert.match(e.message, /was trained on the feature "duration", and these flows have no duration column/);
      return true;
    });
  });

  it('answers 404 for an unknown profile id', async () => {
    await assert.rejects(run({ queryType: 'hostScores', profileId: 'nope' }), (e: { status: number; message: string }) => e.status === 404 && /import it/.test(e.message));
  });

  it('returns the dataplane "no data" frame when no host has a series', async () => {
    const frames = await run({ queryType: 'hostScores', profile, output: 'timeseries', hosts: ['10.0.0.7'] });
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.t.schema.fields.length, 0);
    assert.equal(JSON.parse(frames[0]!.t.schema.metadata.get('meta')!).type, 'timeseries-multi');
  });
});

describe('profile query', () => {
  it('answers states, transitions, bins and training tables sized by the spec', async () => {
    const frames = await run({ queryType: 'profile', profile });
    assert.deepEqual(frames.map((f) => f.frame.name), ['states', 'transitions', 'bins', 'training']);
    const [states, transitions, bins, training] = frames.map((f) => f.t);
    assert.equal(states!.numRows, 2);
    assert.deepEqual(states!.schema.fields.map((f) => f.name), ['state', 'start probability', 'mean 1', 'mean 2', 'mean 3', 'mean 4', 'variance 1', 'variance 2', 'variance 3', 'variance 4']);
    assert.equal(transitions!.numRows, 2);
    for (let s = 0; s < 2; s++) {
      const sum = (transitions!.getChild('to 0')!.get(s) as number) + (transitions!.getChild('to 1')!.get(s) as number);
      assert.ok(Math.abs(sum - 1) < 1e-9, 'transition rows are distributions');
    }
    // default features: protocol (tcp, udp + other) and bytes in 5 bins
    assert.deepEqual([...bins!.getChild('feature')!], ['protocol', 'protocol', 'protocol', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes']);
    assert.deepEqual([...bins!.getChild('value')!].slice(0, 3), ['tcp', 'udp', '(other)']);
    assert.ok(training!.numRows >= 1 && training!.numRows <= 5);
  });
});

describe('host limit', () => {
  it('refuses to score more hosts than limits.maxHosts allows, naming the limit (413)', async () => {
    const inst = memoryInstance(new MemoryStore(table(rows)), { file: { root: '/x' }, limits: { maxHosts: 2 } });
    await assert.rejects(run({ queryType: 'hostScores', profile, output: 'table' }, inst), (e: { status: number; message: string }) => e.status === 413 && /holds 4 hosts, more than this data source allows \(2 hosts\)/.test(e.message));
    await assert.rejects(run({ queryType: 'hosts', role: 'src', limit: 1000 }, inst), (e: { status: number }) => e.status === 413);
    const within = await run({ queryType: 'hostScores', profile, output: 'table', hosts: ['10.0.0.1', '10.0.0.2'] }, inst);
    assert.equal(within.length, 1);
  });
});

describe('hostScores: listed hosts against Max hosts', () => {
  it('refuses more listed hosts (or reference hosts) than Max hosts with a 413 naming the setting, before reading flows', async () => {
    let reads = 0;
    const store = new MemoryStore(table(rows));
    const read = store.read.bind(store);
    store.read = async (...args: Parameters<typeof read>) => {
      reads++;
      return read(...args);
    };
    // the data's 4 sources are within the limit; 5 listed hosts are not
    const inst = memoryInstance(store, { file: { root: '/x' }, limits: { maxHosts: 4 } });
    const many = Array.from({ length: 5 }, (_, i) => `10.9.0.${i}`);
    for (const model of [{ queryType: 'hostScores', profile, hosts: many }, { queryType: 'hostScores', profile: { ...profile, hosts: many } }]) {
      await assert.rejects(run(model, inst), (e: { status: number; message: string }) => e.status === 413 && /lists 5 hosts, more than this data source allows \(4 hosts\).*'Max hosts'/.test(e.message));
    }
    assert.equal(reads, 0);
  });
});

describe('hostScores over a quiet range', () => {
  it('answers no data when the range holds no flow, under a profile trained on a range of its own', async () => {
    const inst = memoryInstance(new MemoryStore(table(rows)));
    const own = { ...profile, from: String(T0), to: String(T0 + 1200) };
    const later = { refId: 'A', maxDataPoints: 1000, intervalMS: 60_000, timeRange: { fromMs: (T0 + 86_400) * 1000, toMs: (T0 + 90_000) * 1000 }, json: { queryType: 'hostScores', profile: own, output: 'timeseries' }, queryType: '' };
    const frames = await runQuery(parseQuery(later), later, inst, callCtx());
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.fields.length, 0);
  });
});

describe('profile: reference hosts too short for a window', () => {
  it('says which reference host gave no window, for the profile query and host scores alike', async () => {
    const spec = { ...profile, hosts: ['10.0.0.1', '10.0.0.7'] };
    for (const model of [{ queryType: 'profile', profile: spec }, { queryType: 'hostScores', profile: spec, output: 'table' }]) {
      const frames = await run(model);
      const notices = frames.flatMap((f) => f.frame.meta?.notices ?? []).map((n) => n.text);
      assert.ok(notices.some((t) => /^Reference host 10\.0\.0\.7 \(1 flow\) gave no window \(fewer flows than the window of 4\)/.test(t)), `${model.queryType}: ${JSON.stringify(notices)}`);
    }
  });
});
