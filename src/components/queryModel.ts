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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const FILTER_LISTS = ['srcCidrs', 'dstCidrs', 'ports', 'srcPorts', 'dstPorts', 'protocols'];

/**
 * The query with every list and object the editor draws in the shape it draws: a hand-written or
 * half-filled query (`filter: null`, `hosts: "10.0.0.1"`, features as bare names) is shown, and
 * its validation messages next to the fields, instead of the editor failing to render. Errors
 * are still computed on the query as saved.
 */
export function viewableQuery(q: FlowlensDataQuery): FlowlensDataQuery {
  const out: Record<string, unknown> = { ...q };
  if ('filter' in out) {
    const filter: Record<string, unknown> = isRecord(out.filter) ? { ...out.filter } : {};
    for (const k of FILTER_LISTS) if (k in filter && !Array.isArray(filter[k])) delete filter[k];
    out.filter = filter;
  }
  if (q.queryType === 'hostScores' && !Array.isArray(out.hosts)) out.hosts = [];
  if (q.queryType === 'hostScores' || q.queryType === 'profile') {
    const profile: Record<string, unknown> = isRecord(out.profile) ? { ...out.profile } : {};
    if (!Array.isArray(profile.hosts)) profile.hosts = [];
    const features = Array.isArray(profile.features) ? profile.features : [];
    profile.features = features.flatMap((f: unknown) => (typeof f === 'string' ? [{ name: f }] : isRecord(f) && typeof f.name === 'string' ? [f] : []));
    out.profile = profile;
  }
  return out as unknown as FlowlensDataQuery;
}
