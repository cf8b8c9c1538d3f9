/** `hostScores`: the profile, how each host is scored against it, and what the panel gets. */
import React from 'react';
import { InlineField, InlineFieldRow, MultiSelect, RadioButtonGroup } from '@grafana/ui';
import type { SelectableValue, TimeRange } from '@grafana/data';

import { SCORE_METHODS, type FieldError, type HostScoresQuery, type ScoreMethod, type ScoreOutput } from '../../query/index.js';
import { fieldState, LABEL_WIDTH } from '../fieldErrors.js';
import { NumberInput } from '../NumberInput.js';
import { FilterEditor } from './FilterEditor.js';
import { ProfileEditor } from './ProfileEditor.js';
import { Section } from './Section.js';
import type { ProfileTrainer } from './TrainButton.js';
import { useHosts, type HostSource } from './useHosts.js';

interface Props {
  query: HostScoresQuery;
  errors: readonly FieldError[];
  onChange: (query: HostScoresQuery) => void;
  datasource: HostSource & ProfileTrainer;
  range?: TimeRange;
}

const METHOD_HELP: Record<ScoreMethod, string> = {
  mean: 'Mean per-observation log-likelihood (higher = more like the profile)',
  loglik: 'Total log-likelihood of the host’s flows',
  viterbi: 'Log-probability of the most likely state path',
};
const METHOD_OPTIONS: Array<SelectableValue<ScoreMethod>> = SCORE_METHODS.map((m) => ({ label: m, value: m, description: METHOD_HELP[m] }));
const OUTPUT_OPTIONS: Array<SelectableValue<ScoreOutput>> = [
  { label: 'Time series', value: 'timeseries', description: 'One series per host (alertable)' },
  { label: 'Table', value: 'table', description: 'One row per host, highest score first' },
];

export function HostScoresEditor({ query, errors, onChange, datasource, range }: Props): React.JSX.Element {
  const hosts = useHosts(datasource, 'src', range);
  const hostOptions = [...new Set([...query.hosts, ...hosts.hosts])].map((h) => ({ label: h, value: h }));
  return (
    <>
      <Section title="Profile">
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
      </Section>
      <Section title="Scoring">
        <InlineFieldRow>
          <InlineField label="Method" labelWidth={LABEL_WIDTH} {...fieldState(errors, 'method')}>
            <RadioButtonGroup aria-label="Method" options={METHOD_OPTIONS} value={query.method} onChange={(method) => onChange({ ...query, method })} />
          </InlineField>
          <InlineField label="Output" labelWidth={9} {...fieldState(errors, 'output')}>
            <RadioButtonGroup aria-label="Output" options={OUTPUT_OPTIONS} value={query.output} onChange={(output) => onChange({ ...query, output })} />
          </InlineField>
        </InlineFieldRow>
        <InlineFieldRow>
          <InlineField label="Hosts" labelWidth={LABEL_WIDTH} grow tooltip="Score only these hosts; empty = every host with enough flows ($variables allowed)" {...fieldState(errors, 'hosts')}>
            <MultiSelect
              inputId="score-hosts"
              aria-label="Scored hosts"
              options={hostOptions}
              value={query.hosts}
              isLoading={hosts.loading}
              allowCustomValue
              placeholder="all hosts"
              onChange={(items: Array<SelectableValue<string>>) => onChange({ ...query, hosts: items.map((i) => i.value ?? '').filter((v) => v !== '') })}
            />
          </InlineField>
        </InlineFieldRow>
        <InlineFieldRow>
          <InlineField label="Bucket" labelWidth={LABEL_WIDTH} tooltip="Seconds per point; 0 = the panel interval" {...fieldState(errors, 'bucketSeconds')}>
            <NumberInput id="score-bucket" aria-label="Bucket seconds" value={query.bucketSeconds} width={10} onCommit={(bucketSeconds) => onChange({ ...query, bucketSeconds })} />
          </InlineField>
          <InlineField label="Top hosts" labelWidth={13} tooltip="At most this many hosts, highest score first" {...fieldState(errors, 'limit')}>
            <NumberInput id="score-limit" aria-label="Host limit" value={query.limit} width={10} onCommit={(limit) => onChange({ ...query, limit })} />
          </InlineField>
        </InlineFieldRow>
        <FilterEditor filter={query.filter} errors={errors} onChange={(filter) => onChange({ ...query, filter })} />
      </Section>
    </>
  );
}

export function withProfileId<Q extends { profileId?: string }>(query: Q, profileId: string | undefined): Q {
  const next = { ...query };
  if (profileId) next.profileId = profileId;
  else delete next.profileId;
  return next;
}
