/**
 * Starts the backend the way a go-plugin host does (through scripts/dev-backend.sh, with the magic
 * cookie) and gives typed grpc-js clients built from our own .proto.
 */
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { serviceDefinition, type Message } from '../../../src/backend/grafana/protocol.js';

export const REPO = join(import.meta.dirname, '..', '..', '..');
/** What the tests start: FLOWLENS_BACKEND_BIN (e.g. dist/gpx_flowlens_linux_amd64) or the dev launcher. */
export const LAUNCHER = process.env.FLOWLENS_BACKEND_BIN || join(REPO, 'scripts', 'dev-backend.sh');

export const HOST_ENV = { grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '2', PLUGIN_MIN_PORT: '10000', PLUGIN_MAX_PORT: '25000', GF_VERSION: '11.6.0' };

export interface RunningBackend {
  proc: ChildProcessWithoutNullStreams;
  handshake: string;
  /** Everything written to stdout, including the handshake. */
  stdout: () => string;
  stderr: () => string;
  target: string;
  client(service: string): Client;
  unary(service: string, method: string, request: Message, options?: { deadlineMs?: number }): Promise<Message>;
  stream(service: string, method: string, request: Message): ClientReadableStream<Message>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export async function startBackend(extraEnv: Record<string, string> = {}): Promise<RunningBackend> {
  const proc = spawn(LAUNCHER, [], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...HOST_ENV, ...extraEnv }, stdio: 'pipe' });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = once(proc, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const deadline = Date.now() + 30_000;
  while (!out.includes('\n')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`backend did not hand-shake (exit ${proc.exitCode}): ${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const handshake = out.slice(0, out.indexOf('\n'));
  const parts = handshake.split('|');
  const target = parts[2] === 'unix' ? `unix:${parts[3]}` : parts[3]!;
  const clients = new Map<string, Client>();
  const client = (service: string): Client => {
    let c = clients.get(service);
    if (!c) {
      const Ctor = makeGenericClientConstructor(serviceDefinition(service), service);
      c = new Ctor(target, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
      clients.set(service, c);
    }
    return c;
  };
  type UnaryFn = (req: Message, md: Metadata, opts: { deadline?: number }, cb: (e: ServiceError | null, r?: Message) => void) => void;
  type StreamFn = (req: Message) => ClientReadableStream<Message>;
  const method = <F>(service: string, name: string): F => {
    const c = client(service) as unknown as Record<string, F>;
    return (c[name] as unknown as { bind: (t: unknown) => F }).bind(c);
  };
  return {
    proc,
    handshake,
    stdout: () => out,
    stderr: () => err,
    target,
    client,
    unary: (service, name, request, options = {}) =>
      new Promise((resolve, reject) =>
        method<UnaryFn>(service, name)(request, new Metadata(), options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {}, (e, r) => (e ? reject(e) : resolve(r!))),
      ),
    stream: (service, name, request) => method<StreamFn>(service, name)(request),
    exited,
    kill: () => {
      for (const c of clients.values()) c.close();
      if (proc.exitCode !== null) return;
      // SIGTERM lets the backend remove its socket folder; SIGKILL if it does not go.
      proc.kill('SIGTERM');
      setTimeout(() => {
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }, 2000).unref();
    },
  };
}

/** A PluginContext for a data source with the given jsonData. */
export function pluginContext(jsonData: unknown, opts: { uid?: string; lastUpdatedMS?: number; secrets?: Record<string, string> } = {}): Message {
  return {
    orgId: 1,
    pluginId: 'flowlens-netflow-datasource',
    dataSourceInstanceSettings: {
      id: 7,
      uid: opts.uid ?? 'flowlens-test',
      name: 'Flowlens test',
      jsonData: Buffer.from(JSON.stringify(jsonData)),
      decryptedSecureJsonData: opts.secrets ?? {},
      lastUpdatedMS: opts.lastUpdatedMS ?? 1,
    },
  };
}

export function dataQuery(refId: string, model: Record<string, unknown>, fromMs: number, toMs: number): Message {
  return { refId, maxDataPoints: 1000, intervalMS: 1000, timeRange: { fromEpochMS: fromMs, toEpochMS: toMs }, json: Buffer.from(JSON.stringify({ refId, ...model })), queryType: String(model.queryType ?? '') };
}
