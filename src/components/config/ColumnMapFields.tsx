/**
 * One text field per column role (`ts`, `src_ip`, …): ClickHouse column overrides and the header
 * columns of a generic CSV file are the same map, edited the same way.
 */
import React from 'react';
import { Alert, InlineField, Input, Stack } from '@grafana/ui';

import { COLUMN_ROLES, type ColumnRole, type FieldError } from '../../query/index.js';
import { errorsUnder, fieldState, unclaimed } from '../fieldErrors.js';
import { LABEL_WIDTH } from './sections.js';

export type ColumnMapValue = Partial<Record<ColumnRole, string>>;

export interface ColumnMapFieldsProps {
  /** Where the map sits in jsonData (`clickhouse.columns`): the settings check reports under it. */
  path: string;
  idPrefix: string;
  columns: ColumnMapValue;
  onChange: (columns: ColumnMapValue) => void;
  errors: readonly FieldError[];
  placeholder: (role: ColumnRole, required: boolean) => string;
  /** Roles marked as required next to their label. */
  required?: readonly ColumnRole[];
}

export function ColumnMapFields({ path, idPrefix, columns, onChange, errors, placeholder, required = [] }: ColumnMapFieldsProps): React.JSX.Element {
  const setColumn = (role: ColumnRole, name: string): void => {
    const next = { ...columns };
    if (name.trim() === '') delete next[role];
    else next[role] = name;
    onChange(next);
  };
  // Messages about the map as a whole or about roles that have no field (a typo in provisioning).
  const rest = unclaimed(
    errorsUnder(errors, path),
    COLUMN_ROLES.map((role) => `${path}.${role}`),
  );
  return (
    <Stack direction="column" gap={0}>
      {rest.length > 0 && (
        <Alert severity="error" title="Column map">
          {rest.map((e) => (
            <div key={e.field}>{e.message}</div>
          ))}
        </Alert>
      )}
      {COLUMN_ROLES.map((role) => (
        <InlineField key={role} label={role} labelWidth={LABEL_WIDTH} required={required.includes(role)} {...fieldState(errors, `${path}.${role}`)}>
          <Input
            id={`${idPrefix}-${role}`}
            width={32}
            placeholder={placeholder(role, required.includes(role))}
            value={columns[role] ?? ''}
            // Trimmed on leaving the field, not while typing: a CSV header such as "Start Time"
            // holds a space, which trimming at each keystroke would eat before the next word.
            onChange={(e) => setColumn(role, e.currentTarget.value)}
            onBlur={(e) => e.currentTarget.value !== e.currentTarget.value.trim() && setColumn(role, e.currentTarget.value.trim())}
          />
        </InlineField>
      ))}
    </Stack>
  );
}
