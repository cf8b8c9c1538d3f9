/** Credentials echoed by a gateway never reach a message (found by a security audit, 2026-12-06). */
/**
 * AUDIT (R4 follow-up): explain() redacts the password only verbatim and as base64(user:password).
 * A server or gateway that echoes the credentials it decoded in its (JSON) error body writes a
 * password holding `"` or `\` JSON-escaped, and a non-ASCII one re-encoded: neither form is
 * redacted, and the sentence goes to the health message and to every panel's query error.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import { DEFAULT_CLICKHOUSE_SETTINGS } from '../../../src/query/settings.js';

const USER = 'flowlens';

describe('credentials echoed in another encoding are redacted too', () => {
  let server: http.Server;
  let url = '';
  before(async () => {
    // an auth gateway in front of ClickHouse whose JSON error says what it received
    server = http.createServer((req, res) => {
      const decoded = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('latin1');
      const [user, ...rest] = decoded.split(':');
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'access denied by gateway policy', user, password: rest.join(':') }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  for (const [what, password, secretPart] of [
    ['a password with a quote and a backslash', 'Tr0ub4dor"&\\3-horse', 'Tr0ub4dor'],
    ['a non-ASCII password', 'Köln-Passwört-2024!', 'Passw'],
  ] as const) {
    it(what, async () => {
      const store = new ClickHouseStore({ ...DEFAULT_CLICKHOUSE_SETTINGS, url, user: USER, database: 'default', table: 'flows', queryTimeoutSeconds: 3, connectTimeoutSeconds: 3 }, password);
      try {
        const h = await store.health();
        assert.equal(h.ok, false);
        assert.ok(!h.message.includes(secretPart), `the health message shows the password: ${h.message}`);
        await assert.rejects(store.flows({ from: 0, to: 1 }), (e: Error) => {
          assert.ok(!e.message.includes(secretPart), `the query error shows the password: ${e.message}`);
          return true;
        });
      } finally {
        await store.close();
      }
    });
  }
});
