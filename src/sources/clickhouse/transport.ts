/**
 * How SQL reaches a ClickHouse engine. The store builds SQL and reads rows; a transport only
 * sends it: over HTTP with @clickhouse/client for real servers, or in tests through an in-process
 * engine (chdb) to check the SQL against today's dialect.
 */
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import type { BoundSql } from './binder.js';

export type Row = Record<string, unknown>;

export interface QueryOptions {
  queryId: string;
  /** Send `sql.params` as server-side parameters (the server supports them). */
  useParams: boolean;
  signal: AbortSignal;
  /** Server-side limit (max_execution_time). */
  timeoutSeconds: number;
  /** Server-side limit (max_bytes_to_read); absent: the server's own. */
  maxBytesToRead?: number;
}

export interface QueryTransport {
  /** Rows of a query as JSON objects (64-bit integers may arrive as strings). */
  rows(sql: BoundSql, opts: QueryOptions): Promise<Row[]>;
  /** TabSeparated lines of a query, streamed to `onLine` as they arrive. */
  lines(sql: BoundSql, opts: QueryOptions, onLine: (line: string) => void): Promise<void>;
  /** A statement without result rows (KILL QUERY). */
  command(sql: BoundSql, opts: Omit<QueryOptions, 'signal'>): Promise<void>;
  close(): Promise<void>;
}

export interface HttpTransportConfig {
  url: string;
  user: string;
  password: string;
  database: string;
  application: string;
  requestTimeoutMs: number;
}

/** The server-side limits of a query. */
function limits(opts: QueryOptions): { max_execution_time: number; max_bytes_to_read?: string } {
  return {
    max_execution_time: Math.ceil(opts.timeoutSeconds),
    ...(opts.maxBytesToRead !== undefined ? { max_bytes_to_read: String(Math.floor(opts.maxBytesToRead)) } : {}),
  };
}

/** Reads an answer, closing its stream when `signal` aborts (abort_signal only covers the request until the answer starts). */
async function closeOnAbort<T>(rs: { close(): void }, signal: AbortSignal | undefined, read: () => Promise<T>): Promise<T> {
  if (!signal) return read();
  const onAbort = (): void => rs.close();
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await read();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export class HttpTransport implements QueryTransport {
  private client: ClickHouseClient | null = null;

  constructor(private readonly config: HttpTransportConfig) {}

  private get c(): ClickHouseClient {
    if (this.client === null) {
      const k = this.config;
      this.client = createClient({
        url: k.url,
        username: k.user,
        password: k.password,
        database: k.database,
        application: k.application,
        request_timeout: k.requestTimeoutMs,
        // the client would log to the console, and stdout belongs to the plugin protocol
        log: { level: ClickHouseLogLevel.OFF },
      });
    }
    return this.client;
  }

  private params(sql: BoundSql, useParams: boolean): { query_params?: Record<string, unknown> } {
    return useParams && Object.keys(sql.params).length ? { query_params: sql.params } : {};
  }

  async rows(sql: BoundSql, opts: QueryOptions): Promise<Row[]> {
    const rs = await this.c.query({
      query: sql.text,
      format: 'JSONEachRow',
      query_id: opts.queryId,
      abort_signal: opts.signal,
      ...this.params(sql, opts.useParams),
      clickhouse_settings: limits(opts),
    });
    return closeOnAbort(rs, opts.signal, () => rs.json<Row>());
  }

  async lines(sql: BoundSql, opts: QueryOptions, onLine: (line: string) => void): Promise<void> {
    const rs = await this.c.query({
      query: sql.text,
      format: 'TabSeparated',
      query_id: opts.queryId,
      abort_signal: opts.signal,
      ...this.params(sql, opts.useParams),
      clickhouse_settings: limits(opts),
    });
    await closeOnAbort(rs, opts.signal, async () => {
      for await (const batch of rs.stream()) {
        for (const row of batch) onLine(row.text);
      }
    });
  }

  async command(sql: BoundSql, opts: Omit<QueryOptions, 'signal'>): Promise<void> {
    await this.c.command({ query: sql.text, query_id: opts.queryId, ...this.params(sql, opts.useParams), clickhouse_settings: { max_execution_time: Math.ceil(opts.timeoutSeconds) } });
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.close();
  }
}
