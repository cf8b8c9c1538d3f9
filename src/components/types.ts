/**
 * The shared query and settings model seen through Grafana's types: Grafana needs `refId` on every
 * query and `DataSourceJsonData` on the settings; the model itself stays Grafana-free.
 */
import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { FlowlensJsonData, FlowlensQuery, FlowlensSecureJsonData } from '../query/index.js';

export type FlowlensDataQuery = FlowlensQuery & DataQuery;
export type FlowlensOptions = FlowlensJsonData & DataSourceJsonData;
export type FlowlensSecureOptions = FlowlensSecureJsonData;

/** `GET hosts` answer (backend resource route). */
export interface HostsResponse {
  hosts: string[];
}

/**
 * The parts of a trained profile's JSON (`POST profiles/train` → `{id, profile}`) the editor shows:
 * `spec`, `hmm.nStates` and `training` {logLikelihood per EM iteration, converged, windows, flows,
 * referenceScores}. Everything is optional so an older or newer backend never breaks the editor.
 */
export interface ProfileSummary {
  id?: string;
  spec?: { hosts?: string[]; states?: number };
  hmm?: { nStates?: number };
  training?: {
    logLikelihood?: number[];
    converged?: boolean;
    windows?: number;
    flows?: number;
    referenceScores?: Partial<Record<'mean' | 'loglik' | 'viterbi', number>>;
  };
}

export interface TrainResponse {
  id: string;
  profile: ProfileSummary;
}
