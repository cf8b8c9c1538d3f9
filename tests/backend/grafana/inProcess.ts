/** Test helper: the generic pluginv2 services with test handlers on an in-process grpc-js server. */
import { credentials, makeGenericClientConstructor, Metadata, Server, ServerCredentials, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { createLogger } from '../../../src/backend/grafana/logger.js';
import { MetricsRegistry } from '../../../src/backend/grafana/metrics.js';
import { pluginServices } from '../../../src/backend/grafana/pluginServices.js';
import { serviceDefinition, type Message } from '../../../src/backend/grafana/protocol.js';
import type { PluginHandlers } from '../../../src/backend/grafana/types.js';

export interface InProcess {
  metrics: MetricsRegistry;
  logLines: string[];
  unary(service: string, method: string, req: Message, deadline?: number): Promise<Message>;
  stream(service: string, method: string, req: Message): ClientReadableStream<Message>;
  close(): void;
}

export async function startInProcess(handlers: PluginHandlers): Promise<InProcess> {
  const logLines: string[] = [];
  const logger = createLogger({ write: (l) => logLines.push(l) });
  const metrics = new MetricsRegistry();
  const server = new Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  for (const [name, impl] of Object.entries(pluginServices({ handlers, logger, metrics, metricsPrefix: 'test' }))) server.addService(serviceDefinition(name), impl);
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  const clients = new Map<string, Client>();
  const client = (service: string): Client => {
    let c = clients.get(service);
    if (!c) {
      const Ctor = makeGenericClientConstructor(serviceDefinition(service), service);
      c = new Ctor(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
      clients.set(service, c);
    }
    return c;
  };
  return {
    metrics,
    logLines,
    unary: (service, method, req, deadline) =>
      new Promise((resolve, reject) => {
        const c = client(service) as unknown as Record<string, (...a: unknown[]) => void>;
        c[method]!.call(c, req, new Metadata(), deadline === undefined ? {} : { deadline }, (e: ServiceError | null, r?: Message) => (e ? reject(e) : resolve(r!)));
      }),
    stream: (service, method, req) => {
      const c = client(service) as unknown as Record<string, (...a: unknown[]) => ClientReadableStream<Message>>;
      return c[method]!.call(c, req);
    },
    close: () => {
      for (const c of clients.values()) c.close();
      server.forceShutdown();
    },
  };
}
