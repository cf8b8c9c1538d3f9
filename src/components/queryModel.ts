/** The shared model's migration applied to Grafana's query objects (which carry refId and friends). */
import { defaultQuery, migrateQuery, QUERY_TYPES, withProfileDefaults, type ProfileSpec, type QueryType } from '../query/index.js';
import type { FlowlensDataQuery } from './types.js';

export function migrateDataQuery(query: FlowlensDataQuery): FlowlensDataQuery {
  return migrateQuery(query as unknown as Record<string, unknown>) as unknown as FlowlensDataQuery;
}

/** The saved query upgraded and completed with its type's defaults, so every field has a value. */
export function editableQuery(saved: FlowlensDataQuery, fallback: QueryType = 'features'): FlowlensDataQuery {
  const migrated = migrateDataQuery(saved);
  const type = (QUERY_TYPES as readonly string[]).includes(migrated.queryType) ? migrated.queryType : fallback;
  const q = { ...defaultQuery(type), ...migrated, queryType: type } as FlowlensDataQuery;
  // a saved profile may hold only the fields its author changed
  if (q.queryType === 'hostScores' || q.queryType === 'profile') q.profile = withProfileDefaults(q.profile as Partial<ProfileSpec>);
  return q;
}
