/** Dispatch of a validated query to its handler; each returns the frames for one refId. */
import type { FlowlensQuery } from '../../query/index.js';
import type { Frame } from '../grafana/frame.js';
import type { CallContext, DataQuery } from '../grafana/types.js';
import type { FlowlensInstance } from '../instance.js';
import { featuresQuery } from './features.js';
import { flowsQuery } from './flows.js';
import { hostScoresQuery } from './hostScores.js';
import { hostsQuery } from './hosts.js';
import { profileQuery } from './profile.js';

/** What the request says about who asks, beyond the query itself. */
export interface QueryOrigin {
  /** An alert rule's evaluation (header `FromAlert: true`): it must see every host, not a top few. */
  fromAlert?: boolean;
}

export async function runQuery(query: FlowlensQuery, dq: DataQuery, instance: FlowlensInstance, ctx: CallContext, origin: QueryOrigin = {}): Promise<Frame[]> {
  instance.requireStore();
  switch (query.queryType) {
    case 'features':
      return featuresQuery(query, dq, instance, ctx);
    case 'hosts':
      return hostsQuery(query, dq, instance, ctx);
    case 'flows':
      return flowsQuery(query, dq, instance, ctx);
    case 'hostScores':
      return hostScoresQuery(query, dq, instance, ctx, origin.fromAlert === true);
    case 'profile':
      return profileQuery(query, dq, instance, ctx);
  }
}
