/**
 * The data source settings page: where flows come from (files or ClickHouse) and the bounds on one
 * query's work. Messages from the shared settings check appear next to the fields; "Save & test"
 * then shows the backend health check's sentence.
 */
import React, { useMemo } from 'react';
import { Divider, InlineField, RadioButtonGroup, Stack, Text } from '@grafana/ui';
import type { SelectableValue } from '@grafana/data';

import { DEFAULT_LIMITS, resolveSettings, type FieldError, type LimitsSettings, type StoreKind } from '../query/index.js';
import { ClickHouseSection } from './config/ClickHouseSection.js';
import { FileStoreSection } from './config/FileStoreSection.js';
import { LABEL_WIDTH, patchSection, type ConfigProps } from './config/sections.js';
import { NumberInput } from './NumberInput.js';
import { fieldState } from './fieldErrors.js';

export type Props = ConfigProps;

const STORE_OPTIONS: Array<SelectableValue<StoreKind>> = [
  { label: 'Files', value: 'file', description: 'Flow files in a folder on the Grafana server (CTU-13, Argus, nfdump CSV, …)' },
  { label: 'ClickHouse', value: 'clickhouse', description: 'A flows table in ClickHouse (Akvorado, goflow2 or your own schema)' },
];

const LIMIT_FIELDS: Array<{ key: keyof LimitsSettings; label: string; tooltip: string }> = [
  { key: 'maxRows', label: 'Max flows per query', tooltip: 'A query reading more flows fails with a clear message instead of exhausting memory' },
  { key: 'maxSpanSeconds', label: 'Max time span (s)', tooltip: 'Longest time range one query may cover' },
  { key: 'maxHosts', label: 'Max hosts', tooltip: 'Most hosts one score query may track' },
  { key: 'maxBytes', label: 'Max bytes read', tooltip: 'Most bytes one query may read: flow files on disk, or uncompressed columns in ClickHouse (default 10 GiB)' },
];

function Heading({ children }: { children: string }): React.JSX.Element {
  return (
    <Text element="h3" variant="h4">
      {children}
    </Text>
  );
}

export function ConfigEditor(props: Props): React.JSX.Element {
  const { options, onOptionsChange } = props;
  const store: StoreKind = options.jsonData.store ?? 'file';
  const errors: FieldError[] = useMemo(() => {
    const r = resolveSettings(options.jsonData);
    return r.ok ? [] : r.errors;
  }, [options.jsonData]);
  const limits = options.jsonData.limits ?? {};

  return (
    <Stack direction="column" gap={2}>
      <Stack direction="column" gap={1}>
        <Heading>Flow store</Heading>
        <InlineField label="Store" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'store')}>
          <RadioButtonGroup aria-label="Store" options={STORE_OPTIONS} value={store} onChange={(s) => onOptionsChange({ ...options, jsonData: { ...options.jsonData, store: s } })} />
        </InlineField>
        {store === 'file' ? <FileStoreSection {...props} errors={errors} /> : <ClickHouseSection {...props} errors={errors} />}
      </Stack>
      <Divider />
      <Stack direction="column" gap={1}>
        <Heading>Limits</Heading>
        {LIMIT_FIELDS.map(({ key, label, tooltip }) => (
          <InlineField key={key} label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip} {...fieldState(errors, `limits.${key}`)}>
            <NumberInput
              id={`config-limits-${key}`}
              optional
              width={20}
              placeholder={String(DEFAULT_LIMITS[key])}
              value={limits[key]}
              onCommit={(v) => onOptionsChange(patchSection(options, 'limits', { [key]: v }))}
            />
          </InlineField>
        ))}
      </Stack>
    </Stack>
  );
}
