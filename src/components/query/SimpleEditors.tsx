/** The small query types: `profile` (inspect a model), `flows` (drill-down) and `hosts` (variables). */
import React from 'react';
import { InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';
import type { SelectableValue, TimeRange } from '@grafana/data';

import type { FieldError, FlowsOrder, FlowsQuery, HostRole, HostsQuery, ProfileQuery } from '../../query/index.js';
import { fieldState, LABEL_WIDTH } from '../fieldErrors.js';
import { NumberInput } from '../NumberInput.js';
import { FilterEditor } from './FilterEditor.js';
import { withProfileId } from './HostScoresEditor.js';
import { ProfileEditor } from './ProfileEditor.js';
import type { ProfileTrainer } from './TrainButton.js';
import { useHosts, type HostSource } from './useHosts.js';

interface EditorProps<Q> {
  query: Q;
  errors: readonly FieldError[];
  onChange: (query: Q) => void;
}

export function ProfileQueryEditor({ query, errors, onChange, datasource, range }: EditorProps<ProfileQuery> & { datasource: HostSource & ProfileTrainer; range?: TimeRange }): React.JSX.Element {
  const hosts = useHosts(datasource, 'src', range);
  return (
    <ProfileEditor
      hosts={hosts}
      spec={query.profile}
      profileId={query.profileId}
      errors={errors}
      datasource={datasource}
      range={range}
      onChange={(profile) => onChange({ ...query, profile })}
      onProfileIdChange={(profileId) => onChange(withProfileId(query, profileId))}
    />
  );
}

function LimitField({ value, errors, onCommit, tooltip }: { value: number; errors: readonly FieldError[]; onCommit: (v: number) => void; tooltip: string }): React.JSX.Element {
  return (
    <InlineField label="Limit" labelWidth={LABEL_WIDTH} tooltip={tooltip} {...fieldState(errors, 'limit')}>
      <NumberInput id="query-limit" aria-label="Limit" value={value} width={12} onCommit={onCommit} />
    </InlineField>
  );
}

const ORDER_OPTIONS: Array<SelectableValue<FlowsOrder>> = [
  { label: 'Newest first', value: 'newest', description: 'The latest flows of the range' },
  { label: 'Oldest first', value: 'oldest', description: 'The earliest flows of the range' },
];

export function FlowsEditor({ query, errors, onChange }: EditorProps<FlowsQuery>): React.JSX.Element {
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Order" labelWidth={LABEL_WIDTH} tooltip="Which end of the time range the table shows when there are more flows than the limit" {...fieldState(errors, 'order')}>
          <RadioButtonGroup aria-label="Order" options={ORDER_OPTIONS} value={query.order ?? 'newest'} onChange={(order) => onChange({ ...query, order })} />
        </InlineField>
        <LimitField value={query.limit} errors={errors} tooltip="At most this many flows" onCommit={(limit) => onChange({ ...query, limit })} />
      </InlineFieldRow>
      <FilterEditor filter={query.filter} errors={errors} onChange={(filter) => onChange({ ...query, filter })} />
    </>
  );
}

const ROLE_OPTIONS: Array<SelectableValue<HostRole>> = [
  { label: 'Sources', value: 'src', description: 'Addresses that started flows' },
  { label: 'Destinations', value: 'dst', description: 'Addresses that received flows' },
  { label: 'Any', value: 'any', description: 'Either side' },
];

export function HostsEditor({ query, errors, onChange }: EditorProps<HostsQuery>): React.JSX.Element {
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Role" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'role')}>
          <RadioButtonGroup aria-label="Role" options={ROLE_OPTIONS} value={query.role} onChange={(role) => onChange({ ...query, role })} />
        </InlineField>
        <LimitField value={query.limit} errors={errors} tooltip="At most this many hosts, busiest first" onCommit={(limit) => onChange({ ...query, limit })} />
      </InlineFieldRow>
      <FilterEditor filter={query.filter} errors={errors} onChange={(filter) => onChange({ ...query, filter })} />
    </>
  );
}
