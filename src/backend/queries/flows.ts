/** `flows`: raw flows for drill-down, as one table frame with a row limit. */
import { NO_CODE, NO_PORT, sliceTable, type FlowTable, type StringDictionary } from '../../engine/flowTable.js';
import type { FlowsQuery } from '../../query/index.js';
import { float64Field, int64Field, secondsToNanos, timeField, type CodedStringField, type Field, type Frame, type Notice } from '../grafana/frame.js';
import type { CallContext, DataQuery } from '../grafana/types.js';
import type { FlowlensInstance } from '../instance.js';
import { takeRows } from '../../engine/filter/gather.js';
import { timeEnds } from '../../engine/timeEnds.js';
import { applyFilter, checkedRange, compileFilter, readFlows } from './common.js';

function coded(name: string, codes: Int32Array, dict: StringDictionary): CodedStringField {
  // Codes index the shared dictionary directly; NO_CODE (-1) is the frame's null.
  return { name, type: 'string-coded', codes, dictionary: dict.values, nullable: codes.includes(NO_CODE) };
}

function port(name: string, ports: Int32Array): Field {
  const values = new BigInt64Array(ports.length);
  const valid = new Uint8Array(ports.length);
  let nulls = false;
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i]!;
    if (p === NO_PORT) nulls = true;
    else {
      values[i] = BigInt(p);
      valid[i] = 1;
    }
  }
  return nulls ? int64Field(name, values, { nullable: true, valid }) : int64Field(name, values);
}

function numeric(name: string, v: Float64Array | null, unit?: string): Field[] {
  return v ? [float64Field(name, v, unit ? { config: { unit } } : {})] : [];
}

/** A table's rows as frame fields (only the columns the source has). */
export function flowFields(t: FlowTable): Field[] {
  return [
    timeField('time', secondsToNanos(t.ts)),
    coded('src_ip', t.srcIp, t.dicts.ip),
    port('src_port', t.srcPort),
    coded('dst_ip', t.dstIp, t.dicts.ip),
    port('dst_port', t.dstPort),
    coded('proto', t.proto, t.dicts.proto),
    ...(t.state ? [coded('state', t.state, t.dicts.state)] : []),
    ...numeric('bytes', t.bytes, 'decbytes'),
    ...numeric('src_bytes', t.srcBytes, 'decbytes'),
    ...numeric('dst_bytes', t.dstBytes, 'decbytes'),
    ...numeric('packets', t.packets),
    ...numeric('duration', t.duration, 's'),
    ...(t.label ? [coded('label', t.label, t.dicts.label)] : []),
  ];
}

export async function flowsQuery(q: FlowsQuery, dq: DataQuery, instance: FlowlensInstance, ctx: CallContext): Promise<Frame[]> {
  compileFilter(q.filter);
  const store = instance.requireStore();
  const notices: Notice[] = [];
  const newest = q.order !== 'oldest';
  const which = newest ? 'newest' : 'earliest';
  let shown: FlowTable;
  if (store.flows) {
    const range = checkedRange(instance, dq.timeRange);
    // the store sends no more than 'Max flows per query' either, even for a larger row limit
    const maxRows = instance.settings!.limits.maxRows;
    const limit = Math.min(q.limit, maxRows);
    const got = await store.flows({ range, filter: q.filter, limit: limit + 1, signal: ctx.signal, newest });
    instance.flowsRead.inc({ store: store.kind }, got.length);
    shown = got.length > limit ? sliceTable(got, 0, limit) : got;
    if (got.length > limit) {
      const raise = limit < q.limit ? `'Max flows per query' (${maxRows}) in the data source settings` : 'the row limit';
      notices.push({ severity: 'info', text: `Showing the ${which} ${limit} flows; narrow the filter or the range, or raise ${raise}.` });
    }
  } else {
    const flows = await readFlows(instance, dq.timeRange, ctx);
    const matching = applyFilter(flows.table, q.filter);
    // in time order, as ClickHouse answers: files are read in name order, not time order
    shown = takeRows(matching, timeEnds(matching.ts, matching.length, q.limit, newest));
    notices.push(...flows.notices);
    if (matching.length > shown.length) {
      notices.push({ severity: 'info', text: `Showing the ${which} ${shown.length} of ${matching.length} flows; narrow the filter or the range, or raise the row limit.` });
    }
  }
  return [{ name: 'flows', meta: { type: 'table', preferredVisualisationType: 'table', ...(notices.length ? { notices } : {}) }, fields: flowFields(shown) }];
}
