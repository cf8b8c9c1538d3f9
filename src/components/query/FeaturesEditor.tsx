/** `features`: the window, which per-window features to compute (grouped by family) and the filter. */
import React from 'react';
import { Button, InlineField, InlineFieldRow, InlineSwitch, MultiSelect, ValuePicker } from '@grafana/ui';
import type { SelectableValue } from '@grafana/data';

import { DEFAULT_FEATURES, FEATURE_FAMILIES, orderFeatures, type FeaturesQuery, type FieldError } from '../../query/index.js';
import { fieldState, LABEL_WIDTH } from '../fieldErrors.js';
import { NumberInput } from '../NumberInput.js';
import { FilterEditor } from './FilterEditor.js';

interface Props {
  query: FeaturesQuery;
  errors: readonly FieldError[];
  onChange: (query: FeaturesQuery) => void;
}

const FEATURE_OPTIONS: Array<SelectableValue<string>> = FEATURE_FAMILIES.map((family) => ({
  label: family.label,
  options: family.features.map((f) => ({ label: f, value: f, description: family.label })),
}));

const FAMILY_OPTIONS: Array<SelectableValue<string>> = FEATURE_FAMILIES.map((f) => ({
  label: f.label,
  value: f.id,
  description: `${f.features.length} features`,
}));

export function FeaturesEditor({ query, errors, onChange }: Props): React.JSX.Element {
  const addFamily = (id: string | undefined): void => {
    const family = FEATURE_FAMILIES.find((f) => f.id === id);
    if (family) onChange({ ...query, features: orderFeatures([...query.features, ...family.features]) });
  };
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Window" labelWidth={LABEL_WIDTH} tooltip="Tumbling window length in seconds; one row per window" {...fieldState(errors, 'windowSeconds')}>
          <NumberInput id="features-window" aria-label="Window seconds" value={query.windowSeconds} width={12} onCommit={(windowSeconds) => onChange({ ...query, windowSeconds })} />
        </InlineField>
        <InlineField label="Fill empty windows" labelWidth={20} tooltip="Emit zeros for windows without flows instead of leaving gaps" {...fieldState(errors, 'fillEmpty')}>
          <InlineSwitch id="features-fill-empty" value={query.fillEmpty} onChange={(e) => onChange({ ...query, fillEmpty: e.currentTarget.checked })} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Features" labelWidth={LABEL_WIDTH} tooltip="Grouped by family; shown in catalog order" {...fieldState(errors, 'features')}>
          <MultiSelect
            inputId="features-select"
            aria-label="Features"
            options={FEATURE_OPTIONS}
            value={query.features}
            width={92}
            closeMenuOnSelect={false}
            onChange={(items: Array<SelectableValue<string>>) => onChange({ ...query, features: orderFeatures(items.map((i) => i.value ?? '').filter((v) => v !== '')) })}
          />
        </InlineField>
        <ValuePicker label="Add family" icon="plus" variant="secondary" size="md" options={FAMILY_OPTIONS} onChange={(v) => addFamily(v.value)} isFullWidth={false} menuPlacement="auto" />
        <Button variant="secondary" fill="outline" onClick={() => onChange({ ...query, features: [...DEFAULT_FEATURES] })}>
          Defaults
        </Button>
      </InlineFieldRow>
      <FilterEditor filter={query.filter} errors={errors} onChange={(filter) => onChange({ ...query, filter })} />
    </>
  );
}
