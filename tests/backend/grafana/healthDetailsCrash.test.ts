/**
 * Found by a protocol audit (2026-12-06): the services encode handler results inside `.then(onOk)` callbacks of a voided promise
 * (pluginServices.ts checkHealth: JSON.stringify(r.details); same pattern for subscribe/publish
 * data and CallResource bodies). A value that cannot be encoded (a BigInt, a cycle) throws there,
 * the rejection is unhandled, and serve()'s unhandledRejection hook exits the process: every
 * in-flight query and stream of every data source dies, Grafana sees the plugin crash and
 * restarts it. In the Go SDK the handler hands over jsonDetails bytes; a marshal error is an
 * error for that one call.
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
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
    try {
      const until = Date.now() + 20_000;
      while (!out.includes('\n') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const parts = out.split('\n')[0]!.split('|');
      const target = parts[2] === 'unix' ? `unix:${parts[3]}` : parts[3]!;
      const Ctor = makeGenericClientConstructor(serviceDefinition('pluginv2.Diagnostics'), 'd');
      const c = new Ctor(target, credentials.createInsecure()) as unknown as Record<string, (...a: unknown[]) => void>;
      const health = await new Promise<{ err?: ServiceError; res?: Message }>((resolve) =>
        c.CheckHealth!.call(c, { pluginContext: {} }, new Metadata(), { deadline: Date.now() + 3000 }, (e: ServiceError | null, r?: Message) => resolve({ err: e ?? undefined, res: r })),
      );
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 1000))]);
      assert.equal(code, 'still running', `the plugin process exited (code ${String(code)}) after one CheckHealth; CheckHealth got ${health.err ? health.err.message : 'a reply'}; stderr: ${err.trim().split('\n').pop()}`);
    } finally {
      proc.kill('SIGKILL');
    }
  });
});
