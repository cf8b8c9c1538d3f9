/**
 * Flows (5-tuples) per window, computed in the totals query's scan: per window the rows' flow keys
 * are numbered by occurrence (`arrayEnumerateUniq`) and the occurrence numbers counted, so column
 * `fj` lists j = 1, 2, … and `fn` how many flows have at least j rows. The totals already group by
 * window, so this adds no scan of its own (on 10 M flows, totals plus flows took 2.4–2.6 s of
 * server CPU where the two separate scans took 2.6–2.9 s). Numbering inside each window's array
 * keeps one small hash table per window; a GROUP BY over (window, 5-tuple) would build one entry
 * per flow of the whole range (5× slower).
 */
import { notNull, protocolText } from './expressions.js';
import type { QueryContext } from './scope.js';
import type { AddressColumn } from './schema.js';

/**
 * The two columns, or none when the table lacks a part of the 5-tuple (no flows at all). The key
 * hashes the columns (text addresses lower-cased): a flow's identity is the columns' values, and one cityHash64 over all
 * five is cheaper than hashing each address first (0.14 s less on 10 M flows, one thread). Two
 * flows of one window share a key with probability about m²/2⁶⁵.
 */
export function flowColumns(ctx: QueryContext): string[] {
  const s = ctx.schema;
  const { dstIp, srcIp, dstPort, srcPort, proto } = s;
  if (dstPort === null || srcPort === null || proto === null) return [];
  const cols = [dstIp, srcIp, dstPort, srcPort, proto];
  const raw = (c: { sql: string; nullable: boolean }): string => (c.nullable ? `assumeNotNull(${c.sql})` : c.sql);
  // text addresses in the case the file readers store them in, as addressKey groups them
  const address = (c: AddressColumn): string => (c.address === 'string' ? `lower(${raw(c)})` : raw(c));
  // a text protocol in the readers' spelling too: "6", "tcp" and "TCP" are one flow's protocol
  const protocol = proto.value === 'text' ? protocolText({ ...proto, sql: raw(proto) }) : raw(proto);
  const key = `cityHash64(${[address(dstIp), address(srcIp), raw(dstPort), raw(srcPort), protocol].join(', ')})`;
  const conds = cols.map(notNull).filter((x): x is string => x !== null);
  const keys = conds.length ? `groupArrayIf(${key}, ${conds.join(' AND ')})` : `groupArray(${key})`;
  // Every flow has one occurrence numbered 1, so j = 1 is counted as the array's length less the
  // later occurrences, and only those (7 % of rows in the bench) go through sumMap: 1.94 → 1.76 s
  // for the totals query on one server thread, 10 M flows.
  const later = `arrayFilter(x -> x > 1, arrayEnumerateUniq(${keys}) AS fo) AS fr`;
  return [
    `arrayConcat([toUInt32(1)], (arrayReduce('sumMap', [${later}], [arrayMap(x -> toUInt64(1), fr)]) AS fh).1) AS fj`,
    'arrayConcat([toUInt64(length(fo) - length(fr))], fh.2) AS fn',
  ];
}
