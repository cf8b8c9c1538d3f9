/**
 * Entry point of the Flowlens backend executable (gpx_flowlens_<os>_<arch>): Grafana starts it
 * through go-plugin; everything protocol-related lives in ./grafana, the Flowlens handlers in
 * ./plugin.ts.
 */
import { serve } from './grafana/server.js';
import { QUERY_TYPES } from '../query/index.js';
import { createFlowlensHandlers } from './plugin.js';

serve({ name: 'flowlens', queryTypes: QUERY_TYPES, handlers: (deps) => createFlowlensHandlers(deps) }).catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ '@level': 'error', '@message': `Flowlens backend failed to start: ${err instanceof Error ? err.message : String(err)}` })}\n`);
  process.exit(1);
});
