/**
 * Raw flows: the SELECT list for a schema and the parser that turns the server's TabSeparated
 * stream into a FlowTable (columnar, dictionary codes) without per-row objects. TabSeparated is
 * the fastest text format 18.16 writes; NULL is `\N`, strings are backslash-escaped.
 */
import { createDictionaries, FlowTableBuilder, NO_CODE, NO_PORT, type FlowDictionaries, type FlowTable, type OptionalColumn } from '../../engine/flowTable.js';
import { protocolName } from '../../engine/protocols.js';
import { addressText, numberValue, textValue, tsSeconds } from './expressions.js';
import type { TableSchema, ValueColumn } from './schema.js';

type Field = 'ts' | 'src' | 'dst' | 'sport' | 'dport' | 'proto' | OptionalColumn;

export interface FlowSelect {
  fields: Field[];
  /** `expr AS name, …` */
  sql: string;
  /** Whether `proto` arrives as a number (mapped to a name here). */
  numericProto: boolean;
}

export function flowSelect(schema: TableSchema): FlowSelect {
  const fields: Field[] = ['ts', 'src', 'dst'];
  const exprs = [`${tsSeconds(schema.ts)} AS ts`, `${addressText(schema.srcIp, schema)} AS src`, `${addressText(schema.dstIp, schema)} AS dst`];
  const add = (field: Field, col: ValueColumn | null, expr: (c: ValueColumn) => string): void => {
    if (col === null) return;
    fields.push(field);
    exprs.push(`${expr(col)} AS ${field}`);
  };
  add('sport', schema.srcPort, (c) => c.sql);
  add('dport', schema.dstPort, (c) => c.sql);
  add('proto', schema.proto, (c) => (c.value === 'text' ? `lower(${textValue(c)})` : c.sql));
  add('state', schema.state, textValue);
  add('bytes', schema.bytes, numberValue);
  add('packets', schema.packets, numberValue);
  add('srcBytes', schema.srcBytes, numberValue);
  add('dstBytes', schema.dstBytes, numberValue);
  add('duration', schema.duration, numberValue);
  add('label', schema.label, textValue);
  return { fields, sql: exprs.join(', '), numericProto: schema.proto?.value === 'number' };
}

const NULL = '\\N';

function portAt(v: readonly string[], at: number | undefined): number {
  if (at === undefined) return NO_PORT;
  const t = v[at]!;
  return t === NULL ? NO_PORT : Number(t);
}

function numberAt(v: readonly string[], at: number): number {
  const t = v[at]!;
  return t === NULL ? NaN : Number(t);
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', "'": "'", '\\': '\\' };

/** A TabSeparated field's text (`\N` is handled by callers). */
export function unescapeTsv(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

/** Appends TabSeparated lines of `flowSelect` output to a FlowTable builder. */
export class FlowRowParser {
  readonly builder: FlowTableBuilder;
  private readonly index: Record<Field, number>;
  private readonly protoCodes = new Map<string, number>();
  private readonly ipCodes = new Map<string, number>();
  rows = 0;

  constructor(
    private readonly select: FlowSelect,
    dicts: FlowDictionaries = createDictionaries(),
  ) {
    const optional = select.fields.filter((f): f is OptionalColumn => !['ts', 'src', 'dst', 'sport', 'dport', 'proto'].includes(f));
    this.builder = new FlowTableBuilder(dicts, optional, 4096);
    this.index = Object.fromEntries(select.fields.map((f, i) => [f, i])) as Record<Field, number>;
  }

  private ip(text: string): number {
    let code = this.ipCodes.get(text);
    if (code === undefined) {
      code = this.builder.dicts.ip.code(unescapeTsv(text).toLowerCase());
      this.ipCodes.set(text, code);
    }
    return code;
  }

  private proto(text: string): number {
    let code = this.protoCodes.get(text);
    if (code === undefined) {
      // a text column holding IANA numbers ("6") reads as the file readers read it: by name
      const name = this.select.numericProto || /^\d{1,3}$/.test(text) ? protocolName(Number(text)) : unescapeTsv(text).toLowerCase();
      code = this.builder.dicts.proto.code(name);
      this.protoCodes.set(text, code);
    }
    return code;
  }

  /** One line of TabSeparated output (without its newline). */
  push(line: string): void {
    const v = line.split('\t');
    if (v.length !== this.select.fields.length) throw new Error(`ClickHouse returned ${v.length} fields where ${this.select.fields.length} were selected`);
    const b = this.builder;
    const i = b.addRow();
    const ix = this.index;
    b.ts[i] = Number(v[0]);
    b.srcIp[i] = v[1] === NULL ? NO_CODE : this.ip(v[1]!);
    b.dstIp[i] = v[2] === NULL ? NO_CODE : this.ip(v[2]!);
    b.srcPort[i] = portAt(v, ix.sport);
    b.dstPort[i] = portAt(v, ix.dport);
    const pAt = ix.proto;
    b.proto[i] = pAt === undefined || v[pAt] === NULL ? NO_CODE : this.proto(v[pAt]!);
    if (b.bytes) b.bytes[i] = numberAt(v, ix.bytes);
    if (b.packets) b.packets[i] = numberAt(v, ix.packets);
    if (b.srcBytes) b.srcBytes[i] = numberAt(v, ix.srcBytes);
    if (b.dstBytes) b.dstBytes[i] = numberAt(v, ix.dstBytes);
    if (b.duration) b.duration[i] = numberAt(v, ix.duration);
    if (b.state) {
      const t = v[ix.state]!;
      b.state[i] = t === NULL ? NO_CODE : b.dicts.state.code(unescapeTsv(t));
    }
    if (b.label) {
      const t = v[ix.label]!;
      b.label[i] = t === NULL ? NO_CODE : b.dicts.label.code(unescapeTsv(t));
    }
    this.rows++;
  }

  finish(): FlowTable {
    return this.builder.finish();
  }
}
