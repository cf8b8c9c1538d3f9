/**
 * The file store under load (found by a load audit, 2026-12-06): limits and caching under realistic
 * query sequences. Each test states the behaviour expected of the file store. No timing asserts:
 * the audit measured the times (figures in the CHANGELOG).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RequestAbortedError } from '../../../src/backend/grafana/errors.js';
import { createLogger } from '../../../src/backend/grafana/logger.js';
import { MetricsRegistry } from '../../../src/backend/grafana/metrics.js';
import type { FlowlensInstance } from '../../../src/backend/instance.js';
import { parseQuery } from '../../../src/backend/plugin.js';
import { ProfileRegistry } from '../../../src/backend/profiles.js';
import { runQuery } from '../../../src/backend/queries/index.js';
import { FileStore, type FlowFileParser } from '../../../src/backend/store/fileStore.js';
import { probeFlowFile, readFlowFiles } from '../../../src/backend/store/flowFiles.js';
import { resolveSettings } from '../../../src/query/settings.js';
import { inTempDir } from '../helpers/tempDir.js';

const T0 = 1_313_488_800; // 2011-08-16T10:00:00Z
const HOUR = 3600;

/** One seed-format CSV per hour, `rows` flows each, spread over the hour; host .12 sends varied flows. */
function writeHours(dir: string, hours: number, rows: number): void {
  for (let h = 0; h < hours; h++) {
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      const ts = T0 + h * HOUR + Math.floor((i * HOUR) / rows);
      const d = new Date(ts * 1000).toISOString().replace('T', ' ').slice(0, 19);
      const src = `147.32.84.${10 + (i % 5) + (i % 7 === 0 ? 2 : 0)}`;
      lines.push(`${d},${i % 3 ? 'tcp' : 'udp'},established,${src},${1024 + i},76.125.194.${i % 50},${i % 2 ? 80 : 443},${100 + ((i * 37) % 900)},${200 + ((i * 91) % 5000)}`);
    }
    writeFileSync(join(dir, `flows-${h}.csv`), lines.join('\n') + '\n');
  }
}

function counted(names: string[]): FlowFileParser {
  return (f, o) => {
    names.push(f.name);
    return readFlowFiles(f, o);
  };
}

function instance(root: string, parsed: string[], opts: { limits?: Record<string, number>; cacheRows?: number } = {}): FlowlensInstance {
  const r = resolveSettings({ file: { root }, limits: opts.limits ?? {} });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const store = new FileStore(r.settings.file, counted(parsed), { probe: probeFlowFile, listingTtlMs: 1000, maxBytes: r.settings.limits.maxBytes, ...(opts.cacheRows ? { cacheRows: opts.cacheRows } : {}) });
  return { uid: 'a', name: 'a', settings: r.settings, store, logger: createLogger({ write: () => undefined }), flowsRead: new MetricsRegistry().counter('x', 'x'), profiles: new ProfileRegistry(), requireStore: () => store, dispose: async () => store.dispose() };
}

async function query(inst: FlowlensInstance, json: Record<string, unknown>, from: number, to: number): Promise<{ status: number; message?: string }> {
  const dq = { refId: 'A', maxDataPoints: 100000, intervalMS: 10000, timeRange: { fromMs: from * 1000, toMs: to * 1000 }, json, queryType: '' };
  try {
    await runQuery(parseQuery(dq), dq, inst, { signal: new AbortController().signal, logger: createLogger({ write: () => undefined }), metadata: {} });
    return { status: 200 };
  } catch (e) {
    return { status: (e as { status?: number }).status ?? 500, message: (e as Error).message };
  }
}

const FEATURES = { queryType: 'features', windowSeconds: 10, features: ['num_entries'] };

describe('file store under load', () => {
  it("'Max flows per query' stops the read once it is passed, not after every file is parsed", async () => {
    await inTempDir('flowlens-load-', async (dir) => {
      writeHours(dir, 6, 2000);
      const parsed: string[] = [];
      const r = await query(instance(dir, parsed, { limits: { maxRows: 1000 } }), FEATURES, T0, T0 + 6 * HOUR);
      assert.equal(r.status, 413);
      // the first file alone holds 2,000 flows > 1,000: nothing after it needs parsing to refuse
      assert.ok(parsed.length <= 1, `parsed ${parsed.length} files (${parsed.join(' ')}) before refusing`);
    });
  });

  it("'Max bytes read' counts the files the range needs, also right after a restart (cold cache)", async () => {
    await inTempDir('flowlens-load-', async (dir) => {
      writeHours(dir, 6, 2000);
      const oneFile = 2000 * 100; // each file is ≈ 160 kB; allow about 1.5 files
      const parsed: string[] = [];
      const inst = instance(dir, parsed, { limits: { maxBytes: Math.round(oneFile * 1.5 * 1.05) } });
      // "last 10 minutes": inside the newest file only
      const r = await query(inst, FEATURES, T0 + 6 * HOUR - 600, T0 + 6 * HOUR);
      assert.equal(r.status, 200, `a 10-minute range inside one file was refused on a cold cache: ${r.message} (parsed ${parsed.join(' ')})`);
    });
  });

  it('a range slightly larger than the row cache does not re-parse every file on every refresh', async () => {
    await inTempDir('flowlens-load-', async (dir) => {
      writeHours(dir, 6, 2000);
      const parsed: string[] = [];
      // the cache holds 5 of the 6 files
      const inst = instance(dir, parsed, { cacheRows: 10_000 });
      assert.equal((await query(inst, FEATURES, T0, T0 + 6 * HOUR)).status, 200);
      const first = parsed.length;
      assert.equal((await query(inst, FEATURES, T0, T0 + 6 * HOUR)).status, 200);
      const again = parsed.length - first;
      assert.ok(again <= 1, `the refresh parsed ${again} of 6 files again (${parsed.slice(first).join(' ')}) though 5 fit in the cache`);
    });
  });

  it('a hostScores query parses each file once (scoring and training read the same range)', async () => {
    await inTempDir('flowlens-load-', async (dir) => {
      writeHours(dir, 6, 2000);
      const parsed: string[] = [];
      const inst = instance(dir, parsed, { cacheRows: 10_000 });
      const r = await query(inst, { queryType: 'hostScores', profile: { hosts: ['147.32.84.12'] }, output: 'table' }, T0, T0 + 6 * HOUR);
      assert.equal(r.status, 200, r.message);
      assert.equal(parsed.length, 6, `parsed ${parsed.length} times: ${parsed.join(' ')}`);
    });
  });

  it('concurrent panels over the same files parse each file once', async () => {
    await inTempDir('flowlens-load-', async (dir) => {
      writeHours(dir, 6, 2000);
      const parsed: string[] = [];
      const inst = instance(dir, parsed);
      const rs = await Promise.all([query(inst, FEATURES, T0, T0 + 6 * HOUR), query(inst, { ...FEATURES, features: ['count_src_ip'] }, T0, T0 + 6 * HOUR), query(inst, { queryType: 'hosts', role: 'src', limit: 5 }, T0, T0 + 6 * HOUR)]);
      assert.deepEqual(rs.map((r) => r.status), [200, 200, 200]);
      assert.equal(parsed.length, 6);
    });
  });
});

describe('file store cancellation with shared parses', () => {
  /** A parser that waits for `gate` (the test opens it), honouring the signal it was given. */
  function gated(names: string[], gate: Promise<void>, started: () => void): FlowFileParser {
    return async (f, o) => {
      names.push(f.name);
      started();
      await new Promise<void>((resolve, reject) => {
        o.signal.addEventListener('abort', () => reject(o.signal.reason), { once: true });
        void gate.then(resolve);
      });
      return readFlowFiles(f, o);
    };
  }

  /** A store over one hour of flows whose parses wait until `open()`; `parsing` settles when the first parse starts. */
  function gatedStore(dir: string): { store: FileStore; names: string[]; open: () => void; parsing: Promise<void> } {
    writeHours(dir, 1, 100);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let started!: () => void;
    const parsing = new Promise<void>((r) => (started = r));
    const names: string[] = [];
    const r = resolveSettings({ file: { root: dir } });
    if (!r.ok) throw new Error('settings');
    return { store: new FileStore(r.settings.file, gated(names, gate, started), { listingTtlMs: 60_000 }), names, open, parsing };
  }

  /** Lets a query that only awaits settled promises (the shared listing, a running parse) reach its wait. */
  const turns = async (n = 3): Promise<void> => {
    for (let k = 0; k < n; k++) await new Promise((r) => setImmediate(r));
  };

  it('a query waiting on a parse another query started stops as soon as it is cancelled', async () => {
    await inTempDir('flowlens-load-', async (dir) => {
      const { store, open, parsing } = gatedStore(dir);
      const first = store.read({ from: T0, to: T0 + HOUR }, new AbortController().signal);
      await parsing;
      const ac = new AbortController();
      let outcome = 'waiting';
      const second = store.read({ from: T0, to: T0 + HOUR }, ac.signal).then(
        () => void (outcome = 'answered'),
        () => void (outcome = 'rejected'),
      );
      await turns();
      ac.abort(new RequestAbortedError('cancelled'));
      await turns();
      const seen = outcome;
      open();
      await first;
      await second;
      assert.equal(seen, 'rejected', "the cancelled query kept waiting for the other query's parse");
    });
  });

  it('when the query that started a parse is cancelled, a query sharing it does not start the parse over', async () => {
    await inTempDir('flowlens-load-', async (dir) => {
      const { store, names, open, parsing } = gatedStore(dir);
      const ac = new AbortController();
      const first = store.read({ from: T0, to: T0 + HOUR }, ac.signal);
      await parsing;
      const second = store.read({ from: T0, to: T0 + HOUR }, new AbortController().signal);
      await turns();
      ac.abort(new RequestAbortedError('cancelled'));
      await first.catch(() => undefined);
      open();
      const got = await second;
      assert.equal(got.table.length, 100);
      assert.deepEqual(names, ['flows-0.csv'], `parses: ${names.join(' ')}`);
    });
  });
});
