/**
 * ClickHouseStore: flows, hosts and push-down window aggregates from a ClickHouse table.
 *
 * The server version (→ SQL dialect capabilities) and the table's columns (→ schema) are read once
 * per instance. Every query carries a query_id; when the caller aborts, the store sends
 * `KILL QUERY` for that id, so the work stops on the server too, and `max_execution_time` bounds
 * it there when nobody aborts.
 */
import { randomUUID } from 'node:crypto';
import type { FlowTable } from '../../engine/flowTable.js';
import type { WindowAggregate, WindowsRequest } from '../../engine/features/windowAggregate.js';
import type { FlowFilter } from '../../query/filter.js';
import { isSafeIdentifier, type ClickHouseSettings, type FlowlensSecureJsonData } from '../../query/settings.js';
import { histogramKinds, histogramSql, totalsSql } from './aggregateSql.js';
import { buildAggregates, num } from './aggregateResult.js';
import { HttpTransport, type QueryOptions, type QueryTransport, type Row } from './transport.js';
import { Binder, type BoundSql } from './binder.js';
import { capabilitiesOf, type Capabilities } from './capabilities.js';
import { describeSql, readDescriptions } from './describeSql.js';
import { GROUP_KINDS } from './groupKinds.js';
import { ClickHouseStoreError, displayUrl, explain, type ErrorContext } from './errors.js';
import { FlowRowParser, flowSelect } from './flowRows.js';
import { addressText } from './expressions.js';
import { resolveSchema, type TableSchema } from './schema.js';
import { closedScope, extentSql, fromWhere, tableSql, type QueryContext, type Scope } from './scope.js';
import { rollupApplies } from './rollupSql.js';
import type { WindowSummary } from './summary.js';

export interface StoreHealth {
  ok: boolean;
  message: string;
  details?: Record<string, string | number | boolean>;
}

export interface RangeRequest {
  from: number;
  to: number;
  filter?: FlowFilter;
  signal?: AbortSignal;
}

export interface ClickHouseStoreOptions {
  /** Called with each query's SQL text before it is sent (tests, debugging); never sees secrets. */
  onQuery?: (sql: BoundSql, queryId: string) => void;
  /** Sent in the HTTP user agent, so a server's query_log shows who ran what (default flowlens). */
  application?: string;
  /** Another way to reach the engine (tests: chdb); default HTTP to `settings.url`. Not closed by `close()`. */
  transport?: QueryTransport;
  /** Server-side bound on the (uncompressed) bytes one query reads (max_bytes_to_read). */
  maxBytesToRead?: number;
}

/** `work`, or a 'cancelled' failure as soon as `signal` aborts (`work` itself goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  const cancelled = (): ClickHouseStoreError => new ClickHouseStoreError('cancelled', 'The ClickHouse query was cancelled.');
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Listed hosts per host-flows query: 2 000 IPv6 addresses are about 100 kB of SQL. */
const HOSTS_PER_QUERY = 2000;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let k = 0; k < list.length; k += size) out.push(list.slice(k, k + size));
  return out;
}

/** How long after max_execution_time the client gives up on its own. */
const DEADLINE_GRACE_MS = 1500;

interface Prepared {
  caps: Capabilities;
  schema: TableSchema;
}

export class ClickHouseStore {
  readonly kind = 'clickhouse';
  private transport: QueryTransport | null = null;
  private prepared: Promise<Prepared> | null = null;
  private capsPromise: Promise<Capabilities> | null = null;

  constructor(
    readonly settings: ClickHouseSettings,
    private readonly password: string,
    private readonly options: ClickHouseStoreOptions = {},
  ) {
    for (const [what, name] of [['database', settings.database], ['table', settings.table]] as const) {
      if (!isSafeIdentifier(name)) throw new ClickHouseStoreError('server', `The ${what} name '${name}' may only hold letters, digits and "_": fix it in the data source settings.`);
    }
  }

  static fromSettings(settings: ClickHouseSettings, secrets: FlowlensSecureJsonData | undefined, options?: ClickHouseStoreOptions): ClickHouseStore {
    return new ClickHouseStore(settings, secrets?.clickhousePassword ?? '', options);
  }

  private get errorContext(): ErrorContext {
    const s = this.settings;
    const secrets = this.password === '' ? [] : [this.password, Buffer.from(`${s.user}:${this.password}`).toString('base64')];
    return { url: s.url, user: s.user, database: s.database, table: s.table, timeoutSeconds: s.queryTimeoutSeconds, secrets };
  }

  private getTransport(): QueryTransport {
    if (this.transport === null) {
      this.transport =
        this.options.transport ??
        new HttpTransport({
          url: this.settings.url,
          user: this.settings.user,
          password: this.password,
          database: this.settings.database,
          application: this.options.application ?? 'flowlens',
          requestTimeoutMs: Math.ceil((this.settings.queryTimeoutSeconds + 5) * 1000),
        });
    }
    return this.transport;
  }

  /** Runs one query, returning its rows; KILLs it on the server when `signal` aborts. */
  private rows(sql: BoundSql, caps: Capabilities | null, signal: AbortSignal | undefined, timeoutSeconds = this.settings.queryTimeoutSeconds): Promise<Row[]> {
    return this.run(sql, caps, signal, timeoutSeconds, (t, opts) => t.rows(sql, opts));
  }

  /** Streams TabSeparated lines of one query to `onLine`. */
  private lines(sql: BoundSql, caps: Capabilities, signal: AbortSignal | undefined, onLine: (line: string) => void): Promise<void> {
    return this.run(sql, caps, signal, this.settings.queryTimeoutSeconds, (t, opts) => t.lines(sql, opts, onLine));
  }

  private async run<T>(sql: BoundSql, caps: Capabilities | null, signal: AbortSignal | undefined, timeoutSeconds: number, go: (t: QueryTransport, opts: QueryOptions) => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new ClickHouseStoreError('cancelled', 'The ClickHouse query was cancelled.');
    const id = randomUUID();
    this.options.onQuery?.(sql, id);
    const local = new AbortController();
    const onAbort = (): void => {
      local.abort();
      void this.kill(id, caps);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // the server enforces max_execution_time on running queries; this deadline also covers a
    // server that never answers (black-holed address, stalled connection)
    let pastDeadline = false;
    const timer = setTimeout(() => {
      pastDeadline = true;
      onAbort();
    }, Math.ceil(timeoutSeconds * 1000) + DEADLINE_GRACE_MS);
    try {
      // The client's abort_signal stops covering a request once its answer has started, so an abort
      // (cancel or deadline) settles the call itself; the transport closes the stalled stream.
      const work = go(this.getTransport(), {
        queryId: id,
        useParams: caps?.queryParams ?? false,
        signal: local.signal,
        timeoutSeconds,
        ...(this.options.maxBytesToRead !== undefined ? { maxBytesToRead: this.options.maxBytesToRead } : {}),
      });
      const stopped = new Promise<never>((_, reject) => {
        const stop = (): void => reject(Object.assign(new Error('The query was aborted.'), { name: 'AbortError' }));
        if (local.signal.aborted) stop();
        else local.signal.addEventListener('abort', stop, { once: true });
      });
      work.catch(() => undefined);
      stopped.catch(() => undefined);
      return await Promise.race([work, stopped]);
    } catch (err) {
      if (pastDeadline) throw explain(Object.assign(new Error('Timeout error.'), { code: 'ETIMEDOUT' }), { ...this.errorContext, timeoutSeconds }, undefined);
      const e = explain(err, { ...this.errorContext, timeoutSeconds }, signal);
      // the table changed since its columns were read (a collector's migration): read them again next time
      if (e.kind === 'changed') this.prepared = null;
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops a query on the server (best effort: it may have finished already). */
  async kill(queryId: string, caps: Capabilities | null): Promise<void> {
    const b = new Binder(caps?.queryParams ?? false);
    const sql = b.bound(`KILL QUERY WHERE query_id = ${b.string(queryId)} SYNC`);
    this.options.onQuery?.(sql, 'kill');
    try {
      await this.getTransport().command(sql, { queryId: randomUUID(), useParams: caps?.queryParams ?? false, timeoutSeconds: 10 });
    } catch {
      // the query may already be gone, or the server unreachable: nothing left to stop
    }
  }

  private capabilities(): Promise<Capabilities> {
    if (this.capsPromise === null) {
      const p = this.rows({ text: 'SELECT version() AS v', params: {} }, null, undefined, this.settings.connectTimeoutSeconds).then((r) => capabilitiesOf(String(r[0]?.v ?? '')));
      this.capsPromise = p;
      // a failure (server not up yet, odd answer) is not kept: the next call asks again
      p.catch(() => {
        if (this.capsPromise === p) this.capsPromise = null;
      });
    }
    return this.capsPromise;
  }

  /**
   * Capabilities and schema, read once and shared by concurrent callers (a failure is retried on
   * the next call). The shared reads do not take any one caller's signal: a caller that cancels
   * stops waiting, but the others (and the next call) still get the result.
   */
  private prepare(signal?: AbortSignal): Promise<Prepared> {
    if (this.prepared === null) {
      const p = (async () => {
        const caps = await this.capabilities();
        const schema = await this.readSchema(caps);
        return { caps, schema };
      })();
      this.prepared = p;
      p.catch(() => {
        if (this.prepared === p) this.prepared = null;
      });
    }
    return untilAborted(this.prepared, signal);
  }

  private async readSchema(caps: Capabilities): Promise<TableSchema> {
    const { database, table } = this.settings;
    const b = new Binder(caps.queryParams);
    const where = `${database}.${table}`;
    const dbs = await this.rows(b.bound(`SELECT count() AS n FROM system.databases WHERE name = ${b.string(database)}`), caps, undefined);
    if (num(dbs[0]?.n) === 0) throw new ClickHouseStoreError('database', `Database '${database}' does not exist on ${displayUrl(this.settings.url)}: check the database name in the data source settings.`);
    const b2 = new Binder(caps.queryParams);
    const cols = await this.rows(b2.bound(`SELECT name, type FROM system.columns WHERE database = ${b2.string(database)} AND table = ${b2.string(table)}`), caps, undefined);
    if (cols.length === 0) throw new ClickHouseStoreError('table', `Table '${where}' does not exist on ${displayUrl(this.settings.url)}: check the table name in the data source settings.`);
    const columns = new Map(cols.map((r) => [String(r.name), String(r.type)]));
    const resolved = resolveSchema(columns, this.settings.preset, this.settings.columns, `table ${where}`);
    if (!resolved.ok) throw new ClickHouseStoreError('columns', resolved.problems.join(' '));
    return resolved.schema;
  }

  private context(p: Prepared): QueryContext {
    return { ref: { database: this.settings.database, table: this.settings.table }, schema: p.schema, caps: p.caps };
  }

  /**
   * One sentence on whether the store can serve queries, and what it found. Cheap on any table
   * size: the row count comes from part metadata, and one row is read through every column
   * expression to prove the mapping works.
   */
  async health(signal?: AbortSignal): Promise<StoreHealth> {
    try {
      const p = await this.prepare(signal);
      const select = flowSelect(p.schema);
      const probe = new Binder(p.caps.queryParams);
      await this.rows(probe.bound(`SELECT ${select.sql} FROM ${tableSql(this.context(p).ref)} LIMIT 1`), p.caps, signal);
      const b = new Binder(p.caps.queryParams);
      const parts = await this.rows(b.bound(`SELECT sum(rows) AS n FROM system.parts WHERE active AND database = ${b.string(this.settings.database)} AND table = ${b.string(this.settings.table)}`), p.caps, signal);
      const n = num(parts[0]?.n);
      const size = n > 0 ? ` holds ${n} flows` : ' is readable';
      return {
        ok: true,
        message: `Connected to ClickHouse ${p.caps.version} at ${displayUrl(this.settings.url)}: table ${this.settings.database}.${this.settings.table}${size} (preset ${this.settings.preset}).`,
        details: { version: p.caps.version, flows: Number.isNaN(n) ? 0 : n, preset: this.settings.preset },
      };
    } catch (err) {
      const e = explain(err, this.errorContext, signal);
      return { ok: false, message: e.message, details: { problem: e.kind } };
    }
  }

  /** Server version and capabilities (reads them on first use). */
  async serverCapabilities(signal?: AbortSignal): Promise<Capabilities> {
    return (await this.prepare(signal)).caps;
  }

  /** Push-down window aggregates: the server returns group sizes per window, never raw flows. */
  /** Per-window aggregates, computed by the server; with `multisets`, only those group sizes. */
  async windowAggregates(req: RangeRequest & WindowsRequest): Promise<WindowAggregate[]> {
    const p = await this.prepare(req.signal);
    const ctx = this.context(p);
    const kinds = histogramKinds(ctx, req.multisets);
    // distinct counts of a column whose histogram runs anyway come from its group count
    const fromHistograms = new Set([...kinds].filter((k) => k === 'dst_ip' || k === 'src_ip' || k === 'dst_port'));
    const build = (scope: Scope): [BoundSql, BoundSql] => {
      const b1 = new Binder(p.caps.queryParams);
      const totals = totalsSql(ctx, scope, req.windowSeconds, b1, fromHistograms, true);
      const b2 = new Binder(p.caps.queryParams);
      return [b1.bound(totals), b2.bound(histogramSql(ctx, scope, req.windowSeconds, b2, req.multisets))];
    };
    const open: Scope = { from: req.from, to: req.to, filter: req.filter };
    // built first: a request the builders refuse sends nothing
    let [totals, hist] = build(open);
    if (rollupApplies(ctx, kinds) && !(Number.isFinite(open.from) && Number.isFinite(open.to))) {
      // an open range (the CLI without --from/--to) is closed at the rows' extent so the roll-up
      // can run in runs of whole windows; both queries read the same closed range
      const b0 = new Binder(p.caps.queryParams);
      const [e] = await this.rows(b0.bound(extentSql(ctx, open, b0)), p.caps, req.signal);
      const closed = closedScope(open, req.windowSeconds, num(e?.lo ?? null), num(e?.hi ?? null), num(e?.n ?? null));
      if (closed !== open) [totals, hist] = build(closed);
    }
    const [t, h] = await Promise.all([this.rows(totals, p.caps, req.signal), this.rows(hist, p.caps, req.signal)]);
    const s = p.schema;
    return buildAggregates(t, h, req.windowSeconds, { up: s.srcBytes !== null, down: s.dstBytes !== null, total: s.bytes !== null || (s.srcBytes !== null && s.dstBytes !== null) }, req.multisets, fromHistograms);
  }

  /**
   * Push-down describe(): per window the scalar aggregates plus max, mean and exact linear
   * quantiles of every group-size multiset, computed on the server.
   */
  async windowSummaries(req: RangeRequest & { windowSeconds: number }): Promise<WindowSummary[]> {
    const p = await this.prepare(req.signal);
    const ctx = this.context(p);
    const scope: Scope = { from: req.from, to: req.to, filter: req.filter };
    const b = new Binder(p.caps.queryParams);
    const totalsPromise = this.rows(b.bound(totalsSql(ctx, scope, req.windowSeconds, b)), p.caps, req.signal);
    const described = new Map<number, Parameters<typeof readDescriptions>[3] extends Map<number, infer V> ? V : never>();
    const perKind = GROUP_KINDS.map(async (kind) => {
      const bk = new Binder(p.caps.queryParams);
      const sql = describeSql(ctx, kind, scope, req.windowSeconds, bk);
      if (sql === null) return;
      readDescriptions(kind, await this.rows(bk.bound(sql), p.caps, req.signal), req.windowSeconds, described);
    });
    const [totals] = await Promise.all([totalsPromise, ...perKind]);
    const s = p.schema;
    const aggs = buildAggregates(totals, [], req.windowSeconds, { up: s.srcBytes !== null, down: s.dstBytes !== null, total: s.bytes !== null || (s.srcBytes !== null && s.dstBytes !== null) });
    return aggs.map((a) => {
      const d = described.get(a.start);
      const { rowsPer: _r, distinctPer: _d, ...scalars } = a;
      return { ...scalars, countConns: d?.groups.conn ?? 0, countFlows: d?.groups.flow ?? 0, describe: d?.describe ?? {} };
    });
  }

  /** Raw flows in the range (time order; with `newest`, newest first), at most `limit` rows when given. */
  async flows(req: RangeRequest & { limit?: number; newest?: boolean }): Promise<FlowTable> {
    const p = await this.prepare(req.signal);
    const ctx = this.context(p);
    const b = new Binder(p.caps.queryParams);
    const select = flowSelect(p.schema);
    const limit = req.limit !== undefined ? ` LIMIT ${b.int(req.limit, 0)}` : '';
    const sql = `SELECT ${select.sql} ${fromWhere(ctx, { from: req.from, to: req.to, filter: req.filter }, b)} ORDER BY ${req.newest ? 'ts DESC, src DESC, dst DESC' : 'ts, src, dst'}${limit}`;
    const parser = new FlowRowParser(select);
    await this.lines(b.bound(sql), p.caps, req.signal, (line) => parser.push(line));
    return parser.finish();
  }

  /**
   * The flows whose source is one of `hosts` (all sources when omitted), ordered by host then time:
   * the per-host flow sequences host scoring reads. Ties in time are broken by destination, ports
   * and protocol, so the order is the same on every run.
   */
  async hostFlows(req: RangeRequest & { hosts?: readonly string[]; limit?: number }): Promise<FlowTable> {
    const p = await this.prepare(req.signal);
    const ctx = this.context(p);
    const select = flowSelect(p.schema);
    const parser = new FlowRowParser(select);
    const tie = ['dst', ...(select.fields.includes('dport') ? ['dport'] : []), ...(select.fields.includes('sport') ? ['sport'] : []), ...(select.fields.includes('proto') ? ['proto'] : [])];
    // A long host list is asked for in parts: one IN list of 20 000 addresses passed the server's
    // max_query_size (256 KiB) and failed a query within 'Max hosts'. Each host's flows come from
    // one part, so every host's flows stay together and in time order.
    const parts = req.hosts === undefined ? [undefined] : chunks(req.hosts, HOSTS_PER_QUERY);
    for (const hosts of parts) {
      const left = req.limit === undefined ? undefined : req.limit - parser.rows;
      if (left !== undefined && left <= 0) break;
      const b = new Binder(p.caps.queryParams);
      // addresses are compared as the readers store them: lower case
      const extra = hosts === undefined ? [] : [`${addressText(p.schema.srcIp, p.schema)} IN (${hosts.map((h) => b.string(h.toLowerCase())).join(', ')})`];
      const limit = left !== undefined ? ` LIMIT ${b.int(left, 0)}` : '';
      const sql = `SELECT ${select.sql} ${fromWhere(ctx, { from: req.from, to: req.to, filter: req.filter }, b, extra)} ORDER BY src, ts, ${tie.join(', ')}${limit}`;
      await this.lines(b.bound(sql), p.caps, req.signal, (line) => parser.push(line));
    }
    return parser.finish();
  }

  /** Distinct addresses (as source, destination or either), busiest first, then by address. */
  async hosts(req: RangeRequest & { limit: number; role?: 'src' | 'dst' | 'both' }): Promise<string[]> {
    const p = await this.prepare(req.signal);
    const ctx = this.context(p);
    const b = new Binder(p.caps.queryParams);
    const role = req.role ?? 'both';
    const scope = { from: req.from, to: req.to, filter: req.filter };
    const side = (col: typeof p.schema.srcIp): string => {
      const nn = col.nullable ? [`isNotNull(${col.sql})`] : [];
      return `SELECT ${addressText(col, p.schema)} AS host ${fromWhere(ctx, scope, b, nn)}`;
    };
    const parts = [...(role !== 'dst' ? [side(p.schema.srcIp)] : []), ...(role !== 'src' ? [side(p.schema.dstIp)] : [])];
    const sql = `SELECT host, count() AS n FROM (${parts.join(' UNION ALL ')}) GROUP BY host ORDER BY n DESC, host LIMIT ${b.int(req.limit, 0)}`;
    const rows = await this.rows(b.bound(sql), p.caps, req.signal);
    return rows.map((r) => String(r.host));
  }

  async close(): Promise<void> {
    const t = this.transport;
    this.transport = null;
    this.prepared = null;
    this.capsPromise = null;
    // a transport handed in by the caller is the caller's to close
    if (t && t !== this.options.transport) await t.close();
  }
}
