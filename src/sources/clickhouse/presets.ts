/**
 * Where each internal flow field lives in well-known ClickHouse flow schemas
 * (peers-and-schemas.md §2.1–2.2), and how user overrides replace a preset's column names.
 */
import { COLUMN_ROLES, type ClickHousePreset, type ColumnRole } from '../../query/settings.js';

export interface PresetColumn {
  column: string;
  /** Multiply by this column (sampled exporters): Akvorado/goflow2 `Bytes × SamplingRate`. */
  scaleBy?: string;
}

/** How IPv4 addresses sit in a FixedString(16)/IPv6 address column. */
export type Ipv4Layout =
  /** `::ffff:a.b.c.d` (Akvorado). */
  | { kind: 'mapped' }
  /** The 4 bytes first, zero padded, when the named EtherType column is 0x0800 (goflow2 protobuf). */
  | { kind: 'leading'; etypeColumn: string };

export interface Preset {
  columns: Partial<Record<ColumnRole, PresetColumn>>;
  ipv4Layout: Ipv4Layout;
}

const generic: Preset = {
  columns: Object.fromEntries(COLUMN_ROLES.map((role) => [role, { column: role }])),
  ipv4Layout: { kind: 'mapped' },
};

export const PRESETS: Record<ClickHousePreset, Preset> = {
  akvorado: {
    columns: {
      ts: { column: 'TimeReceived' },
      src_ip: { column: 'SrcAddr' },
      dst_ip: { column: 'DstAddr' },
      src_port: { column: 'SrcPort' },
      dst_port: { column: 'DstPort' },
      proto: { column: 'Proto' },
      bytes: { column: 'Bytes', scaleBy: 'SamplingRate' },
      packets: { column: 'Packets', scaleBy: 'SamplingRate' },
    },
    ipv4Layout: { kind: 'mapped' },
  },
  goflow2: {
    columns: {
      ts: { column: 'time_received_ns' },
      src_ip: { column: 'src_addr' },
      dst_ip: { column: 'dst_addr' },
      src_port: { column: 'src_port' },
      dst_port: { column: 'dst_port' },
      proto: { column: 'proto' },
      bytes: { column: 'bytes', scaleBy: 'sampling_rate' },
      packets: { column: 'packets', scaleBy: 'sampling_rate' },
    },
    ipv4Layout: { kind: 'leading', etypeColumn: 'etype' },
  },
  generic,
};

export const REQUIRED_ROLES: readonly ColumnRole[] = ['ts', 'src_ip', 'dst_ip'];

export interface RoleColumn extends PresetColumn {
  /** The user named this column explicitly (a missing one is then an error, not an absent field). */
  explicit: boolean;
}

/** The preset's columns with the user's overrides applied (an override drops the preset's scaling). */
export function roleColumns(preset: ClickHousePreset, overrides: Partial<Record<ColumnRole, string>>): Partial<Record<ColumnRole, RoleColumn>> {
  const out: Partial<Record<ColumnRole, RoleColumn>> = {};
  for (const role of COLUMN_ROLES) {
    const override = overrides[role];
    const base = PRESETS[preset].columns[role];
    if (override !== undefined && override !== '') out[role] = { column: override, explicit: true };
    else if (base) out[role] = { ...base, explicit: false };
  }
  return out;
}
