/** The editor for a "Query" dashboard variable: the hosts seen in the time range, by role. */
import React, { useEffect, useMemo } from 'react';
import type { QueryEditorProps } from '@grafana/data';

import { defaultQuery, validateQuery, type HostsQuery } from '../query/index.js';
import type { DataSource } from '../datasource.js';
import { editableQuery } from './queryModel.js';
import { HostsEditor } from './query/SimpleEditors.js';
import type { FlowlensDataQuery, FlowlensOptions } from './types.js';

type Props = QueryEditorProps<DataSource, FlowlensDataQuery, FlowlensOptions, FlowlensDataQuery>;

export function VariableQueryEditor({ query: saved, onChange }: Props): React.JSX.Element {
  // anything but a saved hosts query (a new variable, or a legacy text query) starts from the defaults
  const query = useMemo(() => (saved?.queryType === 'hosts' ? editableQuery(saved) : defaultQuery('hosts')) as HostsQuery, [saved]);
  const errors = useMemo(() => {
    const r = validateQuery(query);
    return r.ok ? [] : r.errors;
  }, [query]);
  const refId = saved?.refId ?? 'variable';
  useEffect(() => {
    if (saved?.queryType !== 'hosts') onChange({ ...query, refId });
  }, [saved?.queryType, query, refId, onChange]);
  return <HostsEditor query={query} errors={errors} onChange={(q) => onChange({ ...q, refId })} />;
}
