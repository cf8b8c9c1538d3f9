/** `hosts`: distinct addresses in the range (for template variables), busiest first. */
import type { FlowTable } from '../../engine/flowTable.js';
import type { HostRole, HostsQuery } from '../../query/index.js';
import { stringField, type Frame, type Notice } from '../grafana/frame.js';
import type { CallContext, DataQuery } from '../grafana/types.js';
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

export async function hostsQuery(q: HostsQuery, dq: DataQuery, instance: FlowlensInstance, ctx: CallContext): Promise<Frame[]> {
  compileFilter(q.filter);
  const store = instance.requireStore();
  const notices: Notice[] = [];
  let hosts: string[];
  const maxHosts = instance.settings!.limits.maxHosts;
  if (store.hosts) {
    const range = checkedRange(instance, dq.timeRange);
    // The server counts; more than maxHosts is only seen when the query asks for that many.
    const found = await store.hosts({ range, filter: q.filter, role: q.role, limit: Math.min(q.limit, maxHosts) + 1, signal: ctx.signal });
    checkHosts(instance, found.length);
    hosts = found.slice(0, q.limit);
    if (found.length > q.limit) notices.push({ severity: 'info', text: `Showing the ${q.limit} busiest hosts; raise the limit to see more.` });
  } else {
    const flows = await readFlows(instance, dq.timeRange, ctx);
    const r = distinctHosts(applyFilter(flows.table, q.filter), q.role, q.limit);
    // as on the server path: only a list longer than the limit allows is refused
    checkHosts(instance, Math.min(r.total, q.limit));
    hosts = r.hosts;
    notices.push(...flows.notices);
    if (r.total > hosts.length) notices.push({ severity: 'info', text: `Showing the ${hosts.length} busiest of ${r.total} hosts; raise the limit to see more.` });
  }
  return [{ name: 'hosts', meta: { type: 'table', ...(notices.length ? { notices } : {}) }, fields: [stringField('host', hosts)] }];
}
