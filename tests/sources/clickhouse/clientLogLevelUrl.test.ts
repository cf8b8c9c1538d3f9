/** The ClickHouse password where URLs are parsed, quoted and handed to the client (found by a security audit, 2026-12-06). */
/**
 * AUDIT: the data source URL is handed to @clickhouse/client as is, and the client reads its own
 * settings from the URL's query (`log_level`, `http_header_*`, `clickhouse_setting_*`, …) over the
 * ones Flowlens passes: `?log_level=ERROR` re-enables the client's console logging that
 * transport.ts turns OFF, and those lines (through the stdout guard, into hclog on stderr) carry the
 * server's error text unredacted — with a server or proxy that echoes the request, the Basic
 * credentials. resolveSettings accepts the URL.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { resolveSettings } from '../../../src/query/settings.js';
import { pluginContext, startBackend, type RunningBackend } from '../../backend/helpers/plugin.js';

const USER = 'flowlens';
const SECRET = 'S3cr3t-Fl0wlens-log-7c1e';

describe('ClickHouse client settings in the data source URL', () => {
  let echo: http.Server;
  let base = '';
  let backend: RunningBackend;
  before(async () => {
    // a proxy whose error page shows the request it got (headers included)
    echo = http.createServer((req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`Bad gateway for request ${JSON.stringify(req.headers)}`);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    backend = await startBackend({ GF_PLUGIN_LOG_LEVEL: 'debug' });
  });
  after(() => {
    backend?.kill();
    echo?.close();
  });

  it('a URL carrying client options is refused by the settings check', () => {
    const r = resolveSettings({ store: 'clickhouse', clickhouse: { url: `${base}/?log_level=ERROR`, user: USER } });
    assert.equal(r.ok, false, 'a data source URL with ?log_level= is accepted');
  });

  it('no stderr line of a CheckHealth against an echoing proxy holds the credentials', async () => {
    const pc = pluginContext({ store: 'clickhouse', clickhouse: { url: `${base}/?log_level=ERROR`, user: USER, database: 'default', table: 'flows' } }, { uid: 'echo', secrets: { clickhousePassword: SECRET } });
    const h = await backend.unary('pluginv2.Diagnostics', 'CheckHealth', { pluginContext: pc });
    await new Promise((r) => setTimeout(r, 300));
    const basic = Buffer.from(`${USER}:${SECRET}`).toString('base64');
    assert.ok(!String(h.message).includes(basic), 'the health message holds the credentials');
    const leaked = backend.stderr().split('\n').filter((l) => l.includes(basic) || l.includes(SECRET));
    assert.deepEqual(leaked.map((l) => l.slice(0, 200)), [], 'stderr (hclog) holds the Basic credentials');
  });
});
