/**
 * File store: the folder that holds flow files, their format, the zone of zone-less timestamps and,
 * for generic CSV, which header column holds which field.
 */
import React from 'react';
import { InlineField, Input, Select, Text } from '@grafana/ui';
import type { SelectableValue } from '@grafana/data';

import { DEFAULT_FILE_SETTINGS, FILE_FORMATS, REQUIRED_COLUMN_ROLES, type FieldError, type FileFormatSetting } from '../../query/index.js';
import { fieldState } from '../fieldErrors.js';
import { ColumnMapFields } from './ColumnMapFields.js';
import { LABEL_WIDTH, patchSection, type ConfigProps } from './sections.js';

const FORMAT_HELP: Record<FileFormatSetting, string> = {
  auto: 'Detect from the file header',
  seed: 'The seed notebook’s CSV',
  'netflow-labeled': 'CTU-13 labelled NetFlow text',
  binetflow: 'Argus bidirectional NetFlow (CTU-13 .binetflow)',
  nfdump: 'nfdump CSV export (nfdump -o csv)',
  csv: 'Generic CSV with a header row',
};
const FORMAT_OPTIONS: Array<SelectableValue<FileFormatSetting>> = FILE_FORMATS.map((f) => ({ label: f, value: f, description: FORMAT_HELP[f] }));

export function FileStoreSection({ options, onOptionsChange, errors }: ConfigProps & { errors: readonly FieldError[] }): React.JSX.Element {
  const file = options.jsonData.file ?? {};
  const format = file.format ?? DEFAULT_FILE_SETTINGS.format;
  return (
    <>
      <InlineField label="Root folder" labelWidth={LABEL_WIDTH} tooltip="Folder holding the flow files (as the Grafana server sees it); nothing outside it is read" {...fieldState(errors, 'file.root')}>
        <Input id="config-file-root" width={48} placeholder="/var/lib/flowlens/flows" value={file.root ?? ''} onChange={(e) => onOptionsChange(patchSection(options, 'file', { root: e.currentTarget.value }))} />
      </InlineField>
      <InlineField label="Format" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'file.format')}>
        <Select
          inputId="config-file-format"
          width={48}
          options={FORMAT_OPTIONS}
          value={format}
          onChange={(v: SelectableValue<FileFormatSetting>) => v.value && onOptionsChange(patchSection(options, 'file', { format: v.value }))}
        />
      </InlineField>
      <InlineField label="Time zone" labelWidth={LABEL_WIDTH} tooltip="For timestamps written without a zone: UTC, an IANA zone such as Europe/Prague, or ±hh:mm" {...fieldState(errors, 'file.timeZone')}>
        <Input id="config-file-tz" width={24} placeholder="UTC" value={file.timeZone ?? ''} onChange={(e) => onOptionsChange(patchSection(options, 'file', { timeZone: e.currentTarget.value || undefined }))} />
      </InlineField>
      {format === 'csv' && (
        <>
          <Text element="p" color="secondary">
            Header columns: the name in the file&apos;s header row of each field (matched ignoring case).
          </Text>
          <ColumnMapFields
            path="file.columns"
            idPrefix="config-file-column"
            columns={file.columns ?? {}}
            onChange={(columns) => onOptionsChange(patchSection(options, 'file', { columns }))}
            errors={errors}
            required={REQUIRED_COLUMN_ROLES}
            placeholder={(_role, required) => (required ? 'header column' : 'optional')}
          />
        </>
      )}
    </>
  );
}
