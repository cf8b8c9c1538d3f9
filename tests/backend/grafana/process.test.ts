/** The launch contract, checked against the real process started through the dev launcher. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LAUNCHER, startBackend, type RunningBackend } from '../helpers/plugin.js';

const HANDSHAKE = /^1\|2\|unix\|(\/[^|]+)\|grpc$/;

describe('backend process launch', () => {
  let backend: RunningBackend;
  before(async () => {
    backend = await startBackend();
  });
  after(() => backend.kill());

  it('refuses to run without the magic cookie, with go-plugin message on stderr and nothing on stdout', () => {
    const r = spawnSync(LAUNCHER, [], { env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /This binary is a plugin\. These are not meant to be executed directly\./);
  });

  it('refuses a wrong cookie value too', () => {
    const r = spawnSync(LAUNCHER, [], { env: { PATH: process.env.PATH, grafana_plugin_type: 'panel' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
  });

  it('prints exactly one handshake line: core 1, app 2, a short absolute unix socket, grpc', () => {
    const m = HANDSHAKE.exec(backend.handshake);
    assert.ok(m, `handshake was ${JSON.stringify(backend.handshake)}`);
    assert.ok(Buffer.byteLength(m[1]!) <= 100, 'socket path must fit sun_path');
    assert.equal(backend.stdout(), `${backend.handshake}\n`);
  });

  it('answers health for "plugin" and "" with SERVING', async () => {
    for (const service of ['plugin', '']) {
      const r = await backend.unary('grpc.health.v1.Health', 'Check', { service });
      assert.equal(r.status, 1);
    }
  });

  it('writes only hclog JSON lines to stderr: string @level from the hclog set, string @message, 6-digit timestamps', async () => {
    await backend.unary('grpc.health.v1.Health', 'Check', { service: 'plugin' });
    const lines = backend.stderr().split('\n').filter((l) => l !== '' && !l.startsWith('[INFO] build-backend:'));
    assert.ok(lines.length > 0);
    for (const line of lines) {
      const o = JSON.parse(line) as Record<string, unknown>;
      assert.ok(['trace', 'debug', 'info', 'warn', 'error'].includes(o['@level'] as string), line);
      assert.equal(typeof o['@message'], 'string', line);
      if ('@timestamp' in o) assert.match(o['@timestamp'] as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    }
  });

  it('keeps a StreamStdio call open without sending anything, and ends it on cancel', async () => {
    const call = backend.stream('plugin.GRPCStdio', 'StreamStdio', {});
    let received = 0;
    call.on('data', () => received++);
    const ended = new Promise<void>((resolve) => call.on('error', () => resolve()).on('end', () => resolve()));
    await new Promise((r) => setTimeout(r, 150));
    call.cancel();
    await ended;
    assert.equal(received, 0);
  });

  it('ignores SIGINT (Grafana stops plugins itself)', async () => {
    backend.proc.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    const r = await backend.unary('grpc.health.v1.Health', 'Check', { service: 'plugin' });
    assert.equal(r.status, 1);
  });

  it('answers Controller.Shutdown at once, then exits with code 0 within 2 seconds', async () => {
    const started = Date.now();
    await backend.unary('plugin.GRPCController', 'Shutdown', {});
    const { code } = await backend.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 2000, `exit took ${Date.now() - started} ms`);
  });
});

describe('handshake environment', () => {
  it('listens on 127.0.0.1 when asked for TCP', async () => {
    const b = await startBackend({ FLOWLENS_PLUGIN_TCP: '1' });
    try {
      assert.match(b.handshake, /^1\|2\|tcp\|127\.0\.0\.1:\d+\|grpc$/);
      const r = await b.unary('grpc.health.v1.Health', 'Check', { service: 'plugin' });
      assert.equal(r.status, 1);
    } finally {
      b.kill();
    }
  });

  it('shuts down cleanly on SIGTERM after its log pipe closed (the host died): exit 0, socket folder removed', async () => {
    const b = await startBackend();
    const socketDir = dirname(HANDSHAKE.exec(b.handshake)![1]!);
    assert.ok(existsSync(socketDir));
    // writing the "Shutting down" line to a closed pipe was EPIPE, which crashed the shutdown
    b.proc.stderr.destroy();
    b.proc.kill('SIGTERM');
    const { code } = await b.exited;
    assert.equal(code, 0);
    assert.equal(existsSync(socketDir), false, `${socketDir} left behind`);
  });
});
