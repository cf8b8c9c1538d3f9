/** CheckHealth: is the configured store usable? One sentence on what is wrong and what to do. */
import { describeError } from './grafana/errors.js';
import type { CallContext, CheckHealthResult } from './grafana/types.js';
import type { FlowlensInstance } from './instance.js';

export async function checkHealth(instance: FlowlensInstance, ctx: CallContext): Promise<CheckHealthResult> {
  if (instance.problem) return { status: 'ERROR', message: instance.problem.message };
  try {
    const h = await instance.requireStore().check(ctx.signal);
    return { status: h.ok ? 'OK' : 'ERROR', message: h.message, details: h.details };
  } catch (err) {
    const d = describeError(err);
    if (d.internal) ctx.logger.error('Health check failed unexpectedly', { error: err instanceof Error ? (err.stack ?? d.message) : d.message });
    return { status: 'ERROR', message: d.message };
  }
}
