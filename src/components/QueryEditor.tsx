/**
 * The Flowlens query editor: a query-type picker and one editor per type. Saved queries are migrated
 * on load, and the shared model's validation messages appear next to the fields they are about.
 */
import React, { useEffect, useMemo } from 'react';
import { Alert, InlineField, InlineFieldRow, RadioButtonGroup, Stack } from '@grafana/ui';
import { CoreApp, type QueryEditorProps, type SelectableValue } from '@grafana/data';

import { defaultQuery, QUERY_TYPE_LABELS, QUERY_TYPES, validateQuery, type FieldError, type FlowlensQuery, type QueryType } from '../query/index.js';
import type { DataSource } from '../datasource.js';
import { LABEL_WIDTH, unclaimed, withoutVariableErrors } from './fieldErrors.js';
import { editableQuery, migrateDataQuery, viewableQuery } from './queryModel.js';
import { nearest } from '../query/nearest.js';
import { FeaturesEditor } from './query/FeaturesEditor.js';
import { HostScoresEditor } from './query/HostScoresEditor.js';
import { FlowsEditor, HostsEditor, ProfileQueryEditor } from './query/SimpleEditors.js';
import type { FlowlensDataQuery, FlowlensOptions } from './types.js';

export type Props = QueryEditorProps<DataSource, FlowlensDataQuery, FlowlensOptions>;

const TYPE_OPTIONS: Array<SelectableValue<QueryType>> = QUERY_TYPES.map((t) => ({ value: t, ...QUERY_TYPE_LABELS[t] }));

/** Fields each query type's editor places errors on; anything else is listed under the editor. */
const FILTER_FIELDS = ['filter.srcCidrs', 'filter.dstCidrs', 'filter.srcPorts', 'filter.dstPorts', 'filter.ports', 'filter.protocols'];
const PROFILE_FIELDS = ['profile.hosts', 'profile.from', 'profile.to', 'profile.features', 'profile.states', 'profile.window', 'profile.seed', 'profile.iterations', 'profileId'];
const PLACED: Record<QueryType, readonly string[]> = {
  features: ['windowSeconds', 'features', 'fillEmpty', ...FILTER_FIELDS],
  hostScores: [...PROFILE_FIELDS, 'method', 'output', 'hosts', 'bucketSeconds', 'limit', ...FILTER_FIELDS],
  profile: PROFILE_FIELDS,
  flows: ['order', 'limit', ...FILTER_FIELDS],
  hosts: ['role', 'limit', ...FILTER_FIELDS],
};

export function QueryEditor({ query: saved, onChange, onRunQuery, datasource, range, app }: Props): React.JSX.Element {
  const query = useMemo(() => editableQuery(saved), [saved]);
  const view = useMemo(() => viewableQuery(query), [query]);
  const errors: FieldError[] = useMemo(() => {
    const r = validateQuery(query);
    return r.ok ? [] : withoutVariableErrors(query, r.errors);
  }, [query]);
  // A type this version does not know (a typo, a newer plugin): shown, never overwritten on open.
  const unknownType = useMemo(() => unknownQueryType(saved), [saved]);

  // Store the upgraded form once, so the panel JSON and the backend see the current schema.
  const needsUpgrade = unknownType === undefined && (saved.schemaVersion !== query.schemaVersion || saved.queryType !== query.queryType);
  useEffect(() => {
    if (needsUpgrade) onChange(query);
  }, [needsUpgrade, query, onChange]);

  const change = (next: FlowlensQuery): void => {
    const q = { ...next, refId: saved.refId } as FlowlensDataQuery;
    if (saved.datasource) q.datasource = saved.datasource;
    if (saved.hide !== undefined) q.hide = saved.hide;
    onChange(q);
    // Run only complete queries, so half-typed input does not flash an error in the panel.
    const r = validateQuery(q);
    if (r.ok || withoutVariableErrors(q, r.errors).length === 0) onRunQuery();
  };
  const setType = (type: QueryType): void => {
    if (type === query.queryType && unknownType === undefined) return;
    const next = defaultQuery(type);
    if ('filter' in next && 'filter' in view) next.filter = view.filter;
    // Profile ↔ Host scores share the profile: switching keeps the reference host and settings
    if ((next.queryType === 'hostScores' || next.queryType === 'profile') && (view.queryType === 'hostScores' || view.queryType === 'profile')) {
      next.profile = view.profile;
      if (view.profileId !== undefined) next.profileId = view.profileId;
    }
    change(next);
  };

  const rest = unknownType === undefined ? unclaimed(errors, PLACED[query.queryType]) : [];
  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH} tooltip={QUERY_TYPE_LABELS[query.queryType].description}>
          <RadioButtonGroup aria-label="Query type" options={TYPE_OPTIONS} value={unknownType === undefined ? query.queryType : undefined} onChange={setType} />
        </InlineField>
      </InlineFieldRow>
      {unknownType !== undefined && (
        <Alert severity="error" title="Unknown query type">
          {`'${unknownType.type}' is not a query type of this Flowlens version${unknownType.nearest ? ` (did you mean ${QUERY_TYPE_LABELS[unknownType.nearest].label}?)` : ''}: choose one above. The saved query is left as it is until you do.`}
        </Alert>
      )}
      {unknownType === undefined && renderEditor(view, errors, change, { datasource, range })}
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

/** The saved query's type when it is set but unknown (after migration), with the nearest known type. */
export function unknownQueryType(saved: FlowlensDataQuery): { type: string; nearest: QueryType | undefined } | undefined {
  const type = (migrateDataQuery(saved) as { queryType?: unknown }).queryType;
  if (typeof type !== 'string' || type === '' || (QUERY_TYPES as readonly string[]).includes(type)) return undefined;
  return { type, nearest: (nearest(type, QUERY_TYPES) ?? undefined) as QueryType | undefined };
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
