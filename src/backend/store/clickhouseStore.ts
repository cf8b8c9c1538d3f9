/**
 * The ClickHouse store behind the FlowStore interface: features, hosts and flows are pushed down
 * (the server returns group sizes, host lists, limited rows); host scoring pulls only the chosen
 * sources' flows. Its one-sentence errors become downstream errors; the password stays inside.
 */
import type { FlowTable } from '../../engine/flowTable.js';
import type { ClickHouseSettings } from '../../query/settings.js';
import { ClickHouseStoreError } from '../../sources/clickhouse/errors.js';
import { ClickHouseStore } from '../../sources/clickhouse/store.js';
import { downstreamError, PluginError, RequestAbortedError } from '../grafana/errors.js';
import type { FlowStore, PushDownRequest, ReadResult, StoreHealth, TimeRangeSeconds } from './store.js';
import type { WindowsRequest } from '../../engine/features/windowAggregate.js';

/** The subset of ClickHouseStore used here (tests hand in a fake). */
export type ClickHouseApi = Pick<ClickHouseStore, 'health' | 'windowAggregates' | 'flows' | 'hostFlows' | 'hosts' | 'close'>;

function translate(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (err instanceof ClickHouseStoreError) {
    if (err.kind === 'cancelled') return new RequestAbortedError('cancelled');
    // the query asked for more than the data source allows: the user's to narrow, as the other limits
    if (err.kind === 'limit') return new PluginError(err.message, 413, 'plugin', { cause: err });
    return downstreamError(err.message, err.kind === 'timeout' ? 504 : 502, err);
  }
  return err;
}

async function guarded<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // a mapped column is gone: the store has forgotten the table's columns, so once more with them
    // read afresh (a renamed column is then named by the mapping check, and a query not using it runs)
    if (err instanceof ClickHouseStoreError && err.kind === 'changed' && !signal.aborted) {
      try {
        return await work();
      } catch (again) {
        throw translate(again, signal);
      }
    }
    throw translate(err, signal);
  }
}

const result = (table: FlowTable): ReadResult => ({ table, recordsRead: table.length, skippedLines: 0, skippedExamples: [], filesRead: 0, unreadableFiles: [] });

export class ClickHouseFlowStore implements FlowStore {
  readonly kind = 'clickhouse';
  constructor(private readonly api: ClickHouseApi) {}

  static fromSettings(settings: ClickHouseSettings, password: string, maxBytesToRead?: number): ClickHouseFlowStore {
    return new ClickHouseFlowStore(new ClickHouseStore(settings, password, { application: 'flowlens-grafana', ...(maxBytesToRead !== undefined ? { maxBytesToRead } : {}) }));
  }

  check(signal: AbortSignal): Promise<StoreHealth> {
    return guarded(signal, () => this.api.health(signal));
  }

  read(range: TimeRangeSeconds, signal: AbortSignal, maxRows?: number): Promise<ReadResult> {
    return guarded(signal, async () => result(await this.api.flows({ from: range.from, to: range.to, signal, ...(maxRows !== undefined ? { limit: maxRows + 1 } : {}) })));
  }

  windowAggregates(req: PushDownRequest & WindowsRequest) {
    return guarded(req.signal, () =>
      this.api.windowAggregates({ from: req.range.from, to: req.range.to, filter: req.filter, signal: req.signal, windowSeconds: req.windowSeconds, ...(req.multisets ? { multisets: req.multisets } : {}) }),
    );
  }

  hosts(req: PushDownRequest & { role: 'src' | 'dst' | 'any'; limit: number }) {
    return guarded(req.signal, () => this.api.hosts({ from: req.range.from, to: req.range.to, filter: req.filter, signal: req.signal, limit: req.limit, role: req.role === 'any' ? 'both' : req.role }));
  }

  flows(req: PushDownRequest & { limit: number; newest?: boolean }) {
    return guarded(req.signal, () => this.api.flows({ from: req.range.from, to: req.range.to, filter: req.filter, signal: req.signal, limit: req.limit, ...(req.newest ? { newest: true } : {}) }));
  }

  hostFlows(req: PushDownRequest & { hosts?: readonly string[]; limit?: number }) {
    return guarded(req.signal, () =>
      this.api.hostFlows({ from: req.range.from, to: req.range.to, filter: req.filter, signal: req.signal, ...(req.hosts ? { hosts: req.hosts } : {}), ...(req.limit !== undefined ? { limit: req.limit } : {}) }),
    );
  }

  async dispose(): Promise<void> {
    await this.api.close();
  }
}
