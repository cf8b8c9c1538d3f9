/** Builds small flow tables from readable rows for engine tests. */
import { createDictionaries, FlowTableBuilder, NO_CODE, NO_PORT, type FlowDictionaries, type FlowTable } from '../../../src/engine/flowTable.js';

export interface Row {
  ts: number;
  proto: string;
  state?: string | null;
  src: string;
  sport: number | null;
  dst: string;
  dport: number | null;
  up?: number;
  down?: number;
}

export function tableOf(rows: readonly Row[], dicts: FlowDictionaries = createDictionaries()): FlowTable {
  const b = new FlowTableBuilder(dicts, ['state', 'srcBytes', 'dstBytes'], 4);
  for (const r of rows) {
    const i = b.addRow();
    b.ts[i] = r.ts;
    b.proto[i] = dicts.proto.code(r.proto);
    b.state![i] = r.state ? dicts.state.code(r.state) : NO_CODE;
    b.srcIp[i] = dicts.ip.code(r.src);
    b.dstIp[i] = dicts.ip.code(r.dst);
    b.srcPort[i] = r.sport ?? NO_PORT;
    b.dstPort[i] = r.dport ?? NO_PORT;
    b.srcBytes![i] = r.up ?? NaN;
    b.dstBytes![i] = r.down ?? NaN;
  }
  return b.finish();
}

export const sortedNumbers = (a: Float64Array): number[] => [...a].sort((x, y) => x - y);
