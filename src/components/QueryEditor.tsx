/**
 * The Flowlens query editor: a query-type picker and one editor per type. Saved queries are migrated
 * on load, and the shared model's validation messages appear next to the fields they are about.
 */
import React, { useEffect, useMemo } from 'react';
import { Alert, InlineField, InlineFieldRow, RadioButtonGroup, Stack } from '@grafana/ui';
import { CoreApp, type QueryEditorProps, type SelectableValue } from '@grafana/data';

import { defaultQuery, QUERY_TYPE_LABELS, QUERY_TYPES, validateQuery, type FieldError, type FlowlensQuery, type QueryType } from '../query/index.js';
import type { DataSource } from '../datasource.js';
import { LABEL_WIDTH, unclaimed } from './fieldErrors.js';
import { editableQuery } from './queryModel.js';
import { FeaturesEditor } from './query/FeaturesEditor.js';
import { HostScoresEditor } from './query/HostScoresEditor.js';
import { FlowsEditor, HostsEditor, ProfileQueryEditor } from './query/SimpleEditors.js';
import type { FlowlensDataQuery, FlowlensOptions } from './types.js';

export type Props = QueryEditorProps<DataSource, FlowlensDataQuery, FlowlensOptions>;

const TYPE_OPTIONS: Array<SelectableValue<QueryType>> = QUERY_TYPES.map((t) => ({ value: t, ...QUERY_TYPE_LABELS[t] }));

/** Fields each query type's editor places errors on; anything else is listed under the editor. */
const PLACED: Record<QueryType, readonly string[]> = {
  features: ['windowSeconds', 'features', 'fillEmpty', 'filter'],
  hostScores: ['profile', 'profileId', 'method', 'output', 'hosts', 'bucketSeconds', 'limit', 'filter'],
  profile: ['profile', 'profileId'],
  flows: ['limit', 'filter'],
  hosts: ['role', 'limit', 'filter'],
};

export function QueryEditor({ query: saved, onChange, onRunQuery, datasource, range, app }: Props): React.JSX.Element {
  const query = useMemo(() => editableQuery(saved), [saved]);
  const errors: FieldError[] = useMemo(() => {
    const r = validateQuery(query);
    return r.ok ? [] : r.errors;
  }, [query]);

  // Store the upgraded form once, so the panel JSON and the backend see the current schema.
  const needsUpgrade = saved.schemaVersion !== query.schemaVersion || saved.queryType !== query.queryType;
  useEffect(() => {
    if (needsUpgrade) onChange(query);
  }, [needsUpgrade, query, onChange]);

  const change = (next: FlowlensQuery): void => {
    const q = { ...next, refId: saved.refId } as FlowlensDataQuery;
    if (saved.datasource) q.datasource = saved.datasource;
    if (saved.hide !== undefined) q.hide = saved.hide;
    onChange(q);
    // Run only complete queries, so half-typed input does not flash an error in the panel.
    if (validateQuery(q).ok) onRunQuery();
  };
  const setType = (type: QueryType): void => {
    if (type === query.queryType) return;
    const next = defaultQuery(type);
    if ('filter' in next && 'filter' in query) next.filter = query.filter;
    change(next);
  };

  const rest = unclaimed(errors, PLACED[query.queryType]);
  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH} tooltip={QUERY_TYPE_LABELS[query.queryType].description}>
          <RadioButtonGroup options={TYPE_OPTIONS} value={query.queryType} onChange={setType} />
        </InlineField>
      </InlineFieldRow>
      {renderEditor(query, errors, change, { datasource, range })}
      {app === CoreApp.UnifiedAlerting && alertingHint(query) && (
        <Alert severity="info" title="Alerting">
          {alertingHint(query)}
        </Alert>
      )}
      {rest.length > 0 && (
        <Alert severity="error" title="This query cannot run yet">
          {rest.map((e) => (
            <div key={e.field}>{e.message}</div>
          ))}
        </Alert>
      )}
    </Stack>
  );
}

/** Alert rules need numbers per series: say which query shapes give none. */
export function alertingHint(query: FlowlensDataQuery): string | undefined {
  if (query.queryType === 'hostScores' && query.output === 'table') return 'Choose the Time series output: alert rules need one series per host to reduce and compare.';
  if (query.queryType === 'profile' || query.queryType === 'flows' || query.queryType === 'hosts') {
    return 'This query type returns tables, which alert rules cannot evaluate. Use Host scores (time series) or Features.';
  }
  return undefined;
}

function renderEditor(
  query: FlowlensDataQuery,
  errors: readonly FieldError[],
  onChange: (q: FlowlensQuery) => void,
  ctx: Pick<Props, 'datasource' | 'range'>,
): React.JSX.Element {
  switch (query.queryType) {
    case 'features':
      return <FeaturesEditor query={query} errors={errors} onChange={onChange} />;
    case 'hostScores':
      return <HostScoresEditor query={query} errors={errors} onChange={onChange} datasource={ctx.datasource} range={ctx.range} />;
    case 'profile':
      return <ProfileQueryEditor query={query} errors={errors} onChange={onChange} datasource={ctx.datasource} range={ctx.range} />;
    case 'flows':
      return <FlowsEditor query={query} errors={errors} onChange={onChange} />;
    case 'hosts':
      return <HostsEditor query={query} errors={errors} onChange={onChange} />;
  }
}
