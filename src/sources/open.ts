/**
 * One way for the CLI (features, train, score) to read flows whatever holds them: flow files
 * (read in-process) or a ClickHouse table named by a `clickhouse://` URL (window aggregates pushed
 * down, flows streamed). Commands call `openFlowSource(spec)` for each positional argument.
 */
import { aggregateWindows, WindowAggregator } from '../engine/features/aggregate.js';
import type { WindowAggregate, WindowsRequest } from '../engine/features/windowAggregate.js';
import { CompiledFilter } from '../engine/filter/flowFilter.js';
import { gatherRows } from '../engine/filter/gather.js';
import { FlowTableBuilder, OPTIONAL_COLUMNS, type FlowDictionaries, type FlowTable } from '../engine/flowTable.js';
import type { FlowFilter } from '../query/filter.js';
import { ClickHouseStore } from './clickhouse/store.js';
import { readFlowFileAll, type ReadOptions } from './file/index.js';
import { isClickHouseSpec, parseClickHouseSpec } from './url.js';

export interface SourceRange {
  /** Inclusive, epoch seconds (−Infinity: from the start). */
  from: number;
  /** Exclusive, epoch seconds (Infinity: to the end). */
  to: number;
  filter?: FlowFilter;
  signal?: AbortSignal;
}

export interface FlowSource {
  readonly kind: 'file' | 'clickhouse';
  /** For messages: the file path or the URL without credentials. */
  readonly name: string;
  /** Flows with from <= ts < to that pass the filter (files: input order; ClickHouse: time order). */
  table(range: SourceRange): Promise<FlowTable>;
  /** Per-window aggregates of those flows (pushed down to ClickHouse). */
  windowAggregates(range: SourceRange & WindowsRequest): Promise<WindowAggregate[]>;
  /** Flows whose source is one of `hosts` (all when omitted), ordered by time (ties: input order). */
  hostFlows(range: SourceRange & { hosts?: readonly string[] }): Promise<FlowTable>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Environment for the ClickHouse password (FLOWLENS_CLICKHOUSE_PASSWORD); default none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** File reading options (format, time zone, shared dictionaries). */
  file?: ReadOptions;
}

/** Opens a file path or a `clickhouse://` URL. Nothing is read until a method is called. */
export function openFlowSource(spec: string, options: OpenOptions = {}): FlowSource {
  if (isClickHouseSpec(spec)) {
    const { settings, password } = parseClickHouseSpec(spec, options.env ?? {});
    return new ClickHouseSource(new ClickHouseStore(settings, password));
  }
  return new FileSource(spec, options.file ?? {});
}

class ClickHouseSource implements FlowSource {
  readonly kind = 'clickhouse';
  readonly name: string;
  constructor(private readonly store: ClickHouseStore) {
    const s = store.settings;
    this.name = `${s.url}/${s.database}/${s.table}`;
  }
  table(range: SourceRange): Promise<FlowTable> {
    return this.store.flows(range);
  }
  windowAggregates(range: SourceRange & WindowsRequest): Promise<WindowAggregate[]> {
    return this.store.windowAggregates(range);
  }
  async hostFlows(range: SourceRange & { hosts?: readonly string[] }): Promise<FlowTable> {
    // the store orders by host, then time; callers want one time-ordered sequence
    return stableSortByTime(await this.store.hostFlows(range));
  }
  close(): Promise<void> {
    return this.store.close();
  }
}

class FileSource implements FlowSource {
  readonly kind = 'file';
  private all: Promise<FlowTable> | null = null;
  constructor(
    readonly name: string,
    private readonly options: ReadOptions,
  ) {}

  private read(signal?: AbortSignal): Promise<FlowTable> {
    this.all ??= readFlowFileAll(this.name, { ...this.options, signal }).then((r) => r.table);
    return this.all;
  }

  private keep(table: FlowTable, range: SourceRange, extra?: (i: number) => boolean): Uint8Array {
    const keep = new CompiledFilter(range.filter).keepMask(table) ?? new Uint8Array(table.length).fill(1);
    for (let i = 0; i < table.length; i++) {
      const t = table.ts[i]!;
      if (!(t >= range.from && t < range.to) || (extra !== undefined && !extra(i))) keep[i] = 0;
    }
    return keep;
  }

  async table(range: SourceRange): Promise<FlowTable> {
    const t = await this.read(range.signal);
    return gatherRows(t, this.keep(t, range));
  }

  async windowAggregates(range: SourceRange & WindowsRequest): Promise<WindowAggregate[]> {
    const t = await this.read(range.signal);
    const aggregator = new WindowAggregator(range.multisets ? { multisets: range.multisets } : {});
    return aggregateWindows(t, range.windowSeconds, { keep: this.keep(t, range) }, aggregator);
  }

  async hostFlows(range: SourceRange & { hosts?: readonly string[] }): Promise<FlowTable> {
    const t = await this.read(range.signal);
    let extra: ((i: number) => boolean) | undefined;
    if (range.hosts !== undefined) {
      const codes = new Set(range.hosts.map((h) => t.dicts.ip.lookup(h)).filter((c): c is number => c !== undefined));
      extra = (i) => codes.has(t.srcIp[i]!);
    }
    return stableSortByTime(gatherRows(t, this.keep(t, range, extra)));
  }

  async close(): Promise<void> {
    this.all = null;
  }
}

/** Rows reordered by time; rows with equal times keep their order. */
export function stableSortByTime(table: FlowTable, dicts: FlowDictionaries = table.dicts): FlowTable {
  const n = table.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => table.ts[a]! - table.ts[b]! || a - b);
  const columns = OPTIONAL_COLUMNS.filter((c) => table[c] !== null);
  const b = new FlowTableBuilder(dicts, columns, n);
  for (const r of order) b.appendTable(table, r, r + 1);
  return b.finish();
}

