/** An in-memory FlowStore for handler tests: rows built by hand, so expectations are countable. */
import { createDictionaries, FlowTableBuilder, NO_CODE, NO_PORT, type FlowTable } from '../../../src/engine/flowTable.js';
import { createLogger } from '../../../src/backend/grafana/logger.js';
import { MetricsRegistry } from '../../../src/backend/grafana/metrics.js';
import type { FlowlensInstance } from '../../../src/backend/instance.js';
import { ProfileRegistry } from '../../../src/backend/profiles.js';
import type { FlowStore, ReadResult, TimeRangeSeconds } from '../../../src/backend/store/store.js';
import { resolveSettings } from '../../../src/query/settings.js';
import type { CallContext } from '../../../src/backend/grafana/types.js';

export interface Row {
  ts: number;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  proto?: string;
  state?: string;
  bytes?: number;
}

export function table(rows: readonly Row[], dicts = createDictionaries()): FlowTable {
  const b = new FlowTableBuilder(dicts, ['state', 'bytes'], 16);
  for (const r of rows) {
    const i = b.addRow();
    b.ts[i] = r.ts;
    b.srcIp[i] = b.dicts.ip.code(r.src);
    b.dstIp[i] = b.dicts.ip.code(r.dst);
    b.srcPort[i] = r.sport ?? NO_PORT;
    b.dstPort[i] = r.dport ?? NO_PORT;
    b.proto[i] = b.dicts.proto.code(r.proto ?? 'tcp');
    b.state![i] = r.state ? b.dicts.state.code(r.state) : NO_CODE;
    b.bytes![i] = r.bytes ?? NaN;
  }
  return b.finish();
}

export class MemoryStore implements FlowStore {
  readonly kind = 'memory';
  reads: TimeRangeSeconds[] = [];
  constructor(public t: FlowTable, private readonly skipped = 0) {}
  async check() {
    return { ok: true, message: 'memory' };
  }
  async read(range: TimeRangeSeconds, signal: AbortSignal): Promise<ReadResult> {
    signal.throwIfAborted();
    this.reads.push(range);
    const keep = new Uint8Array(this.t.length);
    for (let i = 0; i < this.t.length; i++) keep[i] = this.t.ts[i]! >= range.from && this.t.ts[i]! < range.to ? 1 : 0;
    const { gatherRows } = await import('../../../src/engine/filter/index.js');
    return { table: gatherRows(this.t, keep), recordsRead: this.t.length, skippedLines: this.skipped, skippedExamples: this.skipped ? ['a.csv:3: bad time'] : [], filesRead: 1, unreadableFiles: [] };
  }
  dispose(): void {}
}

export function memoryInstance(store: FlowStore, jsonData: unknown = { file: { root: '/unused' } }): FlowlensInstance {
  const r = resolveSettings(jsonData);
  if (!r.ok) throw new Error('bad test settings');
  const metrics = new MetricsRegistry();
  return {
    uid: 'mem',
    name: 'mem',
    settings: r.settings,
    store,
    logger: createLogger({ write: () => undefined }),
    flowsRead: metrics.counter('flows_read_total', 'x'),
    profiles: new ProfileRegistry(),
    requireStore: () => store,
    dispose: async () => undefined,
  };
}

export function callCtx(signal = new AbortController().signal): CallContext {
  return { signal, logger: createLogger({ write: () => undefined }), metadata: {} };
}
