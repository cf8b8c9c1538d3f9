/** `hosts`: distinct addresses in the range (for template variables), busiest first. */
import type { FlowTable } from '../../engine/flowTable.js';
import type { FlowFilter, HostRole, HostsQuery } from '../../query/index.js';
import { stringField, type Frame, type Notice } from '../grafana/frame.js';
import type { CallContext, DataQuery, TimeRange } from '../grafana/types.js';
import type { FlowlensInstance } from '../instance.js';
import { applyFilter, checkedRange, checkHosts, compileFilter, readFlows } from './common.js';

/** Addresses seen in the given role, ordered by flow count (descending) then address. */
export function distinctHosts(table: FlowTable, role: HostRole, limit: number): { hosts: string[]; total: number } {
  const counts = new Float64Array(table.dicts.ip.size);
  const add = (codes: Int32Array): void => {
    for (let i = 0; i < table.length; i++) {
      const c = codes[i]!;
      if (c >= 0) counts[c]!++;
    }
  };
  if (role !== 'dst') add(table.srcIp);
  if (role !== 'src') add(table.dstIp);
  const codes: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c]! > 0) codes.push(c);
  const names = table.dicts.ip.values;
  codes.sort((a, b) => counts[b]! - counts[a]! || (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  return { hosts: codes.slice(0, limit).map((c) => names[c]!), total: codes.length };
}

/**
 * The busiest `limit` hosts of the range in one role, within the data source's limits: counted by
 * the store when it can (ClickHouse), else from the flows read. Shared by the `hosts` query and the
 * editors' `GET hosts` route, so both answer the same and both refuse past 'Max hosts'.
 */
export async function findHosts(
  instance: FlowlensInstance,
  timeRange: TimeRange,
  filter: FlowFilter,
  role: HostRole,
  limit: number,
  ctx: CallContext,
): Promise<{ hosts: string[]; total: number | undefined; notices: Notice[] }> {
  compileFilter(filter);
  const store = instance.requireStore();
  const notices: Notice[] = [];
  const maxHosts = instance.settings!.limits.maxHosts;
  if (store.hosts) {
    const range = checkedRange(instance, timeRange);
    // The server counts; more than maxHosts is only seen when the query asks for that many.
    const found = await store.hosts({ range, filter, role, limit: Math.min(limit, maxHosts) + 1, signal: ctx.signal });
    checkHosts(instance, found.length);
    if (found.length > limit) notices.push({ severity: 'info', text: `Showing the ${limit} busiest hosts; raise the limit to see more.` });
    return { hosts: found.slice(0, limit), total: found.length > limit ? undefined : found.length, notices };
  }
  const flows = await readFlows(instance, timeRange, ctx);
  const r = distinctHosts(applyFilter(flows.table, filter), role, limit);
  // as on the server path: only a list longer than the limit allows is refused
  checkHosts(instance, Math.min(r.total, limit));
  notices.push(...flows.notices);
  if (r.total > r.hosts.length) notices.push({ severity: 'info', text: `Showing the ${r.hosts.length} busiest of ${r.total} hosts; raise the limit to see more.` });
  return { hosts: r.hosts, total: r.total, notices };
}

export async function hostsQuery(q: HostsQuery, dq: DataQuery, instance: FlowlensInstance, ctx: CallContext): Promise<Frame[]> {
  const { hosts, notices } = await findHosts(instance, dq.timeRange, q.filter, q.role, q.limit, ctx);
  return [{ name: 'hosts', meta: { type: 'table', ...(notices.length ? { notices } : {}) }, fields: [stringField('host', hosts)] }];
}
