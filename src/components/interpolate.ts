/**
 * Template-variable interpolation of a query, kept free of Grafana's services so it can be tested
 * with a plain `replace` function. Multi-value variables expand into several list entries, so
 * `$hosts` in the host filter becomes one entry per selected host.
 */
import type { FlowFilter } from '../query/index.js';
import type { FlowlensDataQuery } from './types.js';

/** Replaces variables in one string; multi-values must come back comma-joined. */
export type ReplaceFn = (text: string) => string;

/** The formatter handed to Grafana's `replace` so multi-values come back comma-joined. */
export function csvFormat(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

function expandList(list: readonly string[] | undefined, replace: ReplaceFn): string[] | undefined {
  if (!list) return list;
  return list.flatMap((item) => {
    if (!item.includes('$')) return [item];
    return replace(item)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== '$__all');
  });
}

function interpolateFilter(filter: FlowFilter | undefined, replace: ReplaceFn): FlowFilter | undefined {
  if (!filter) return filter;
  // ports are numbers in the model, so only the text lists can hold variables
  const out: FlowFilter = { ...filter };
  const srcCidrs = expandList(filter.srcCidrs, replace);
  const dstCidrs = expandList(filter.dstCidrs, replace);
  const protocols = expandList(filter.protocols, replace);
  if (srcCidrs) out.srcCidrs = srcCidrs;
  if (dstCidrs) out.dstCidrs = dstCidrs;
  if (protocols) out.protocols = protocols;
  return out;
}

const one = (v: string | undefined, replace: ReplaceFn): string | undefined => (v && v.includes('$') ? replace(v) : v);

/** A copy of the query with dashboard variables substituted in hosts, CIDRs, protocols and times. */
export function interpolateQuery(query: FlowlensDataQuery, replace: ReplaceFn): FlowlensDataQuery {
  const q = { ...query } as FlowlensDataQuery;
  if ('filter' in q) q.filter = interpolateFilter(q.filter, replace) ?? {};
  if (q.queryType === 'hostScores') q.hosts = expandList(q.hosts, replace) ?? [];
  if ((q.queryType === 'hostScores' || q.queryType === 'profile') && q.profile) {
    const profile = { ...q.profile, hosts: expandList(q.profile.hosts, replace) ?? [] };
    const from = one(q.profile.from, replace);
    const to = one(q.profile.to, replace);
    if (from !== undefined) profile.from = from;
    if (to !== undefined) profile.to = to;
    q.profile = profile;
  }
  if (q.queryType === 'hostScores' || q.queryType === 'profile') {
    const profileId = one(q.profileId, replace);
    if (profileId !== undefined) q.profileId = profileId;
  }
  return q;
}
