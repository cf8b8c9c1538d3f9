/**
 * Turns a gRPC call's deadline and cancellation into an AbortSignal that handlers pass down to the
 * store, so a dashboard refresh or an alert timeout stops the work instead of letting it run on.
 */
import type { Metadata, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { RequestAbortedError } from './errors.js';
import type { Logger } from './logger.js';
import type { Message } from './protocol.js';
import type { CallContext } from './types.js';

type ServerSurfaceCall = ServerUnaryCall<Message, Message> | ServerWritableStream<Message, Message>;

export interface ManagedCallContext extends CallContext {
  /** Stops the deadline timer; call when the call is finished. */
  release(): void;
}

function metadataRecord(md: Metadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!md) return out;
  for (const [k, v] of Object.entries(md.getMap())) out[k.toLowerCase()] = typeof v === 'string' ? v : v.toString('utf8');
  return out;
}

function deadlineOf(call: ServerSurfaceCall): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

export function callContext(call: ServerSurfaceCall, logger: Logger, fields: Record<string, string> = {}): ManagedCallContext {
  const controller = new AbortController();
  const deadlineMs = deadlineOf(call);
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (deadlineMs !== undefined) {
    timer = setTimeout(() => controller.abort(new RequestAbortedError('deadline')), Math.max(0, deadlineMs - Date.now()));
    timer.unref();
  }
  const onCancel = (): void => {
    if (!controller.signal.aborted) {
      const pastDeadline = deadlineMs !== undefined && Date.now() >= deadlineMs;
      controller.abort(new RequestAbortedError(pastDeadline ? 'deadline' : 'cancelled'));
    }
  };
  call.on('cancelled', onCancel);
  const metadata = metadataRecord(call.metadata);
  return {
    signal: controller.signal,
    deadlineMs,
    metadata,
    logger: Object.keys(fields).length ? logger.with(fields) : logger,
    release: () => {
      if (timer) clearTimeout(timer);
      call.removeListener('cancelled', onCancel);
    },
  };
}
