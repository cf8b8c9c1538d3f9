/**
 * ClickHouse sources named by URL on the command line:
 *
 *   clickhouse://user@host:8123/db/table?preset=goflow2&ts=TimeFlowStart
 *   clickhouses://user@host:8443/db/table            (HTTPS)
 *
 * Query keys: `preset` (akvorado, goflow2, generic), `timeout` (query seconds), `connect_timeout`,
 * and any column role (`ts`, `src_ip`, … — see COLUMN_ROLES) to override a preset's column. The
 * password never appears in the URL (shell history, process lists): it comes from the environment
 * variable FLOWLENS_CLICKHOUSE_PASSWORD.
 */
import { COLUMN_ROLES, resolveSettings, type ClickHouseSettings, type ColumnRole } from '../query/settings.js';

export const PASSWORD_ENV = 'FLOWLENS_CLICKHOUSE_PASSWORD';

export class SourceSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceSpecError';
  }
}

export function isClickHouseSpec(spec: string): boolean {
  return /^clickhouses?:\/\//i.test(spec.trim());
}

export interface ClickHouseSpec {
  settings: ClickHouseSettings;
  password: string;
}

const EXAMPLE = 'clickhouse://user@host:8123/database/table?preset=akvorado';

/**
 * The URL as it may be quoted: a `user:password@` is shown as `user:***@` (a URL refused for
 * another reason would otherwise print the password it holds).
 */
export function quotableUrl(spec: string): string {
  const start = spec.indexOf('://');
  if (start < 0) return spec;
  // up to the last @ of the authority's run (a password may hold / or @), before any blank
  const blank = spec.slice(start + 3).search(/\s/);
  const end = blank < 0 ? spec.length : start + 3 + blank;
  const at = spec.lastIndexOf('@', end - 1);
  if (at < start + 3) return spec;
  const info = spec.slice(start + 3, at);
  const colon = info.indexOf(':');
  return colon < 0 ? spec : `${spec.slice(0, start + 3)}${info.slice(0, colon)}:***${spec.slice(at)}`;
}

/** decodeURIComponent, with a bad escape as the user's mistake it is. */
function decoded(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new SourceSpecError(`the ${what} in the ClickHouse URL has a bad %-escape ('${part}'): write %XX with two hex digits, or the character itself`);
  }
}

/** Parses a `clickhouse://` source; throws SourceSpecError with what to write instead. */
export function parseClickHouseSpec(spec: string, env: Readonly<Record<string, string | undefined>> = {}): ClickHouseSpec {
  let u: URL;
  try {
    u = new URL(spec.trim());
  } catch {
    throw new SourceSpecError(`'${quotableUrl(spec)}' is not a ClickHouse URL: write ${EXAMPLE}`);
  }
  const secure = u.protocol.toLowerCase() === 'clickhouses:';
  if (!secure && u.protocol.toLowerCase() !== 'clickhouse:') throw new SourceSpecError(`'${u.protocol}' sources are not supported: write ${EXAMPLE}`);
  if (u.password !== '') {
    throw new SourceSpecError(`do not put the password in the ClickHouse URL (it would end up in shell history): set ${PASSWORD_ENV} instead`);
  }
  if (u.hostname === '') throw new SourceSpecError(`the ClickHouse URL has no host: write ${EXAMPLE}`);
  const path = u.pathname.split('/').filter((p) => p !== '').map((p) => decoded(p, 'path'));
  if (path.length < 1 || path.length > 2) throw new SourceSpecError(`the ClickHouse URL path must be /database/table or /table, got '${u.pathname}': write ${EXAMPLE}`);
  const [database, table] = path.length === 2 ? [path[0]!, path[1]!] : ['default', path[0]!];
  const columns: Partial<Record<ColumnRole, string>> = {};
  const clickhouse: Record<string, unknown> = { database, table, user: u.username === '' ? 'default' : decoded(u.username, 'user'), columns };
  for (const [key, value] of u.searchParams) {
    if (key === 'preset') clickhouse.preset = value;
    else if (key === 'timeout' || key === 'connect_timeout') {
      const n = Number(value);
      if (!(n > 0)) throw new SourceSpecError(`'${key}=${value}' in the ClickHouse URL must be a number of seconds above 0`);
      clickhouse[key === 'timeout' ? 'queryTimeoutSeconds' : 'connectTimeoutSeconds'] = n;
    } else if ((COLUMN_ROLES as readonly string[]).includes(key)) columns[key as ColumnRole] = value;
    else throw new SourceSpecError(`unknown key '${key}' in the ClickHouse URL: use preset, timeout, connect_timeout or a column role (${COLUMN_ROLES.join(', ')})`);
  }
  const port = u.port !== '' ? u.port : secure ? '8443' : '8123';
  clickhouse.url = `${secure ? 'https' : 'http'}://${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}:${port}`;
  const r = resolveSettings({ store: 'clickhouse', clickhouse });
  if (!r.ok) throw new SourceSpecError(`bad ClickHouse URL: ${r.errors.map((e) => e.message).join(' ')}`);
  return { settings: r.settings.clickhouse, password: env[PASSWORD_ENV] ?? '' };
}
