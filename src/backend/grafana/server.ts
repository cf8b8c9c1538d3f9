/**
 * `serve()`: everything a Grafana backend process does besides answering requests — check that
 * go-plugin launched it, start the gRPC server (h2c on a unix socket), print the handshake, keep
 * stdout clean, ignore SIGINT, and exit cleanly within Grafana's 2-second grace period on Shutdown.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { goPluginServices } from './goPluginServices.js';
import { chooseListenTarget, handshakeLine, hasMagicCookie, negotiateAppVersion, NOT_LAUNCHED_BY_HOST_MESSAGE, type Env } from './handshake.js';
import { createLogger, levelFromString, type Logger } from './logger.js';
import { MetricsRegistry } from './metrics.js';
import { pluginServices } from './pluginServices.js';
import { SERVICES, serviceDefinition } from './protocol.js';
import { installStdoutGuard } from './stdoutGuard.js';
import type { PluginHandlers } from './types.js';

export interface ServeOptions {
  /** Builds the handlers once the logger and metrics exist. */
  handlers: (deps: { logger: Logger; metrics: MetricsRegistry }) => PluginHandlers;
  /** Used as the log module and metric-name prefix, e.g. `flowlens`. */
  name: string;
  /** Query types used as metric labels (others count as `other`); default: any value as sent. */
  queryTypes?: readonly string[];
  env?: Env;
  /** Exit when the parent process goes away (re-parenting); default true. */
  watchParent?: boolean;
}

export interface RunningPlugin {
  address: string;
  network: 'unix' | 'tcp';
  logger: Logger;
  shutdown(reason: string): Promise<void>;
}

// go-plugin waits at most 2 s after Shutdown before SIGKILL; finish well inside that.
const GRACE_MS = 1200;

/** For whoever starts the executable by hand: go-plugin's message, exit code 1. */
export function refuseWithoutHost(env: Env): void {
  if (hasMagicCookie(env)) return;
  process.stderr.write(NOT_LAUNCHED_BY_HOST_MESSAGE);
  process.exit(1);
}

export async function serve(options: ServeOptions): Promise<RunningPlugin> {
  const env = options.env ?? process.env;
  refuseWithoutHost(env);
  const logger = createLogger({ module: options.name, level: levelFromString(env.GF_PLUGIN_LOG_LEVEL ?? env.FLOWLENS_LOG_LEVEL, 'debug') });
  const writeStdout = installStdoutGuard(logger);
  // Ctrl-C on a foreground Grafana reaches the whole process group; Grafana stops us itself.
  process.on('SIGINT', () => undefined);
  // The log pipe closes when the host dies: writing to it is then EPIPE, which as an uncaught
  // error turned the shutdown that follows into a crash (exit 1, socket folder left behind).
  process.stderr.on('error', () => undefined);

  // A bug that escapes every handler: say so at error level in Grafana's log, then exit; go-plugin's host restarts us.
  const die = (kind: string) => (err: unknown) => {
    logger.error(`Plugin crashed (${kind})`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled rejection'));

  const metrics = new MetricsRegistry();
  const startedAt = Date.now() / 1000;
  metrics.gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () => startedAt);
  metrics.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
  metrics.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', () => process.memoryUsage().heapUsed);
  const handlers = options.handlers({ logger, metrics });
  const appVersion = negotiateAppVersion(env);
  const target = chooseListenTarget(env);
  // whatever ends the process (a crash, the hard stop), the socket folder goes with it
  process.on('exit', () => target.cleanup());

  const server = new Server({
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
  });
  let stopping: Promise<void> | undefined;
  const goPlugin = goPluginServices({
    servingNames: [SERVICES.data, SERVICES.diagnostics, SERVICES.resource, SERVICES.stream],
    onShutdown: () => void shutdown('host requested shutdown'),
  });
  const impls = { ...pluginServices({ handlers, logger, metrics, metricsPrefix: options.name, ...(options.queryTypes ? { queryTypes: options.queryTypes } : {}) }), ...goPlugin.implementations };
  for (const [name, impl] of Object.entries(impls)) server.addService(serviceDefinition(name), impl);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(target.bindAddress, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = target.network === 'unix' ? target.bindAddress.slice('unix:'.length) : `127.0.0.1:${port}`;

  function shutdown(reason: string): Promise<void> {
    stopping ??= (async () => {
      logger.info('Shutting down', { reason });
      const hardStop = setTimeout(() => process.exit(0), GRACE_MS + 300);
      goPlugin.endStreams();
      await Promise.race([
        new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
        new Promise<void>((resolve) => setTimeout(resolve, GRACE_MS / 2)),
      ]);
      server.forceShutdown();
      try {
        await Promise.race([handlers.dispose?.(), new Promise((resolve) => setTimeout(resolve, GRACE_MS / 2))]);
      } catch (err) {
        logger.warn('Cleanup on shutdown failed', { error: err instanceof Error ? err.message : String(err) });
      }
      target.cleanup();
      clearTimeout(hardStop);
      process.exit(0);
    })();
    return stopping;
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (options.watchParent ?? true) {
    const parent = process.ppid;
    const timer = setInterval(() => {
      if (process.ppid !== parent) void shutdown('parent process went away');
    }, 2000);
    timer.unref();
  }

  writeStdout(handshakeLine(appVersion, target.network, address));
  logger.debug('Plugin serving', { network: target.network, address, protocolVersion: appVersion });
  return { address, network: target.network, logger, shutdown };
}
