/**
 * A CheckHealth result that cannot be encoded (a BigInt, a cycle) is that call's failure, as a
 * marshal error is in the Go SDK, and the process goes on serving. Found by a protocol audit
 * (2026-12-06): the encoding ran in an unhandled promise callback, and serve()'s unhandled-rejection
 * hook exited the process, killing every query and stream of every data source.
 */
import assert from 'node:assert/strict';
import { credentials, makeGenericClientConstructor, Metadata, type ServiceError } from '@grpc/grpc-js';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { serviceDefinition, type Message } from '../../../src/backend/grafana/protocol.js';

describe('a CheckHealth result that cannot be encoded', () => {
  it('fails that call, not the whole plugin process', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'badDetailsPlugin.ts')], {
      env: { PATH: process.env.PATH ?? '', grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '2' },
      stdio: 'pipe',
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
    // the handshake line, or the process's end if it never comes
    const handshake = new Promise<void>((resolve) => {
      proc.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve();
      });
      void exited.then(() => resolve());
    });
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    try {
      await handshake;
      assert.ok(out.includes('\n'), `no handshake: ${err}`);
      const parts = out.split('\n')[0]!.split('|');
      const target = parts[2] === 'unix' ? `unix:${parts[3]}` : parts[3]!;
      const Ctor = makeGenericClientConstructor(serviceDefinition('pluginv2.Diagnostics'), 'd');
      const c = new Ctor(target, credentials.createInsecure()) as unknown as Record<string, (...a: unknown[]) => void>;
      const health = await new Promise<{ err?: ServiceError; res?: Message }>((resolve) =>
        c.CheckHealth!.call(c, { pluginContext: {} }, new Metadata(), { deadline: Date.now() + 3000 }, (e: ServiceError | null, r?: Message) => resolve({ err: e ?? undefined, res: r })),
      );
      // the process still answers: a second call on the same connection gets its reply
      const again = await new Promise<{ err?: ServiceError; res?: Message }>((resolve) =>
        c.CollectMetrics!.call(c, {}, new Metadata(), { deadline: Date.now() + 10_000 }, (e: ServiceError | null, r?: Message) => resolve({ err: e ?? undefined, res: r })),
      );
      const code = await Promise.race([exited, Promise.resolve('running')]);
      assert.equal(again.err, undefined, `after one CheckHealth the plugin stopped answering (${again.err?.message}); CheckHealth got ${health.err ? health.err.message : 'a reply'}; stderr: ${err.trim().split('\n').pop()}`);
      assert.equal(code, 'running');
    } finally {
      proc.kill('SIGKILL');
    }
  });
});
