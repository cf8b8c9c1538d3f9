/**
 * ClickHouse store: where the flows table lives, how to log in (the password is a secret Grafana
 * stores encrypted), which schema preset maps its columns, and per-column overrides.
 */
import React from 'react';
import { ControlledCollapse, InlineField, Input, RadioButtonGroup, SecretInput } from '@grafana/ui';
import type { SelectableValue } from '@grafana/data';

import { CLICKHOUSE_PRESETS, DEFAULT_CLICKHOUSE_SETTINGS, type ClickHousePreset, type FieldError } from '../../query/index.js';
import { fieldState } from '../fieldErrors.js';
import { NumberInput } from '../NumberInput.js';
import { ColumnMapFields } from './ColumnMapFields.js';
import { LABEL_WIDTH, patchSection, type ConfigProps } from './sections.js';

const PRESET_OPTIONS: Array<SelectableValue<ClickHousePreset>> = [
  { label: 'Akvorado', value: 'akvorado', description: 'Akvorado’s flows table (TimeReceived, SrcAddr, DstAddr, …)' },
  { label: 'goflow2', value: 'goflow2', description: 'goflow2’s sample ClickHouse schema' },
  { label: 'Generic', value: 'generic', description: 'Columns named ts, src_ip, dst_ip, src_port, dst_port, proto, …' },
];
if (PRESET_OPTIONS.length !== CLICKHOUSE_PRESETS.length) throw new Error('every ClickHouse preset needs an option');

export function ClickHouseSection({ options, onOptionsChange, errors }: ConfigProps & { errors: readonly FieldError[] }): React.JSX.Element {
  const ch = options.jsonData.clickhouse ?? {};
  const patch = (p: Parameters<typeof patchSection<'clickhouse'>>[2]): void => onOptionsChange(patchSection(options, 'clickhouse', p));
  const columns = ch.columns ?? {};
  const passwordConfigured = Boolean(options.secureJsonFields?.clickhousePassword);

  return (
    <>
      <InlineField label="URL" labelWidth={LABEL_WIDTH} tooltip="ClickHouse HTTP(S) endpoint" {...fieldState(errors, 'clickhouse.url')}>
        <Input id="config-ch-url" width={48} placeholder={DEFAULT_CLICKHOUSE_SETTINGS.url} value={ch.url ?? ''} onChange={(e) => patch({ url: e.currentTarget.value || undefined })} />
      </InlineField>
      <InlineField label="User" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'clickhouse.user')}>
        <Input id="config-ch-user" width={32} placeholder={DEFAULT_CLICKHOUSE_SETTINGS.user} value={ch.user ?? ''} onChange={(e) => patch({ user: e.currentTarget.value || undefined })} />
      </InlineField>
      <InlineField label="Password" labelWidth={LABEL_WIDTH} tooltip="Stored encrypted by Grafana and only sent to the plugin backend">
        <SecretInput
          id="config-ch-password"
          width={32}
          placeholder="password"
          isConfigured={passwordConfigured}
          value={options.secureJsonData?.clickhousePassword ?? ''}
          onChange={(e) => onOptionsChange({ ...options, secureJsonData: { ...options.secureJsonData, clickhousePassword: e.currentTarget.value } })}
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...options.secureJsonFields, clickhousePassword: false },
              secureJsonData: { ...options.secureJsonData, clickhousePassword: '' },
            })
          }
        />
      </InlineField>
      <InlineField label="Database" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'clickhouse.database')}>
        <Input id="config-ch-database" width={32} placeholder={DEFAULT_CLICKHOUSE_SETTINGS.database} value={ch.database ?? ''} onChange={(e) => patch({ database: e.currentTarget.value || undefined })} />
      </InlineField>
      <InlineField label="Table" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'clickhouse.table')}>
        <Input id="config-ch-table" width={32} placeholder={DEFAULT_CLICKHOUSE_SETTINGS.table} value={ch.table ?? ''} onChange={(e) => patch({ table: e.currentTarget.value || undefined })} />
      </InlineField>
      <InlineField label="Schema preset" labelWidth={LABEL_WIDTH} tooltip="How the table's columns map to flow fields" {...fieldState(errors, 'clickhouse.preset')}>
        <RadioButtonGroup aria-label="Schema preset" options={PRESET_OPTIONS} value={ch.preset ?? DEFAULT_CLICKHOUSE_SETTINGS.preset} onChange={(preset) => patch({ preset })} />
      </InlineField>
      <InlineField label="Query timeout (s)" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'clickhouse.queryTimeoutSeconds')}>
        <NumberInput id="config-ch-query-timeout" optional width={12} placeholder={String(DEFAULT_CLICKHOUSE_SETTINGS.queryTimeoutSeconds)} value={ch.queryTimeoutSeconds} onCommit={(queryTimeoutSeconds) => patch({ queryTimeoutSeconds })} />
      </InlineField>
      <InlineField label="Connect timeout (s)" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'clickhouse.connectTimeoutSeconds')}>
        <NumberInput id="config-ch-connect-timeout" optional width={12} placeholder={String(DEFAULT_CLICKHOUSE_SETTINGS.connectTimeoutSeconds)} value={ch.connectTimeoutSeconds} onCommit={(connectTimeoutSeconds) => patch({ connectTimeoutSeconds })} />
      </InlineField>
      <ControlledCollapse label={`Column overrides${Object.keys(columns).length ? ` (${Object.keys(columns).length})` : ''}`} isOpen={Object.keys(columns).length > 0}>
        <ColumnMapFields path="clickhouse.columns" idPrefix="config-ch-column" columns={columns} onChange={(next) => patch({ columns: next })} errors={errors} placeholder={() => 'preset default'} />
      </ControlledCollapse>
    </>
  );
}
