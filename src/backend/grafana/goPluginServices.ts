/**
 * The services go-plugin hosts call beside the application's (protocol doc §1.7): health `plugin`,
 * Controller.Shutdown (answer at once, then exit), a silent Stdio stream and an idle Broker stream.
 * The long-lived streams are tracked so shutdown can end them instead of waiting on them.
 */
import {
  status as GrpcStatus,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Message } from './protocol.js';

const SERVING = 1;

export interface GoPluginServiceDeps {
  /** Service names reported SERVING besides `plugin` and `""`. */
  servingNames: readonly string[];
  /** Starts the orderly exit; called after the Shutdown reply is sent. */
  onShutdown: () => void;
}

export interface GoPluginServices {
  implementations: Record<string, UntypedServiceImplementation>;
  /** Ends every open Stdio/Broker/Watch stream. */
  endStreams(): void;
}

export function goPluginServices(deps: GoPluginServiceDeps): GoPluginServices {
  const open = new Set<{ end: () => void }>();
  const serving = new Set(['', 'plugin', ...deps.servingNames]);

  const track = (call: ServerWritableStream<Message, Message> | ServerDuplexStream<Message, Message>): void => {
    const handle = {
      end: () => {
        if (!call.writableEnded) call.end();
      },
    };
    open.add(handle);
    const forget = (): void => void open.delete(handle);
    call.on('cancelled', () => {
      forget();
      handle.end();
    });
    call.on('finish', forget);
    call.on('close', forget);
  };

  const check = (call: ServerUnaryCall<Message, Message>, cb: sendUnaryData<Message>): void => {
    const name = typeof call.request.service === 'string' ? call.request.service : '';
    if (serving.has(name)) cb(null, { status: SERVING });
    else cb({ code: GrpcStatus.NOT_FOUND, details: `unknown service ${name}` });
  };

  const watch = (call: ServerWritableStream<Message, Message>): void => {
    const name = typeof call.request.service === 'string' ? call.request.service : '';
    call.write({ status: serving.has(name) ? SERVING : 3 });
    track(call);
  };

  const shutdown = (_call: ServerUnaryCall<Message, Message>, cb: sendUnaryData<Message>): void => {
    cb(null, {});
    // Let the reply reach the wire before the server starts closing.
    setImmediate(deps.onShutdown);
  };

  // Grafana discards whatever arrives here; nothing is ever sent.
  const streamStdio = (call: ServerWritableStream<Message, Message>): void => track(call);

  const startStream = (call: ServerDuplexStream<Message, Message>): void => {
    track(call);
    call.on('data', () => undefined);
    call.on('end', () => {
      if (!call.writableEnded) call.end();
    });
  };

  return {
    implementations: {
      'grpc.health.v1.Health': { Check: check, Watch: watch },
      'plugin.GRPCController': { Shutdown: shutdown },
      'plugin.GRPCStdio': { StreamStdio: streamStdio },
      'plugin.GRPCBroker': { StartStream: startStream },
    },
    endStreams: () => {
      for (const h of [...open]) h.end();
      open.clear();
    },
  };
}
