/** A complete, valid query of each type: what a new query starts as and what absent fields become. */
import { DEFAULT_FEATURES } from './featureCatalog.js';
import { DEFAULT_PROFILE_SPEC } from './profileSpec.js';
import { QUERY_SCHEMA_VERSION, type FlowlensQuery, type QueryType } from './types.js';

export const DEFAULT_WINDOW_SECONDS = 10;
export const DEFAULT_FLOWS_LIMIT = 1000;
export const DEFAULT_HOSTS_LIMIT = 1000;
export const DEFAULT_SCORE_HOSTS_LIMIT = 50;

export function defaultQuery(queryType: QueryType): FlowlensQuery {
  const schemaVersion = QUERY_SCHEMA_VERSION;
  switch (queryType) {
    case 'features':
      return { queryType, schemaVersion, windowSeconds: DEFAULT_WINDOW_SECONDS, features: [...DEFAULT_FEATURES], filter: {}, fillEmpty: false };
    case 'hostScores':
      return {
        queryType,
        schemaVersion,
        profile: structuredClone(DEFAULT_PROFILE_SPEC),
        method: 'mean',
        output: 'timeseries',
        hosts: [],
        bucketSeconds: 0,
        limit: DEFAULT_SCORE_HOSTS_LIMIT,
        filter: {},
      };
    case 'profile':
      return { queryType, schemaVersion, profile: structuredClone(DEFAULT_PROFILE_SPEC) };
    case 'flows':
      return { queryType, schemaVersion, filter: {}, limit: DEFAULT_FLOWS_LIMIT, order: 'newest' };
    case 'hosts':
      return { queryType, schemaVersion, role: 'src', filter: {}, limit: DEFAULT_HOSTS_LIMIT };
  }
}
