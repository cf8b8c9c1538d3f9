/**
 * Data source settings: `jsonData` (visible) and `secureJsonData` (secrets, which Grafana stores
 * encrypted and hands to the backend decrypted). Shared by the config editor and the backend.
 */
import type { FieldError } from './filter.js';

export const STORE_KINDS = ['file', 'clickhouse'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const FILE_FORMATS = ['auto', 'seed', 'netflow-labeled', 'binetflow', 'nfdump', 'csv'] as const;
export type FileFormatSetting = (typeof FILE_FORMATS)[number];

export const CLICKHOUSE_PRESETS = ['akvorado', 'goflow2', 'generic'] as const;
export type ClickHousePreset = (typeof CLICKHOUSE_PRESETS)[number];

/**
 * Internal flow fields a column can be mapped to: a ClickHouse column (the `generic` preset's column
 * names) or a generic CSV file's header column.
 */
export const COLUMN_ROLES = ['ts', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'proto', 'state', 'bytes', 'packets', 'src_bytes', 'dst_bytes', 'duration', 'label'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** The roles a generic CSV file cannot be read without: a flow needs its time and both addresses. */
export const REQUIRED_COLUMN_ROLES = ['ts', 'src_ip', 'dst_ip'] as const satisfies readonly ColumnRole[];

export interface FileStoreSettings {
  /** Folder holding flow files; nothing outside it is ever read. */
  root: string;
  format: FileFormatSetting;
  /** Zone for timestamps written without one: `UTC`, an IANA zone or ±hh:mm. */
  timeZone: string;
  /**
   * Format `csv` only: the header column of each role, e.g. {"ts": "Start Time"}. Resolved settings
   * hold these trimmed, and `{}` for every other format.
   */
  columns: Partial<Record<ColumnRole, string>>;
}

export interface ClickHouseSettings {
  /** HTTP(S) endpoint, e.g. http://clickhouse:8123 */
  url: string;
  user: string;
  database: string;
  table: string;
  preset: ClickHousePreset;
  /** Column overrides per role, e.g. {"ts": "TimeFlowStart"}. */
  columns: Partial<Record<ColumnRole, string>>;
  queryTimeoutSeconds: number;
  connectTimeoutSeconds: number;
}

/** Bounds on the work one query may do; exceeding one is a clear error, never a partial answer. */
export interface LimitsSettings {
  maxRows: number;
  maxSpanSeconds: number;
  maxHosts: number;
  /** Bytes one query may read: flow files on disk (file store), uncompressed column data (ClickHouse). */
  maxBytes: number;
}

export interface FlowlensJsonData {
  store?: StoreKind;
  file?: Partial<FileStoreSettings>;
  clickhouse?: Partial<ClickHouseSettings>;
  limits?: Partial<LimitsSettings>;
}

export interface FlowlensSecureJsonData {
  clickhousePassword?: string;
}

export interface ResolvedSettings {
  store: StoreKind;
  file: FileStoreSettings;
  clickhouse: ClickHouseSettings;
  limits: LimitsSettings;
}

export const DEFAULT_FILE_SETTINGS: FileStoreSettings = { root: '', format: 'auto', timeZone: 'UTC', columns: {} };
export const DEFAULT_CLICKHOUSE_SETTINGS: ClickHouseSettings = {
  url: 'http://localhost:8123',
  user: 'default',
  database: 'default',
  table: 'flows',
  preset: 'generic',
  columns: {},
  queryTimeoutSeconds: 60,
  connectTimeoutSeconds: 10,
};
export const DEFAULT_LIMITS: LimitsSettings = { maxRows: 50_000_000, maxSpanSeconds: 31 * 86400, maxHosts: 100_000, maxBytes: 10 * 2 ** 30 };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a name may be used as a ClickHouse database, table or column name. */
export function isSafeIdentifier(name: string): boolean {
  // Settings come from JSON: a null name must be refused, not tested as the text "null".
  return typeof name === 'string' && IDENTIFIER.test(name) && name.length <= 128;
}

export type SettingsResult = { ok: true; settings: ResolvedSettings } | { ok: false; errors: FieldError[] };

/** Fills defaults and checks the settings a data source was saved with. */
export function resolveSettings(jsonData: unknown): SettingsResult {
  const data = (typeof jsonData === 'object' && jsonData !== null ? jsonData : {}) as FlowlensJsonData;
  const errors: FieldError[] = [];
  const add = (field: string, message: string): void => {
    errors.push({ field, message });
  };
  const store = data.store ?? 'file';
  if (!STORE_KINDS.includes(store)) add('store', `The store must be one of ${STORE_KINDS.join(', ')}.`);

  const file: FileStoreSettings = { ...DEFAULT_FILE_SETTINGS, ...(data.file ?? {}) };
  if (!FILE_FORMATS.includes(file.format)) add('file.format', `The file format must be one of ${FILE_FORMATS.join(', ')}.`);
  if (typeof file.timeZone !== 'string' || !isTimeZone(file.timeZone)) {
    add('file.timeZone', `'${String(file.timeZone)}' is not a time zone: use UTC, an IANA zone such as Europe/Prague, or ±hh:mm.`);
  }
  if (store === 'file' && (typeof file.root !== 'string' || file.root.trim() === '')) {
    add('file.root', 'Set the root folder that holds the flow files.');
  } else if (store === 'file' && typeof file.root === 'string') {
    // a pasted path often carries a blank; a relative one would depend on Grafana's working folder
    file.root = file.root.trim();
    if (!file.root.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file.root)) add('file.root', `The root folder must be an absolute path, such as /var/lib/flowlens/flows (got '${file.root}').`);
  }
  // A map left over from choosing `csv` earlier is ignored for other formats (and stores) rather
  // than refused: the editor shows the map only for `csv`, so an error there would be one the user
  // cannot see or fix, and switching back to `csv` should find the map as it was typed.
  file.columns = store === 'file' && file.format === 'csv' ? csvColumns(data.file?.columns, add) : {};

  const clickhouse: ClickHouseSettings = { ...DEFAULT_CLICKHOUSE_SETTINGS, ...(data.clickhouse ?? {}) };
  clickhouse.columns = { ...(clickhouse.columns ?? {}) };
  // an emptied URL field means the default its placeholder shows
  const url: unknown = data.clickhouse?.url;
  clickhouse.url = typeof url === 'string' && url.trim() !== '' ? url.trim() : DEFAULT_CLICKHOUSE_SETTINGS.url;
  if (store === 'clickhouse') {
    if (!/^https?:\/\/[^\s/]+/.test(clickhouse.url)) add('clickhouse.url', 'The ClickHouse URL must look like http://host:8123 or https://host:8443.');
    else if (hasCredentials(clickhouse.url)) {
      // jsonData reaches every viewer's browser, and the client would prefer these to the secret
      add('clickhouse.url', "The URL must not hold a user or password: put them in the 'User' and 'Password' fields (the password is stored encrypted).");
    } else if (/[?#]/.test(clickhouse.url)) {
      // the client reads its own options from the query string, over ours: ?log_level= turned its
      // logging back on, and its error lines carried the Authorization header
      add('clickhouse.url', 'The URL must not have a query string or fragment (?… or #…): give the server only, such as http://host:8123, and set the database and table in their fields.');
    }
    if (!isSafeIdentifier(clickhouse.database)) add('clickhouse.database', 'The database name may only hold letters, digits and "_", starting with a letter or "_".');
    if (!isSafeIdentifier(clickhouse.table)) add('clickhouse.table', 'The table name may only hold letters, digits and "_", starting with a letter or "_".');
    if (!CLICKHOUSE_PRESETS.includes(clickhouse.preset)) add('clickhouse.preset', `The preset must be one of ${CLICKHOUSE_PRESETS.join(', ')}.`);
    for (const [role, column] of Object.entries(clickhouse.columns)) {
      if (!(COLUMN_ROLES as readonly string[]).includes(role)) add(`clickhouse.columns.${role}`, `Unknown column role '${role}': use one of ${COLUMN_ROLES.join(', ')}.`);
      else if (typeof column !== 'string' || !isSafeIdentifier(column)) add(`clickhouse.columns.${role}`, 'A column name may only hold letters, digits and "_", starting with a letter or "_".');
    }
    for (const key of ['queryTimeoutSeconds', 'connectTimeoutSeconds'] as const) {
      const v = clickhouse[key];
      if (typeof v !== 'number' || !(v > 0) || v > 3600) add(`clickhouse.${key}`, 'Timeouts are seconds above 0 and at most 3600.');
    }
  }

  const limits: LimitsSettings = { ...DEFAULT_LIMITS, ...(data.limits ?? {}) };
  for (const key of ['maxRows', 'maxSpanSeconds', 'maxHosts', 'maxBytes'] as const) {
    if (!Number.isInteger(limits[key]) || limits[key] < 1) add(`limits.${key}`, 'Limits are whole numbers above 0.');
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, settings: { store, file, clickhouse, limits } };
}

const CSV_ROLE_MEANING: Record<(typeof REQUIRED_COLUMN_ROLES)[number], string> = {
  ts: 'the flow start time',
  src_ip: 'the source address',
  dst_ip: 'the destination address',
};

/**
 * Checks a generic CSV column map and returns it with names trimmed (the reader trims header
 * names, so surrounding blanks could never match). Names are header text, matched ignoring case,
 * so any character is allowed, and two roles naming the same column in different case are one
 * column: mapping it twice would read without error and give nonsense, so it is refused.
 */
function csvColumns(given: unknown, add: (field: string, message: string) => void): Partial<Record<ColumnRole, string>> {
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    add('file.columns', 'The column map must name a header column per role, e.g. {"ts": "start_time", "src_ip": "sa", "dst_ip": "da"}.');
    return {};
  }
  const entries = Object.entries(given ?? {}) as [string, unknown][];
  const columns: Partial<Record<ColumnRole, string>> = {};
  const roleOfColumn = new Map<string, ColumnRole>();
  for (const [role, column] of entries) {
    const field = `file.columns.${role}`;
    if (!(COLUMN_ROLES as readonly string[]).includes(role)) {
      add(field, `Unknown column role '${role}': use one of ${COLUMN_ROLES.join(', ')}.`);
      continue;
    }
    if (typeof column !== 'string') {
      add(field, `The header column for ${role} must be text, e.g. "start_time".`);
      continue;
    }
    const name = column.trim();
    if (name === '') {
      add(field, `The header column for ${role} is empty: name it, or leave ${role} out.`);
      continue;
    }
    const key = name.toLowerCase();
    const other = roleOfColumn.get(key);
    if (other !== undefined) {
      add(field, `Column '${name}' is already given for ${other}; each role needs its own column.`);
      continue;
    }
    roleOfColumn.set(key, role as ColumnRole);
    columns[role as ColumnRole] = name;
  }
  for (const role of REQUIRED_COLUMN_ROLES) {
    if (!entries.some(([r]) => r === role)) add(`file.columns.${role}`, `Generic CSV needs ${role}: name the header column that holds ${CSV_ROLE_MEANING[role]}.`);
  }
  return columns;
}

/** UTC, ±hh:mm (hours up to 23), or a zone the runtime's Intl knows. */
export function isTimeZone(tz: string): boolean {
  if (tz === 'UTC' || /^[+-]([01]\d|2[0-3]):[0-5]\d$/.test(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Whether an http(s) URL carries `user[:password]@` before its host. */
function hasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return /^https?:\/\/[^/]*@/.test(url);
  }
}
