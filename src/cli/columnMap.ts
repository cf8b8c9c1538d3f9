/**
 * `--columns` and `--input-format` of the commands that read flow files (features, train, score,
 * evaluate): the generic-CSV reader needs a column map, and without a way to give one on the
 * command line `--input-format csv` could only fail. Role names are the data source's column
 * roles (COLUMN_ROLES: `ts`, `src_ip`, …), the same words a `clickhouse://` URL takes, so a user
 * learns one vocabulary; sources/file/columnRoles.ts translates them to the reader's ColumnMap.
 */
import { COLUMN_ROLES, REQUIRED_COLUMN_ROLES, type ColumnRole } from '../query/settings.js';
import { columnMapOfRoles } from '../sources/file/columnRoles.js';
import { FILE_FORMATS, type ColumnMap, type FileFormat } from '../sources/file/index.js';
import { UsageError } from './errors.js';
import { isClickHouseSpec } from './sources.js';

/** How the flow files named on the command line are to be read. */
export interface FileInput {
  format: FileFormat | 'auto';
  /** Present exactly when `format` is 'csv'. */
  columnMap?: ColumnMap;
}

const EXAMPLE = 'ts=start_time,src_ip=sa,dst_ip=da';

function isRole(name: string): name is ColumnRole {
  return (COLUMN_ROLES as readonly string[]).includes(name);
}

/**
 * The role a mistyped name probably meant: the reader's own messages speak of `srcIp`, and
 * `src-ip` or `SRC_IP` are easy slips, so those get a pointer rather than only the full list.
 */
function suggestion(name: string): ColumnRole | null {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toLowerCase();
  return isRole(snake) ? snake : null;
}

/** Parses `ROLE=COLUMN,…` into a ColumnMap; every mistake is a UsageError saying what to write. */
export function parseColumnMap(text: string): ColumnMap {
  const entries = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) throw new UsageError(`--columns names no column: give ROLE=COLUMN pairs such as ${EXAMPLE}`);
  const byRole = new Map<ColumnRole, string>();
  const roleOfColumn = new Map<string, ColumnRole>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 0) throw new UsageError(`--columns: '${entry}' is not ROLE=COLUMN (for example src_ip=sa)`);
    const role = entry.slice(0, eq).trim();
    const column = entry.slice(eq + 1).trim();
    if (role === '') throw new UsageError(`--columns: '${entry}' has no role before '=' (known roles: ${COLUMN_ROLES.join(', ')})`);
    if (!isRole(role)) {
      const hint = suggestion(role);
      throw new UsageError(`--columns: unknown role '${role}'${hint ? ` (did you mean ${hint}?)` : ''}. Known roles: ${COLUMN_ROLES.join(', ')}`);
    }
    if (column === '') throw new UsageError(`--columns: role ${role} has an empty column name (write ${role}=NAME, NAME being the column's header)`);
    const earlier = byRole.get(role);
    if (earlier !== undefined) throw new UsageError(`--columns: role ${role} is given twice ('${earlier}' and '${column}')`);
    // One column feeding two roles (src_ip=sa,dst_ip=sa) is a slip that would read without error
    // and give nonsense features, so it is refused rather than guessed at.
    const other = roleOfColumn.get(column);
    if (other !== undefined) throw new UsageError(`--columns: column '${column}' is given for both ${other} and ${role}; each role needs its own column`);
    byRole.set(role, column);
    roleOfColumn.set(column, role);
  }
  const missing = REQUIRED_COLUMN_ROLES.filter((r) => !byRole.has(r));
  if (missing.length) {
    throw new UsageError(`--columns must map ts, src_ip and dst_ip; missing: ${missing.join(', ')} (for example ${EXAMPLE})`);
  }
  return columnMapOfRoles(Object.fromEntries(byRole));
}

/**
 * Checks `--input-format` and `--columns` together against the inputs: `--columns` means
 * generic CSV, and generic CSV cannot be read without it.
 */
export function fileInput(inputFormat: string | undefined, columns: string | undefined, inputs: readonly string[]): FileInput {
  if (inputFormat !== undefined && inputFormat !== 'auto' && !(FILE_FORMATS as readonly string[]).includes(inputFormat)) {
    throw new UsageError(`--input-format must be auto or one of ${FILE_FORMATS.join(', ')}, got '${inputFormat}'`);
  }
  if (columns === undefined) {
    if (inputFormat === 'csv' && !inputs.some(isClickHouseSpec)) {
      throw new UsageError(`--input-format csv needs --columns ROLE=COLUMN,… naming the header column of at least ${REQUIRED_COLUMN_ROLES.join(', ')} (for example --columns ${EXAMPLE})`);
    }
    return { format: (inputFormat ?? 'auto') as FileFormat | 'auto' };
  }
  if (inputFormat !== undefined && inputFormat !== 'csv') {
    throw new UsageError(`--columns describes a generic CSV file (it implies --input-format csv) and cannot be combined with --input-format ${inputFormat}`);
  }
  if (inputs.some(isClickHouseSpec)) {
    throw new UsageError('--columns applies to CSV files; for a clickhouse:// table give column roles in the URL instead (e.g. ?ts=TimeFlowStart)');
  }
  return { format: 'csv', columnMap: parseColumnMap(columns) };
}

/** The --help lines of `--columns`, aligned to a command's option column (`width` = text indent). */
export function columnsHelp(width: number): string {
  const lead = '  --columns MAP'.padEnd(width);
  const pad = ' '.repeat(width);
  return [
    `${lead}generic CSV with a header (implies --input-format csv): ROLE=COLUMN,…`,
    `${pad}names the header column of each field. Roles: ts, src_ip, dst_ip`,
    `${pad}(required), src_port, dst_port, proto, state, bytes, packets, src_bytes,`,
    `${pad}dst_bytes, duration, label. ts may be calendar text (ISO 8601) or epoch`,
    `${pad}s/ms/µs/ns, proto a name or number. Example:`,
    `${pad}--columns ts=start_time,src_ip=sa,dst_ip=da,dst_port=dp`,
    '',
  ].join('\n');
}
