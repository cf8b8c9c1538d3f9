/**
 * The demo's ClickHouse loader (provisioning/clickhouse/*.sql) run for real: the same statements
 * load the bundled sample into a scratch database on the test ClickHouse, and the table must hold
 * every flow, shifted to end now, with ports (hex ICMP ones too) and bytes as the file says.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readText, root } from './repo.js';

const URL_ = process.env.FLOWLENS_CLICKHOUSE_URL;
const skip = URL_ ? false : 'FLOWLENS_CLICKHOUSE_URL is not set (CI starts ClickHouse with tests/services/clickhouse.sh)';
const db = `flowlens_loader_test_${process.pid}`;

async function ch(sql: string, body?: Buffer): Promise<string> {
  const url = new URL(URL_!);
  url.searchParams.set('query', sql);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'X-ClickHouse-User': process.env.FLOWLENS_CLICKHOUSE_USER ?? 'default', 'X-ClickHouse-Key': process.env.FLOWLENS_CLICKHOUSE_PASSWORD ?? '' },
    body: body ?? '',
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${res.status} for ${sql.slice(0, 80)}…: ${text}`);
  return text;
}

/** The loader's statements, pointed at the scratch database. */
function statements(file: string): string[] {
  return readText(`provisioning/clickhouse/${file}`)
    .replace(/^--.*$/gm, '')
    .replace(/\bflowlens\b(?=\.|;|\s*$)/gm, db)
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** What the file says, computed here independently of ClickHouse. */
function expected(): { rows: number; spanSeconds: number; srcPorts: number; dstPorts: number; bytes: number; dstBytes: number } {
  const lines = readFileSync(join(root, 'sample/flows/flowlens-sample.binetflow'), 'utf8').trimEnd().split('\n').slice(1);
  const port = (p: string): number => (p.startsWith('0x') ? parseInt(p.slice(2), 16) : /^\d+$/.test(p) ? Number(p) : 0);
  const secs = (t: string): number => Math.floor(Date.parse(`${t.slice(0, 19).replace(/\//g, '-').replace(' ', 'T')}Z`) / 1000);
  let srcPorts = 0, dstPorts = 0, bytes = 0, dstBytes = 0, first = Infinity, last = -Infinity;
  for (const line of lines) {
    const c = line.split(',');
    srcPorts += port(c[4]!);
    dstPorts += port(c[7]!);
    const tot = Number(c[12]) || 0;
    bytes += tot;
    dstBytes += Math.max(tot - (Number(c[13]) || 0), 0);
    first = Math.min(first, secs(c[0]!));
    last = Math.max(last, secs(c[0]!));
  }
  return { rows: lines.length, spanSeconds: last - first, srcPorts, dstPorts, bytes, dstBytes };
}

describe('ClickHouse loader of the demo', { skip }, () => {
  after(async () => {
    if (URL_) await ch(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('loads every sample flow, shifted to end now, with decoded ports and derived bytes', async () => {
    for (const sql of statements('schema.sql')) await ch(sql);
    await ch(`INSERT INTO ${db}.binetflow_raw FORMAT CSVWithNames`, readFileSync(join(root, 'sample/flows/flowlens-sample.binetflow')));
    for (const sql of statements('shift.sql')) await ch(sql);

    const got = JSON.parse(
      await ch(
        `SELECT count() AS rows, toUInt32(max(ts)) - toUInt32(min(ts)) AS span, toUInt32(now()) - toUInt32(max(ts)) AS age,
                sum(src_port) AS srcPorts, sum(dst_port) AS dstPorts, sum(bytes) AS bytes, sum(dst_bytes) AS dstBytes
         FROM ${db}.flows FORMAT JSONEachRow`,
      ),
    ) as Record<string, string | number>;
    const want = expected();
    assert.equal(Number(got.rows), want.rows);
    assert.equal(Number(got.span), want.spanSeconds);
    assert.ok(Number(got.age) >= 0 && Number(got.age) < 120, `the newest flow should be about now (age ${got.age} s)`);
    assert.equal(Number(got.srcPorts), want.srcPorts);
    assert.equal(Number(got.dstPorts), want.dstPorts);
    assert.equal(Number(got.bytes), want.bytes);
    assert.equal(Number(got.dstBytes), want.dstBytes);
  });
});
