/**
 * Column roles (the settings' and the CLI's words: `ts`, `src_ip`, …) to the generic CSV reader's
 * ColumnMap fields (`ts`, `srcIp`, …). Users learn one vocabulary for ClickHouse columns, CSV
 * headers in the data source and `--columns` on the command line; this is the one place it meets
 * the reader's names.
 */
import { COLUMN_ROLES, REQUIRED_COLUMN_ROLES, type ColumnRole } from '../../query/settings.js';
import type { ColumnMap } from './formats/headerCsv.js';

// A Record over every role makes the compiler insist on a field for each role COLUMN_ROLES gains.
const FIELD_OF_ROLE: Record<ColumnRole, keyof ColumnMap> = {
  ts: 'ts',
  src_ip: 'srcIp',
  dst_ip: 'dstIp',
  src_port: 'srcPort',
  dst_port: 'dstPort',
  proto: 'proto',
  state: 'state',
  bytes: 'bytes',
  packets: 'packets',
  src_bytes: 'srcBytes',
  dst_bytes: 'dstBytes',
  duration: 'duration',
  label: 'label',
};

/**
 * The reader's ColumnMap for header names per role. Callers check the map first with messages in
 * their own terms (settings fields, CLI usage), so a required role missing here is a bug: thrown.
 */
export function columnMapOfRoles(columns: Readonly<Partial<Record<ColumnRole, string>>>): ColumnMap {
  const missing = REQUIRED_COLUMN_ROLES.filter((role) => !columns[role]);
  if (missing.length) throw new RangeError(`a column map needs ${REQUIRED_COLUMN_ROLES.join(', ')}; missing: ${missing.join(', ')}`);
  const map: ColumnMap = { ts: columns.ts!, srcIp: columns.src_ip!, dstIp: columns.dst_ip! };
  for (const role of COLUMN_ROLES) {
    const column = columns[role];
    if (column !== undefined) map[FIELD_OF_ROLE[role]] = column;
  }
  return map;
}

const ROLE_OF_FIELD = new Map<keyof ColumnMap, ColumnRole>(COLUMN_ROLES.map((role) => [FIELD_OF_ROLE[role], role]));

/** The role word for a ColumnMap field (`srcIp` → `src_ip`), for messages users act on. */
export function roleOfField(field: keyof ColumnMap): ColumnRole {
  const role = ROLE_OF_FIELD.get(field);
  if (role === undefined) throw new RangeError(`no column role reads the reader field ${field}`);
  return role;
}
