/**
 * The profile a score is measured against: reference host(s) picked from the hosts in range,
 * training range, discretized flow attributes and HMM settings, plus "Train now" to see the result.
 */
import React from 'react';
import { InlineField, InlineFieldRow, MultiSelect } from '@grafana/ui';
import type { SelectableValue, TimeRange } from '@grafana/data';

import { PROFILE_FEATURES, type FieldError, type ProfileFeatureName, type ProfileSpec } from '../../query/index.js';
import { errorsUnder, fieldState, LABEL_WIDTH } from '../fieldErrors.js';
import { NumberInput } from '../NumberInput.js';
import { TextInput } from '../TextInput.js';
import { TrainButton, type ProfileTrainer } from './TrainButton.js';
import type { HostsState } from './useHosts.js';

interface Props {
  spec: ProfileSpec;
  profileId: string | undefined;
  errors: readonly FieldError[];
  onChange: (spec: ProfileSpec) => void;
  onProfileIdChange: (id: string | undefined) => void;
  datasource: ProfileTrainer;
  range?: TimeRange;
  /** The source hosts of the panel's range, loaded once by the editor that holds this one. */
  hosts: HostsState;
}

const LABEL = LABEL_WIDTH;
const NUMERIC = (Object.keys(PROFILE_FEATURES) as ProfileFeatureName[]).filter((n) => PROFILE_FEATURES[n] === 'numeric');
const ATTRIBUTE_OPTIONS: Array<SelectableValue<ProfileFeatureName>> = (Object.keys(PROFILE_FEATURES) as ProfileFeatureName[]).map((name) => ({
  label: name,
  value: name,
  description: PROFILE_FEATURES[name] === 'numeric' ? 'numeric: equal-frequency bins' : 'categorical',
}));

const asOptions = (values: readonly string[]): Array<SelectableValue<string>> => values.map((v) => ({ label: v, value: v }));

export function ProfileEditor({ spec, profileId, errors, onChange, onProfileIdChange, datasource, range, hosts }: Props): React.JSX.Element {
  const bins = spec.features.find((f) => NUMERIC.includes(f.name))?.bins ?? 5;
  const setAttributes = (names: ProfileFeatureName[]): void =>
    onChange({ ...spec, features: names.map((name) => (NUMERIC.includes(name) ? { name, bins: spec.features.find((f) => f.name === name)?.bins ?? bins } : { name })) });
  const setBins = (b: number): void =>
    onChange({ ...spec, features: spec.features.map((f) => (NUMERIC.includes(f.name) ? { ...f, bins: b } : f)) });
  const hostOptions = asOptions([...new Set([...spec.hosts, ...hosts.hosts])]);
  // a feature's bin count is drawn by the Bins field, its other errors by Attributes
  const binErrors = errorsUnder(errors, 'profile.features').filter((e) => e.field.endsWith('.bins'));
  const attributeErrors = errorsUnder(errors, 'profile.features').filter((e) => !e.field.endsWith('.bins'));

  return (
    <>
      <InlineFieldRow>
        <InlineField
          label="Reference host"
          labelWidth={LABEL}
          grow
          tooltip="Whose source flows train the profile, e.g. a known bot; the list holds the hosts seen in the panel's time range"
          {...(hosts.error && !fieldState(errors, 'profile.hosts').invalid ? { invalid: true, error: `Could not load hosts: ${hosts.error}` } : fieldState(errors, 'profile.hosts'))}
        >
          <MultiSelect
            inputId="profile-hosts"
            aria-label="Reference host"
            options={hostOptions}
            value={spec.hosts}
            isLoading={hosts.loading}
            allowCustomValue
            placeholder="Pick a host such as 147.32.84.165"
            onChange={(items: Array<SelectableValue<string>>) => onChange({ ...spec, hosts: items.map((i) => i.value ?? '').filter((v) => v !== '') })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Training from" labelWidth={LABEL} tooltip="ISO-8601 or epoch seconds; empty = the query's time range" {...fieldState(errors, 'profile.from')}>
          <TextInput id="profile-from" width={26} placeholder="query range" value={spec.from} onCommit={(t) => onChange(withTime(spec, 'from', t))} />
        </InlineField>
        <InlineField label="to" labelWidth={6} {...fieldState(errors, 'profile.to')}>
          <TextInput id="profile-to" width={26} placeholder="query range" value={spec.to} onCommit={(t) => onChange(withTime(spec, 'to', t))} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Attributes" labelWidth={LABEL} tooltip="Flow attributes discretized into one symbol per flow" {...fieldState(attributeErrors, 'profile.features')}>
          <MultiSelect
            inputId="profile-features"
            aria-label="Profile attributes"
            options={ATTRIBUTE_OPTIONS}
            value={spec.features.map((f) => f.name)}
            width={40}
            onChange={(items: Array<SelectableValue<ProfileFeatureName>>) => setAttributes(items.map((i) => i.value).filter((v): v is ProfileFeatureName => v !== undefined))}
          />
        </InlineField>
        <InlineField label="Bins" labelWidth={8} tooltip="Equal-frequency bins per numeric attribute" disabled={!spec.features.some((f) => NUMERIC.includes(f.name))} {...fieldState(binErrors, 'profile.features')}>
          <NumberInput id="profile-bins" aria-label="Bins" value={bins} width={8} invalid={binErrors.length > 0} onCommit={setBins} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="States" labelWidth={LABEL} tooltip="Hidden states of the HMM" {...fieldState(errors, 'profile.states')}>
          <NumberInput id="profile-states" aria-label="States" value={spec.states} width={8} onCommit={(states) => onChange({ ...spec, states })} />
        </InlineField>
        <InlineField label="Window" labelWidth={10} tooltip="Flows per observation (sliding window)" {...fieldState(errors, 'profile.window')}>
          <NumberInput id="profile-window" aria-label="Profile window" value={spec.window} width={8} onCommit={(window) => onChange({ ...spec, window })} />
        </InlineField>
        <InlineField label="Seed" labelWidth={9} tooltip="Random seed: the same seed and data give the same profile" {...fieldState(errors, 'profile.seed')}>
          <NumberInput id="profile-seed" aria-label="Seed" value={spec.seed} width={10} onCommit={(seed) => onChange({ ...spec, seed })} />
        </InlineField>
        <InlineField label="Iterations" labelWidth={12} tooltip="At most this many EM iterations" {...fieldState(errors, 'profile.iterations')}>
          <NumberInput id="profile-iterations" aria-label="Iterations" value={spec.iterations} width={8} onCommit={(iterations) => onChange({ ...spec, iterations })} />
        </InlineField>
        <InlineField label="Profile id" labelWidth={13} tooltip="An imported profile's id; when set it is used instead of training" {...fieldState(errors, 'profileId')}>
          <TextInput id="profile-id" width={20} placeholder="optional" value={profileId} onCommit={(t) => onProfileIdChange(t.trim() || undefined)} />
        </InlineField>
      </InlineFieldRow>
      <TrainButton spec={spec} range={range} trainer={datasource} disabled={fieldState(errors, 'profile').invalid} onPinRange={(from, to) => onChange({ ...spec, from, to })} />
    </>
  );
}

function withTime(spec: ProfileSpec, key: 'from' | 'to', text: string): ProfileSpec {
  const next = { ...spec };
  const t = text.trim();
  if (t === '') delete next[key];
  else next[key] = t;
  return next;
}
