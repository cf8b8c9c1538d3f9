/**
 * What a flow store offers the query handlers: health, reading a time range, and optional
 * push-downs a database store answers itself (window aggregates, hosts, limited flows, the flows of
 * chosen sources) so that only small results travel.
 */
import type { WindowAggregate, WindowsRequest } from '../../engine/features/windowAggregate.js';
import type { FlowTable } from '../../engine/flowTable.js';
import type { FlowFilter, HostRole } from '../../query/index.js';
import { PluginError } from '../grafana/errors.js';

/** The refusal of a range holding more flows than 'Max flows per query'. */
export function tooManyFlows(max: number): PluginError {
  return new PluginError(`The time range holds more than ${max} flows, more than this data source allows: pick a shorter range or raise 'Max flows per query'.`, 413, 'plugin');
}

export interface TimeRangeSeconds {
  /** Inclusive start, epoch seconds. */
  from: number;
  /** Exclusive end, epoch seconds. */
  to: number;
}

export interface StoreHealth {
  ok: boolean;
  /** One sentence: what is wrong and what to do, or what was found. */
  message: string;
  details?: Record<string, string | number | boolean>;
}

export interface ReadResult {
  /** Flows with `from <= ts < to`, in file order. */
  table: FlowTable;
  /** Records read from the store before the time cut (for the flows-read metric). */
  recordsRead: number;
  /** Lines the readers could not parse (reported in a frame notice). */
  skippedLines: number;
  /** Up to a few examples of skipped lines, `file:line: problem`. */
  skippedExamples: string[];
  filesRead: number;
  /** Files under the root that are not flow files of any known format, `name: reason`. */
  unreadableFiles: string[];
  /** True when the store holds no flows at all, in any range (a folder without flow files). */
  empty?: boolean;
}

export interface ReadOptions {
  /**
   * Leave out files last modified before this (epoch ms). A live stream follows the files being
   * written: the archive beside them is neither parsed nor counted against 'Max bytes read'.
   */
  modifiedSinceMs?: number;
}

export interface PushDownRequest {
  range: TimeRangeSeconds;
  filter: FlowFilter;
  signal: AbortSignal;
}

export interface FlowStore {
  readonly kind: string;
  check(signal: AbortSignal): Promise<StoreHealth>;
  /** Every flow in the range (at most `maxRows + 1` for stores that can stop early). */
  read(range: TimeRangeSeconds, signal: AbortSignal, maxRows?: number, options?: ReadOptions): Promise<ReadResult>;
  /**
   * The newest flow stamped at or before `notAfter` (epoch s; -Infinity when there is none),
   * found a file at a time, so a live stream's start does not hold the whole store in memory.
   */
  newestFlow?(notAfter: number, signal: AbortSignal, options?: ReadOptions): Promise<number>;
  /** Per-window aggregates computed by the store; with `multisets`, only those group sizes. */
  windowAggregates?(req: PushDownRequest & WindowsRequest): Promise<WindowAggregate[]>;
  /** Distinct hosts, busiest first, at most `limit`. */
  hosts?(req: PushDownRequest & { role: HostRole; limit: number }): Promise<string[]>;
  /** The first `limit` matching flows in time order, or with `newest` the last `limit`, newest first. */
  flows?(req: PushDownRequest & { limit: number; newest?: boolean }): Promise<FlowTable>;
  /** Flows whose source is one of `hosts` (every source when absent), grouped by host, in time order. */
  hostFlows?(req: PushDownRequest & { hosts?: readonly string[]; limit?: number }): Promise<FlowTable>;
  dispose(): void | Promise<void>;
}
