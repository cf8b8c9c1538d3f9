/**
 * The Flowlens query model: a discriminated union on `queryType`, shared by the query editor, the
 * backend and saved dashboards. `schemaVersion` lets `migrateQuery` upgrade older saved queries.
 */
import type { FlowFilter } from './filter.js';
import type { ProfileSpec } from './profileSpec.js';

export const QUERY_SCHEMA_VERSION = 1;

export const QUERY_TYPES = ['features', 'hostScores', 'profile', 'flows', 'hosts'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export const SCORE_METHODS = ['mean', 'loglik', 'viterbi'] as const;
export type ScoreMethod = (typeof SCORE_METHODS)[number];

export const SCORE_OUTPUTS = ['timeseries', 'table'] as const;
export type ScoreOutput = (typeof SCORE_OUTPUTS)[number];

export const HOST_ROLES = ['src', 'dst', 'any'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

interface QueryBase {
  refId?: string;
  hide?: boolean;
  schemaVersion?: number;
}

/** Per-window batch features over tumbling windows (semantics.md §1). */
export interface FeaturesQuery extends QueryBase {
  queryType: 'features';
  windowSeconds: number;
  /** Feature names from the catalog; shown in catalog order. */
  features: string[];
  filter: FlowFilter;
  /** Emit zero rows for windows without flows instead of leaving gaps. */
  fillEmpty: boolean;
}

/** How well a profile explains each host's behaviour (semantics.md §2.5). */
export interface HostScoresQuery extends QueryBase {
  queryType: 'hostScores';
  profile: ProfileSpec;
  /** An imported profile's id; when set it is used instead of training from `profile`. */
  profileId?: string;
  method: ScoreMethod;
  output: ScoreOutput;
  /** Only these hosts (empty: every host with enough flows). */
  hosts: string[];
  /** Time-series bucket; 0 = the panel interval. */
  bucketSeconds: number;
  /** At most this many hosts, highest score first. */
  limit: number;
  filter: FlowFilter;
}

/** The trained model itself, for inspection panels. */
export interface ProfileQuery extends QueryBase {
  queryType: 'profile';
  profile: ProfileSpec;
  profileId?: string;
}

/** Raw flows for drill-down. */
export const FLOWS_ORDERS = ['newest', 'oldest'] as const;
/** Which end of the range a flows table shows when it cuts: the latest flows (newest first) or the earliest. */
export type FlowsOrder = (typeof FLOWS_ORDERS)[number];

export interface FlowsQuery extends QueryBase {
  queryType: 'flows';
  filter: FlowFilter;
  limit: number;
  /** Default 'newest' (a query saved without it, too): drill-down asks what a host did last. */
  order: FlowsOrder;
}

/** Distinct hosts in range (template variables). */
export interface HostsQuery extends QueryBase {
  queryType: 'hosts';
  role: HostRole;
  filter: FlowFilter;
  limit: number;
}

export type FlowlensQuery = FeaturesQuery | HostScoresQuery | ProfileQuery | FlowsQuery | HostsQuery;

export const QUERY_TYPE_LABELS: Record<QueryType, { label: string; description: string }> = {
  features: { label: 'Features', description: 'Per-window traffic features (entries, distinct ports and IPs, distributions)' },
  hostScores: { label: 'Host scores', description: 'How much each host looks like a reference profile (alertable per host)' },
  profile: { label: 'Profile', description: 'The trained HMM profile: states, transitions, bins' },
  flows: { label: 'Flows', description: 'Raw flows for drill-down' },
  hosts: { label: 'Hosts', description: 'Distinct hosts in the time range (for variables)' },
};
