/**
 * The pluginv2 services (Data, Diagnostics, Resource, Stream): decode, call the plugin's handlers,
 * and answer the way Grafana expects — every DataResponse with a status, failures per refId with an
 * error source, frames as Arrow files, resource responses with the code in the first message.
 */
import { status as GrpcStatus, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { encodeFrameToArrow } from './arrowFrame.js';
import { callContext, type ManagedCallContext } from './callContext.js';
import {
  fromStringListMap,
  parseJsonBytes,
  toCallResourceRequest,
  toCheckHealthRequest,
  toPluginContext,
  toQueryDataRequest,
  toRawQueries,
  toStreamRequest,
} from './convert.js';
import { describeError, RequestAbortedError } from './errors.js';
import { runInSlices } from './timeSlices.js';
import { frameToJSON } from './frameJson.js';
import type { Logger } from './logger.js';
import type { MetricsRegistry } from './metrics.js';
import { LATENCY_BUCKETS_SECONDS } from './metrics.js';
import type { Message } from './protocol.js';
import type { DataQuery, DataResponse, PluginHandlers, StreamStatus } from './types.js';

type Unary = (call: ServerUnaryCall<Message, Message>, cb: sendUnaryData<Message>) => void;
type ServerStream = (call: ServerWritableStream<Message, Message>) => void;

const HEALTH_STATUS = { UNKNOWN: 0, OK: 1, ERROR: 2 } as const;
const STREAM_STATUS: Record<StreamStatus, number> = { OK: 0, NOT_FOUND: 1, PERMISSION_DENIED: 2 };

export interface ServiceDeps {
  handlers: PluginHandlers;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Prefix of the server's own metric names, e.g. `flowlens`. */
  metricsPrefix: string;
  /**
   * The query types the plugin knows, as metric label values; any other value a request carries
   * is counted as `other`, so requests cannot grow the number of series without bound.
   */
  queryTypes?: readonly string[];
}

function unimplemented(what: string): { code: number; details: string } {
  return { code: GrpcStatus.UNIMPLEMENTED, details: `${what} is not implemented by this plugin` };
}

/** Normalises one handler result: status always set, error source only with an error. */
export function toWireResponse(refId: string, r: DataResponse, logger: Logger): Message {
  const steps = wireResponseSteps(refId, r, logger);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * `toWireResponse` with a pause point after each frame: an alert rule over 100 000 hosts is as
 * many frames, and encoding them at once kept every other request waiting for 7 s.
 */
function* wireResponseSteps(refId: string, r: DataResponse, logger: Logger): Generator<void, Message, undefined> {
  try {
    // frames beside an error are partial data, which Grafana shows with the error (as the Go SDK sends them)
    const frames: Buffer[] = [];
    for (const f of r.frames ?? []) {
      frames.push(Buffer.from(encodeFrameToArrow(f, refId)));
      yield;
    }
    if (r.error) return { frames, error: r.error, status: validStatus(r.status, 500), errorSource: r.errorSource ?? 'plugin' };
    return { frames, status: validStatus(r.status, 200) };
  } catch (err) {
    logger.error('Encoding a frame failed', { refId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return { frames: [], error: `Internal error in the plugin: ${describeError(err).message}`, status: 500, errorSource: 'plugin' };
  }
}

function validStatus(s: number | undefined, fallback: number): number {
  return s !== undefined && Number.isInteger(s) && s >= 100 && s <= 599 ? s : fallback;
}

export function errorResponse(err: unknown, logger: Logger, refId?: string): Message {
  const d = describeError(err);
  if (d.internal) logger.error('Query failed with an internal error', { refId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return { frames: [], error: d.message, status: d.status, errorSource: d.source };
}

export function pluginServices(deps: ServiceDeps): Record<string, UntypedServiceImplementation> {
  const { handlers, logger, metrics, metricsPrefix, queryTypes } = deps;
  const typeLabel = (t: string): string => (queryTypes === undefined || t === '' || queryTypes.includes(t) ? t : 'other');
  const requests = metrics.counter(`${metricsPrefix}_plugin_requests_total`, 'gRPC requests served, by endpoint and outcome.');
  const duration = metrics.histogram(`${metricsPrefix}_plugin_request_duration_seconds`, 'Time to answer a gRPC request, by endpoint.', LATENCY_BUCKETS_SECONDS);
  const queries = metrics.counter(`${metricsPrefix}_queries_total`, 'Queries (refIds) answered, by query type and status.');
  const queryErrors = metrics.counter(`${metricsPrefix}_query_errors_total`, 'Queries (refIds) that failed, by error source.');

  const timed = async <T>(endpoint: string, ctx: ManagedCallContext, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await work();
    } catch (err) {
      outcome = 'error';
      throw err;
    } finally {
      ctx.release();
      duration.observe((performance.now() - started) / 1000, { endpoint });
      requests.inc({ endpoint, status: outcome });
    }
  };

  const queryData: Unary = (call, cb) => {
    const data = handlers.queryData;
    if (!data) return cb(unimplemented('QueryData'));
    const ctx = callContext(call, logger);
    void timed('queryData', ctx, async () => {
      const raw = toRawQueries(call.request.queries);
      const out: Record<string, Message> = {};
      const ok: DataQuery[] = [];
      const typeOf = new Map<string, string>();
      for (const q of raw) {
        typeOf.set(q.refId, typeLabel(q.queryType));
        try {
          ok.push({ ...q, json: parseJsonBytes(q.jsonBytes, `query model of ${q.refId || 'the query'}`, {}) });
        } catch (err) {
          out[q.refId] = errorResponse(err, logger, q.refId);
        }
      }
      if (ok.length) {
        try {
          const results = await data.call(handlers, toQueryDataRequest(call.request, ok), ctx);
          for (const [refId, r] of Object.entries(results)) out[refId] = await runInSlices(wireResponseSteps(refId, r, logger), ctx.signal);
        } catch (err) {
          if (err instanceof RequestAbortedError && err.reason === 'cancelled') throw err;
          for (const q of ok) out[q.refId] = errorResponse(err, logger, q.refId);
        }
      }
      for (const [refId, r] of Object.entries(out)) {
        const st = String(r.status);
        queries.inc({ query_type: typeOf.get(refId) ?? '', status: st });
        if (r.error) queryErrors.inc({ source: String(r.errorSource) });
      }
      return { responses: out };
    }).then(
      (res) => cb(null, res),
      (err: unknown) => cb({ code: GrpcStatus.CANCELLED, details: describeError(err).message }),
    );
  };

  const checkHealth: Unary = (call, cb) => {
    const health = handlers.checkHealth;
    if (!health) return cb(unimplemented('CheckHealth'));
    const ctx = callContext(call, logger);
    void timed('checkHealth', ctx, async () => {
      try {
        const r = await health.call(handlers, toCheckHealthRequest(call.request), ctx);
        // encoded here, so details that cannot be (a BigInt, a cycle) fail this call, not the process
        return { status: HEALTH_STATUS[r.status], message: r.message, jsonDetails: r.details ? Buffer.from(JSON.stringify(r.details)) : Buffer.alloc(0) };
      } catch (err) {
        const d = describeError(err);
        if (d.internal) logger.error('CheckHealth failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        return { status: HEALTH_STATUS.ERROR, message: d.message, jsonDetails: Buffer.alloc(0) };
      }
    }).then(
      (r) => cb(null, r),
      (err: unknown) => cb({ code: GrpcStatus.UNKNOWN, details: describeError(err).message }),
    );
  };

  const collectMetrics: Unary = (call, cb) => {
    const ctx = callContext(call, logger);
    void timed('collectMetrics', ctx, async () => {
      const extra = handlers.collectMetrics ? await handlers.collectMetrics(toPluginContext(call.request.pluginContext), ctx) : '';
      return metrics.render() + extra;
    }).then(
      (text) => cb(null, { metrics: { prometheus: Buffer.from(text) } }),
      (err: unknown) => cb({ code: GrpcStatus.UNKNOWN, details: describeError(err).message }),
    );
  };

  const callResource: ServerStream = (call) => {
    const resource = handlers.callResource;
    if (!resource) return call.emit('error', unimplemented('CallResource'));
    const ctx = callContext(call, logger);
    void timed('callResource', ctx, async () => {
      try {
        const req = toCallResourceRequest(call.request);
        return await resource.call(handlers, req, ctx);
      } catch (err) {
        const d = describeError(err);
        if (d.internal) logger.error('CallResource failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        return { status: d.status, headers: { 'Content-Type': ['application/json'] }, body: JSON.stringify({ message: d.message, status: d.status }) };
      }
    }).then(
      (r) => {
        const body = r.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
        call.write({ code: validStatus(r.status, 500), headers: fromStringListMap(r.headers), body });
        call.end();
      },
      (err: unknown) => call.emit('error', { code: GrpcStatus.UNKNOWN, details: describeError(err).message }),
    );
  };

  const subscribeStream: Unary = (call, cb) => {
    const sub = handlers.subscribeStream;
    if (!sub) return cb(unimplemented('SubscribeStream'));
    const ctx = callContext(call, logger);
    void timed('subscribeStream', ctx, async () => {
      const r = await sub.call(handlers, toStreamRequest(call.request), ctx);
      return { status: STREAM_STATUS[r.status], data: r.initialData === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(r.initialData)) };
    }).then(
      (r) => cb(null, r),
      (err: unknown) => cb({ code: GrpcStatus.UNKNOWN, details: describeError(err).message }),
    );
  };

  const publishStream: Unary = (call, cb) => {
    const pub = handlers.publishStream;
    if (!pub) return cb(null, { status: STREAM_STATUS.PERMISSION_DENIED, data: Buffer.alloc(0) });
    const ctx = callContext(call, logger);
    void timed('publishStream', ctx, async () => {
      const r = await pub.call(handlers, toStreamRequest(call.request), ctx);
      return { status: STREAM_STATUS[r.status], data: r.data === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(r.data)) };
    }).then(
      (r) => cb(null, r),
      (err: unknown) => cb({ code: GrpcStatus.UNKNOWN, details: describeError(err).message }),
    );
  };

  const runStream: ServerStream = (call) => {
    const run = handlers.runStream;
    if (!run) return call.emit('error', unimplemented('RunStream'));
    const ctx = callContext(call, logger);
    const send = (value: unknown): Promise<void> => {
      if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason);
      const ok = call.write({ data: Buffer.from(JSON.stringify(value)) });
      if (ok) return Promise.resolve();
      // a full buffer waits for room, or for the cancel that means there will be none ('drain' never comes)
      return new Promise((resolve, reject) => {
        const done = (): void => {
          call.off('drain', drained);
          ctx.signal.removeEventListener('abort', cancelled);
        };
        const drained = (): void => (done(), resolve());
        const cancelled = (): void => (done(), reject(ctx.signal.reason));
        call.once('drain', drained);
        ctx.signal.addEventListener('abort', cancelled, { once: true });
      });
    };
    const sender = { sendFrame: (frame: Parameters<typeof frameToJSON>[0]) => send(frameToJSON(frame)), sendJSON: send };
    void timed('runStream', ctx, () => run.call(handlers, toStreamRequest(call.request), ctx, sender)).then(
      () => call.end(),
      (err: unknown) => {
        if (err instanceof RequestAbortedError || ctx.signal.aborted) return call.end();
        const d = describeError(err);
        if (d.internal) logger.error('RunStream failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        call.emit('error', { code: GrpcStatus.UNKNOWN, details: d.message });
      },
    );
  };

  return {
    'pluginv2.Data': { QueryData: queryData },
    'pluginv2.Diagnostics': { CheckHealth: checkHealth, CollectMetrics: collectMetrics },
    'pluginv2.Resource': { CallResource: callResource },
    'pluginv2.Stream': { SubscribeStream: subscribeStream, RunStream: runStream, PublishStream: publishStream },
  };
}
