/**
 * Inputs of `features`, `train` and `score` named on the command line: flow files or one
 * `clickhouse://` table (docs/clickhouse-cli.md). Keeps source opening and its error mapping out
 * of the commands, so each command needs only a few lines to accept a URL.
 */
import { resolve } from 'node:path';
import type { WindowAggregate, WindowsRequest } from '../engine/features/windowAggregate.js';
import type { FlowTable } from '../engine/flowTable.js';
import type { FlowFilter } from '../query/filter.js';
import { ClickHouseStoreError } from '../sources/clickhouse/errors.js';
import type { FlowSource } from '../sources/open.js';
import { STDIN } from '../sources/file/index.js';
import { isClickHouseSpec, parseClickHouseSpec, PASSWORD_ENV, SourceSpecError } from '../sources/url.js';
import { DataError, UsageError } from './errors.js';
import type { CliIO } from './io.js';

/** The lines every command's --help carries about ClickHouse inputs. */
export const CLICKHOUSE_HELP = `ClickHouse input: instead of files, one table named by URL
  clickhouse://USER@HOST[:PORT]/[DATABASE/]TABLE?preset=akvorado|goflow2|generic
  (clickhouses:// for HTTPS; more query keys: timeout, connect_timeout, and a column role such as
  ts=TimeFlowStart to override a preset column). The password is read from the environment
  variable ${PASSWORD_ENV}, never from the URL or the command line.
`;

export { isClickHouseSpec };

/** Absolute path of a file input (`-` is standard input); URLs stay as they are. */
export function resolveInput(cwd: string, input: string): string {
  if (input === '-') return STDIN;
  return isClickHouseSpec(input) ? input : resolve(cwd, input);
}

/**
 * Refuses a password given as an option (it would land in shell history and process lists) with
 * a message naming the variable to use; parseArgs would only say "unknown option".
 */
export function refusePasswordOption(args: readonly string[]): void {
  if (args.some((a) => /^--?(password|passwd|pass|pwd)(=|$)/i.test(a))) {
    throw new UsageError(`do not put the ClickHouse password on the command line (it would end up in shell history): set ${PASSWORD_ENV} instead`);
  }
}

/**
 * The ClickHouse URL among the inputs, or null when all are files; a URL must be the only input.
 * The URL is checked here so a malformed one is a usage error before any other work.
 */
export function clickHouseInput(inputs: readonly string[]): string | null {
  const urls = inputs.filter(isClickHouseSpec);
  if (urls.length === 0) return null;
  if (inputs.length > 1) throw new UsageError('a clickhouse:// source must be the only input (files and several tables cannot be combined)');
  try {
    parseClickHouseSpec(urls[0]!);
  } catch (err) {
    throw mapSourceError(err);
  }
  return urls[0]!;
}

/** Opens the URL, runs `use`, closes; store and URL errors become exit codes 1 and 2. */
export async function withClickHouse<T>(url: string, io: CliIO, use: (source: FlowSource) => Promise<T>): Promise<T> {
  // loaded here, not at start: the ClickHouse client pulls in node's http, https, tls and crypto
  // modules, ~10 ms of every file run's start-up
  const { openFlowSource } = await import('../sources/open.js');
  let source: FlowSource;
  try {
    source = openFlowSource(url, { env: io.env });
  } catch (err) {
    throw mapSourceError(err);
  }
  try {
    return await use(source);
  } catch (err) {
    throw mapSourceError(err);
  } finally {
    await source.close().catch(() => undefined);
  }
}

function mapSourceError(err: unknown): unknown {
  if (err instanceof SourceSpecError) return new UsageError(err.message);
  if (err instanceof ClickHouseStoreError) return new DataError(err.message);
  return err;
}

export interface ClickHouseRange {
  from: number | undefined;
  to: number | undefined;
  filter?: FlowFilter;
}

function bounds(r: ClickHouseRange): { from: number; to: number } {
  return { from: r.from ?? -Infinity, to: r.to ?? Infinity };
}

/** Per-window aggregates computed by the server (push-down), in window order. */
export function clickHouseWindows(url: string, range: ClickHouseRange & WindowsRequest, io: CliIO): Promise<WindowAggregate[]> {
  return withClickHouse(url, io, async (s) => {
    const aggs = await s.windowAggregates({ ...bounds(range), windowSeconds: range.windowSeconds, ...(range.filter ? { filter: range.filter } : {}), ...(range.multisets ? { multisets: range.multisets } : {}) });
    return [...aggs].sort((a, b) => a.start - b.start);
  });
}

/** Flows of the given source hosts (all when omitted) in time order, for train and score. */
export function clickHouseHostFlows(url: string, range: ClickHouseRange & { hosts?: readonly string[] }, io: CliIO): Promise<FlowTable> {
  return withClickHouse(url, io, (s) => s.hostFlows({ ...bounds(range), ...(range.hosts ? { hosts: range.hosts } : {}) }));
}
