/**
 * The Flowlens handlers behind the generic Grafana server: one instance per data source (settings,
 * store, caches), queries validated at the edge with the shared query model, then dispatched by
 * query type. Errors keep their status and source; a type whose engine part is missing answers 501.
 */
import { badRequest, describeError } from './grafana/errors.js';
import { InstanceManager } from './grafana/instanceManager.js';
import type { Logger } from './grafana/logger.js';
import { LATENCY_BUCKETS_SECONDS, type MetricsRegistry } from './grafana/metrics.js';
import type { CallContext, DataQuery, DataResponse, PluginHandlers, PluginContext } from './grafana/types.js';
import { describeErrors, QUERY_TYPES, validateQuery, type FlowlensQuery } from '../query/index.js';
import { checkHealth } from './health.js';
import { createInstance, type FlowlensInstance } from './instance.js';
import { runQuery } from './queries/index.js';
import { readsOf } from './queries/common.js';
import { handleResource } from './resources.js';
import { runFeatureStream, subscribeFeatureStream } from './streams.js';

export interface FlowlensDeps {
  logger: Logger;
  metrics: MetricsRegistry;
}

/** The query model from Grafana's DataQuery: `queryType` may sit in either place. */
export function parseQuery(dq: DataQuery): FlowlensQuery {
  const json = typeof dq.json === 'object' && dq.json !== null && !Array.isArray(dq.json) ? (dq.json as Record<string, unknown>) : {};
  const raw = json.queryType === undefined && dq.queryType ? { ...json, queryType: dq.queryType } : json;
  const r = validateQuery(raw);
  if (!r.ok) throw badRequest(describeErrors(r.errors));
  return r.query;
}

/** Queries slower than this are logged at info level, with what they read. */
const SLOW_QUERY_SECONDS = 5;

export function createFlowlensHandlers(deps: FlowlensDeps): PluginHandlers {
  const { logger, metrics } = deps;
  const flowsRead = metrics.counter('flowlens_flows_read_total', 'Flow records read from the store (before filters).');
  const queryLatency = metrics.histogram('flowlens_query_duration_seconds', 'Time to answer one query (refId), by query type and outcome.', LATENCY_BUCKETS_SECONDS);
  const instances = new InstanceManager<FlowlensInstance>((settings) => createInstance(settings, { logger, flowsRead }), { logger });
  const instanceFor = (pc: PluginContext, ctx: CallContext): Promise<FlowlensInstance> => instances.get(pc, ctx.metadata.tenantid ?? '');

  return {
    async queryData(req, ctx) {
      const instance = await instanceFor(req.pluginContext, ctx);
      const fromAlert = req.headers.FromAlert === 'true';
      const entries = await Promise.all(
        req.queries.map(async (dq): Promise<[string, DataResponse]> => {
          const started = performance.now();
          const seconds = (): number => (performance.now() - started) / 1000;
          // a context of the query's own: its reads (shared, memoized, logged) are keyed by it
          const qctx: CallContext = { ...ctx };
          try {
            const query = parseQuery(dq);
            const frames = await runQuery(query, dq, instance, qctx, { fromAlert });
            queryLatency.observe(seconds(), { query_type: query.queryType, outcome: 'ok' });
            // a slow answer is worth an operator's attention without debug logs: what it read, how long
            const log = seconds() >= SLOW_QUERY_SECONDS ? ctx.logger.info : ctx.logger.debug;
            log('Query answered', { refId: dq.refId, queryType: query.queryType, frames: frames.length, ms: Math.round(seconds() * 1000), ...readsOf(qctx) });
            return [dq.refId, { frames, status: 200 }];
          } catch (err) {
            const d = describeError(err);
            // a label value per query type we know: what a user sends must not grow the series
            const type = (QUERY_TYPES as readonly string[]).includes(dq.queryType) ? dq.queryType : 'invalid';
            queryLatency.observe(seconds(), { query_type: type, outcome: 'error' });
            const log = d.internal ? ctx.logger.error : ctx.logger.debug;
            log('Query failed', { refId: dq.refId, status: d.status, source: d.source, error: d.internal && err instanceof Error ? (err.stack ?? d.message) : d.message });
            return [dq.refId, { error: d.message, status: d.status, errorSource: d.source }];
          }
        }),
      );
      return Object.fromEntries(entries);
    },

    async checkHealth(req, ctx) {
      return checkHealth(await instanceFor(req.pluginContext, ctx), ctx);
    },

    async callResource(req, ctx) {
      return handleResource(req, await instanceFor(req.pluginContext, ctx), ctx);
    },

    async subscribeStream(req, ctx) {
      return subscribeFeatureStream(req, await instanceFor(req.pluginContext, ctx));
    },

    async runStream(req, ctx, sender) {
      return runFeatureStream(req, await instanceFor(req.pluginContext, ctx), ctx, sender);
    },

    async publishStream() {
      // Feature streams are computed here; nothing may be published into them.
      return { status: 'PERMISSION_DENIED' };
    },

    async dispose() {
      await instances.disposeAll();
    },
  };
}
