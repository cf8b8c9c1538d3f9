/**
 * Turns what the ClickHouse client throws into one sentence a user can act on. Messages name the
 * server URL (without credentials) and the user, never the password.
 */

/** `changed`: a column the schema read named is gone (the table changed since); read it again. */
export type FailureKind = 'refused' | 'timeout' | 'unknown-host' | 'auth' | 'database' | 'table' | 'columns' | 'changed' | 'cancelled' | 'tls' | 'limit' | 'server';

export class ClickHouseStoreError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClickHouseStoreError';
  }
}

/** The URL without user info, query or fragment (safe to show). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

interface ErrorLike {
  code?: unknown;
  type?: unknown;
  message?: unknown;
  cause?: unknown;
  name?: unknown;
}

function codeOf(err: unknown): string {
  const e = err as ErrorLike | null;
  if (!e || typeof e !== 'object') return '';
  if ((typeof e.code === 'string' && e.code !== '') || typeof e.code === 'number') return String(e.code);
  // 18.16 writes "Code: 81, e.displayText() = …", which the client does not parse into `code`
  const m = typeof e.message === 'string' ? /^Code: (\d+)[,.]/.exec(e.message) : null;
  if (m) return m[1]!;
  return e.cause ? codeOf(e.cause) : '';
}

/** ClickHouse server error codes we explain (numbers as in ErrorCodes.cpp). */
const AUTH_CODES = new Set(['192', '193', '194', '195', '516']);
const UNKNOWN_DATABASE = '81';
const UNKNOWN_TABLE = '60';
const TIMEOUT_EXCEEDED = '159';
const QUERY_CANCELLED = '394';
const TOO_MANY_BYTES = '307';
const READONLY = '164';
/** UNKNOWN_IDENTIFIER, NO_SUCH_COLUMN_IN_TABLE: a mapped column no longer exists. */
const COLUMN_GONE = new Set(['47', '16']);

export interface ErrorContext {
  url: string;
  user: string;
  database: string;
  table: string;
  timeoutSeconds: number;
  /** Texts that must never reach a message: the password and its Basic-auth encoding. */
  secrets?: readonly string[];
}

/** Server text with credentials blanked: a proxy or server may echo the request headers back. */
function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 [redacted]');
  for (const secret of secrets ?? []) {
    if (secret === '') continue;
    // as echoed in JSON, in a URL, or as UTF-8 read back as Latin-1
    const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret, 'utf8').toString('latin1')];
    for (const form of forms) out = out.split(form).join('[redacted]');
  }
  return out;
}

/** A store error with a sentence for any failure of a request to ClickHouse. */
export function explain(err: unknown, ctx: ErrorContext, signal?: AbortSignal): ClickHouseStoreError {
  if (err instanceof ClickHouseStoreError) return err;
  const where = displayUrl(ctx.url);
  const code = codeOf(err);
  const message = String((err as ErrorLike | null)?.message ?? err);
  if (signal?.aborted || code === QUERY_CANCELLED) {
    return new ClickHouseStoreError('cancelled', 'The ClickHouse query was cancelled.', { cause: err });
  }
  // Aborted without our signal: the connection was cut (server restart, proxy, network), not cancelled.
  if ((err as ErrorLike | null)?.name === 'AbortError' || /aborted|socket hang up|premature close/i.test(message)) {
    return new ClickHouseStoreError('server', `ClickHouse at ${where} closed the connection before the answer was complete: check the server and any proxy in between, then retry.`, { cause: err });
  }
  if (code === 'ECONNREFUSED') {
    return new ClickHouseStoreError('refused', `ClickHouse at ${where} refused the connection: check that the server is running and that the URL has its HTTP port (usually 8123, or 8443 for HTTPS).`, { cause: err });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ClickHouseStoreError('unknown-host', `The host in ${where} cannot be found: check the ClickHouse URL.`, { cause: err });
  }
  if (code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === TIMEOUT_EXCEEDED || /timeout/i.test(message)) {
    return new ClickHouseStoreError('timeout', `ClickHouse at ${where} did not answer within ${ctx.timeoutSeconds} s: check the URL and firewalls, or raise the timeout if the server is busy.`, { cause: err });
  }
  if (/^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY)/.test(code) || code === 'EPROTO') {
    return new ClickHouseStoreError('tls', `The TLS connection to ${where} failed (${code}): check the URL scheme (http or https) and the server certificate.`, { cause: err });
  }
  if (AUTH_CODES.has(code) || /authentication failed|wrong password|unknown user/i.test(message)) {
    return new ClickHouseStoreError('auth', `ClickHouse at ${where} rejected user '${ctx.user}': check the user name and the password in the data source settings.`, { cause: err });
  }
  if (code === READONLY) {
    return new ClickHouseStoreError(
      'auth',
      `ClickHouse user '${ctx.user}' has readonly = 1, which refuses the per-query limits Flowlens sets (max_execution_time, max_bytes_to_read): give the user a settings profile with readonly = 2 (still read-only, settings allowed).`,
      { cause: err },
    );
  }
  if (code === TOO_MANY_BYTES) {
    return new ClickHouseStoreError('limit', `The query would read more data from ClickHouse than this data source allows: pick a shorter range, narrow the filter, or raise 'Max bytes read'.`, { cause: err });
  }
  if (code === UNKNOWN_DATABASE) {
    return new ClickHouseStoreError('database', `Database '${ctx.database}' does not exist on ${where}: check the database name in the data source settings.`, { cause: err });
  }
  if (code === UNKNOWN_TABLE) {
    return new ClickHouseStoreError('table', `Table '${ctx.database}.${ctx.table}' does not exist on ${where}: check the table name in the data source settings.`, { cause: err });
  }
  const safe = redact(message, ctx.secrets);
  const first = safe.split('\n')[0]!.slice(0, 300);
  if (COLUMN_GONE.has(code)) {
    const text = `Table '${ctx.database}.${ctx.table}' on ${where} lacks a column the data source maps (${first}): check the column mapping in the data source settings.`;
    return new ClickHouseStoreError('changed', text, safe === message ? { cause: err } : {});
  }
  // An error whose text held credentials is not kept as the cause (causes get logged).
  return new ClickHouseStoreError('server', `ClickHouse at ${where} failed: ${first}`, safe === message ? { cause: err } : {});
}
