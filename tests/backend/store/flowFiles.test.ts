/**
 * The file store with format `csv`: saved settings (jsonData) → resolveSettings → FileStore with the
 * real readers, wired as src/backend/instance.ts wires them, reading generic CSV through the
 * column map of the settings.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { generateText } from '../../../src/sources/synthetic/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileStore } from '../../../src/backend/store/fileStore.js';
import { probeFlowFile, readFlowFiles } from '../../../src/backend/store/flowFiles.js';
import { NO_PORT, type FlowTable } from '../../../src/engine/flowTable.js';
import { resolveSettings } from '../../../src/query/settings.js';
import { inTempDir } from '../helpers/tempDir.js';

const fixture = (name: string): string => join(import.meta.dirname, '..', '..', 'fixtures', 'readers', name);
const signal = new AbortController().signal;
const ALL_TIME = { from: 0, to: 4e9 };

function storeFor(file: Record<string, unknown>, options: { listingTtlMs?: number } = {}): FileStore {
  const r = resolveSettings({ store: 'file', file });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return new FileStore(r.settings.file, readFlowFiles, { probe: probeFlowFile, ...options });
}

const ips = (t: FlowTable, codes: Int32Array): string[] => Array.from(codes, (c) => t.dicts.ip.value(c));

describe('file store, format csv', () => {
  let mapped: string;
  let spaced: string;
  let both: string;
  before(() => {
    mapped = mkdtempSync(join(tmpdir(), 'flowlens-csv-'));
    copyFileSync(fixture('mapped.csv'), join(mapped, 'mapped.csv'));
    spaced = mkdtempSync(join(tmpdir(), 'flowlens-csv-spaced-'));
    copyFileSync(fixture('mapped-spaced-header.csv'), join(spaced, 'flows.csv'));
    both = mkdtempSync(join(tmpdir(), 'flowlens-csv-both-'));
    copyFileSync(fixture('mapped.csv'), join(both, 'a.csv'));
    copyFileSync(fixture('mapped-spaced-header.csv'), join(both, 'b.csv'));
  });
  after(() => {
    for (const d of [mapped, spaced, both]) rmSync(d, { recursive: true, force: true });
  });

  it('reads a generic CSV through the column map of the settings', async () => {
    // mapped.csv: `when,from,to,sp,dp,protocol,octets`; times epoch ms, epoch s and ISO with +01:00.
    const store = storeFor({ root: mapped, format: 'csv', columns: { ts: 'when', src_ip: 'from', dst_ip: 'to', dst_port: 'dp', proto: 'protocol', bytes: 'octets' } });
    const r = await store.read(ALL_TIME, signal);
    assert.deepEqual(r.unreadableFiles, []);
    assert.equal(r.skippedLines, 0);
    const t = r.table;
    // 2017-01-27 16:24:42Z, 16:24:43Z, and 16:24:44+01:00 = 15:24:44Z.
    assert.deepEqual(Array.from(t.ts), [1485534282, 1485534283, 1485530684]);
    assert.deepEqual(ips(t, t.srcIp), ['10.0.0.1', '10.0.0.1', '10.0.0.1']);
    assert.deepEqual(ips(t, t.dstIp), ['10.0.0.2', '10.0.0.3', '10.0.0.4']);
    assert.deepEqual(Array.from(t.dstPort), [80, 53, 443]);
    assert.deepEqual(Array.from(t.srcPort), [NO_PORT, NO_PORT, NO_PORT], 'sp is not mapped, so no source port is read');
    assert.deepEqual(Array.from(t.proto, (c) => t.dicts.proto.value(c)), ['tcp', 'udp', 'tcp']);
    assert.deepEqual(Array.from(t.bytes!), [500, 90, 1000]);
  });

  it('matches header names holding spaces and brackets, ignoring case and blanks around the setting', async () => {
    const store = storeFor({
      root: spaced,
      format: 'csv',
      columns: { ts: 'start time', src_ip: ' Source Address ', dst_ip: 'Destination Address', dst_port: 'DST PORT', bytes: 'Bytes (total)' },
    });
    const t = (await store.read(ALL_TIME, signal)).table;
    assert.deepEqual(Array.from(t.ts), [Date.UTC(2024, 2, 1, 10, 0, 0) / 1000, Date.UTC(2024, 2, 1, 10, 0, 5) / 1000]);
    assert.deepEqual(ips(t, t.srcIp), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(ips(t, t.dstIp), ['198.51.100.7', '198.51.100.7']);
    assert.deepEqual(Array.from(t.dstPort), [443, 53]);
    assert.deepEqual(Array.from(t.bytes!), [1200, 80]);
  });

  it('health check probes the files with the column map and reports them as csv', async () => {
    const store = storeFor({ root: mapped, format: 'csv', columns: { ts: 'when', src_ip: 'from', dst_ip: 'to' } });
    const h = await store.check(signal);
    assert.equal(h.ok, true, h.message);
    assert.match(h.message, /^Found 1 flow file \(csv ×1;/);
  });

  it('leaves out a file whose header lacks a mapped column, naming the column but not quoting the header', async () => {
    const store = storeFor({ root: both, format: 'csv', columns: { ts: 'when', src_ip: 'from', dst_ip: 'to' } });
    const r = await store.read(ALL_TIME, signal);
    assert.equal(r.filesRead, 1);
    assert.equal(r.table.length, 3);
    assert.equal(r.unreadableFiles.length, 1);
    assert.match(r.unreadableFiles[0]!, /^b\.csv: .*ts='when'.*; the header has \d+ columns$/);
    assert.doesNotMatch(r.unreadableFiles[0]!, /Source Address/);
  });

  it('names a file that is not flows but quotes none of its lines: every viewer of a panel reads the notice', async () => {
    await inTempDir('flowlens-not-flows-', async (dir) => {
      copyFileSync(fixture('mapped.csv'), join(dir, 'mapped.csv'));
      writeFileSync(join(dir, 'deploy.env'), 'DB_PASSWORD=hunter2-very-secret\nAPI_TOKEN=abc\n');
      const r = await storeFor({ root: dir, format: 'csv', columns: { ts: 'when', src_ip: 'from', dst_ip: 'to' } }).read(ALL_TIME, signal);
      assert.equal(r.filesRead, 1);
      assert.equal(r.unreadableFiles.length, 1);
      assert.match(r.unreadableFiles[0]!, /^deploy\.env: /);
      assert.doesNotMatch(r.unreadableFiles[0]!, /hunter2|DB_PASSWORD/);
      const auto = await storeFor({ root: dir }).read(ALL_TIME, signal).catch((err: Error) => err);
      const text = auto instanceof Error ? auto.message : auto.unreadableFiles.join('; ');
      assert.match(text, /deploy\.env: an unknown format; first line: 31 characters, 1 comma-separated field/);
      assert.doesNotMatch(text, /hunter2|DB_PASSWORD/);
    });
  });

  it('without format csv, a column map left in the settings is not used', async () => {
    // Detection from content cannot read a generic CSV without a map: the file is left out.
    const store = storeFor({ root: mapped, format: 'auto', columns: { ts: 'when', src_ip: 'from', dst_ip: 'to' } });
    await assert.rejects(store.read(ALL_TIME, signal), /No file in .* could be read as flows — mapped\.csv/);
  });
});

describe('file store, a file still being written', () => {
  it('does not warn about its half-written last line, and reads it once the file grows', async () => {
    await inTempDir('flowlens-appending-', async (dir) => {
      const line = (s: number): string => `2017-01-27 16:24:${String(s).padStart(2, '0')},tcp,established,10.0.0.1,1234,10.0.0.2,80,10,20\n`;
      const path = join(dir, 'live.csv');
      writeFileSync(path, line(1) + line(2) + line(3).slice(0, 30));
      const store = storeFor({ root: dir }, { listingTtlMs: 0 });
      const first = await store.read(ALL_TIME, signal);
      assert.equal(first.table.length, 2);
      assert.equal(first.skippedLines, 0);
      assert.deepEqual(first.skippedExamples, []);
      writeFileSync(path, line(1) + line(2) + line(3));
      assert.equal((await store.read(ALL_TIME, signal)).table.length, 3);
    });
  });
});

describe('file store, gzip that ends early', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowlens-cut-gzip-'));
    const text = generateText({ format: 'seed', flows: 40_000, seed: 8 });
    const gz = gzipSync(text);
    // a collector still writing: the second half of the compressed bytes is not there yet
    writeFileSync(join(dir, 'writing.csv.gz'), gz.subarray(0, gz.length >> 1));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the flows before the cut and says where the file stops being read', async () => {
    const store = storeFor({ root: dir });
    const r = await store.read(ALL_TIME, signal);
    assert.ok(r.table.length > 10_000 && r.table.length < 40_000, `${r.table.length} flows`);
    assert.deepEqual(r.unreadableFiles, []);
    assert.ok(r.skippedLines >= 1);
    assert.match(r.skippedExamples[0]!, /^writing\.csv\.gz: the gzip data ends after line \d+ \(corrupt, or still being written\): the rest is not read$/);
  });
});
