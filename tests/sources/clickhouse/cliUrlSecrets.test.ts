/** The ClickHouse password where URLs are parsed, quoted and handed to the client (found by a security audit, 2026-12-06). */
/**
 * AUDIT: `flowlens` with a clickhouse:// URL the WHATWG parser rejects echoes the whole URL,
 * password included, to stderr; a URL with a malformed %-escape in the user, database, table or a
 * column override is not a usage error but "internal error: URIError: URI malformed" with a stack.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main.js';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const e: Buffer[] = [];
  out.resume();
  err.on('data', (c: Buffer) => e.push(c));
  let code: number;
  try {
    code = await main(args, { stdout: out, stderr: err, env, cwd: process.cwd() });
  } catch (x) {
    // what bin/flowlens prints for an error main() does not handle
    return { code: 1, stderr: Buffer.concat(e).toString('utf8') + `flowlens: internal error: ${x instanceof Error ? (x.stack ?? x.message) : String(x)}\n` };
  }
  return { code, stderr: Buffer.concat(e).toString('utf8') };
}

const SECRET = 'Pa55-w0rd-4b1d';

describe('flowlens CLI and malformed ClickHouse URLs', () => {
  for (const url of [`clickhouse://flowlens:${SECRET}@ch.example:99999/db/flows`, `clickhouse://flowlens:${SECRET}@ch example/db/flows`, `clickhouse://flowlens:${SECRET}/x@ch.example:99999/db/flows`]) {
    test(`a URL the parser refuses never puts its password on stderr: ${url.replace(SECRET, '***')}`, async () => {
      const r = await cli(['features', url]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(!r.stderr.includes(SECRET), `stderr holds the password: ${r.stderr.trim()}`);
    });
  }
  for (const url of ['clickhouse://flowlens@ch.example:8123/db/fl%E0ws', 'clickhouse://fl%zzens@ch.example:8123/db/flows']) {
    test(`a bad %-escape is a usage error, not an internal error: ${url}`, async () => {
      const r = await cli(['features', url]);
      assert.equal(r.code, 2, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error|URIError|\n\s+at /);
    });
  }
});
