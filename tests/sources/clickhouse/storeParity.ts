/**
 * The same flows in the in-process (file-store) path and in a ClickHouse table, and
 * every query type answered by both through the real handlers, as plain values to compare.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { createDictionaries, FlowTableBuilder, NO_CODE, NO_PORT, type FlowTable } from '../../../src/engine/flowTable.js';
import { ClickHouseStore } from '../../../src/sources/clickhouse/store.js';
import { ClickHouseFlowStore } from '../../../src/backend/store/clickhouseStore.js';
import { featuresQuery } from '../../../src/backend/queries/features.js';
import { flowsQuery } from '../../../src/backend/queries/flows.js';
import { hostsQuery } from '../../../src/backend/queries/hosts.js';
import { hostScoresQuery } from '../../../src/backend/queries/hostScores.js';
import { profileQuery } from '../../../src/backend/queries/profile.js';
import { validateQuery } from '../../../src/query/index.js';
import type { Field, Frame } from '../../../src/backend/grafana/frame.js';
import type { FlowlensInstance } from '../../../src/backend/instance.js';
import { callCtx, MemoryStore, memoryInstance } from '../../backend/helpers/memoryStore.js';
import { after, before } from 'node:test';
import { adminClient, exec, PASSWORD, SERVER_URL, settingsFor, testDatabase, USER } from './server.js';

export interface ParityRow {
  ts: number;
  src_ip: string;
  dst_ip: string;
  src_port?: number | null;
  dst_port?: number | null;
  proto?: string | null;
  state?: string | null;
  bytes?: number | null;
}

export const FLOWS_DDL = `(ts Float64, src_ip String, dst_ip String, src_port Nullable(UInt16), dst_port Nullable(UInt16), proto String, state Nullable(String), bytes Nullable(Float64)) ENGINE = MergeTree ORDER BY ts`;

/** The rows as the file readers would give them (addresses and protocols lower case). */
export function fileTable(rows: readonly ParityRow[]): FlowTable {
  const dicts = createDictionaries();
  const b = new FlowTableBuilder(dicts, ['state', 'bytes'], Math.max(16, rows.length));
  for (const r of rows) {
    const i = b.addRow();
    b.ts[i] = r.ts;
    b.srcIp[i] = dicts.ip.code(r.src_ip.toLowerCase());
    b.dstIp[i] = dicts.ip.code(r.dst_ip.toLowerCase());
    b.srcPort[i] = r.src_port ?? NO_PORT;
    b.dstPort[i] = r.dst_port ?? NO_PORT;
    b.proto[i] = dicts.proto.code((r.proto ?? 'tcp').toLowerCase());
    b.state![i] = r.state ? dicts.state.code(r.state) : NO_CODE;
    b.bytes![i] = r.bytes ?? NaN;
  }
  return b.finish();
}

export async function loadRows(admin: ClickHouseClient, db: string, table: string, rows: readonly ParityRow[], ddl = FLOWS_DDL): Promise<void> {
  await exec(admin, `CREATE TABLE ${db}.${table} ${ddl}`);
  const values = ddl === FLOWS_DDL ? rows.map((r) => ({ src_port: null, dst_port: null, proto: 'tcp', state: null, bytes: null, ...r })) : rows;
  if (values.length) await admin.insert({ table: `${db}.${table}`, values, format: 'JSONEachRow' });
}

/**
 * For the enclosing suite: a test database whose table `flows` holds `rows` (created before its
 * tests, dropped after them). `admin()` is the client that made it, for changes a test makes.
 */
export function flowsDatabase(name: string, rows: readonly ParityRow[], ddl = FLOWS_DDL): { db: string; admin: () => ClickHouseClient } {
  const db = testDatabase(name);
  let admin: ClickHouseClient;
  before(async () => {
    admin = adminClient();
    await exec(admin, `CREATE DATABASE ${db}`);
    await loadRows(admin, db, 'flows', rows, ddl);
  });
  after(async () => {
    await exec(admin, `DROP DATABASE IF EXISTS ${db}`);
    await admin.close();
  });
  return { db, admin: () => admin };
}

export function chInstance(db: string, table: string, clickhouse: Record<string, unknown> = {}, limits: Record<string, unknown> = {}): FlowlensInstance {
  const settings = { ...settingsFor(db, table), ...clickhouse } as ReturnType<typeof settingsFor>;
  const store = new ClickHouseFlowStore(new ClickHouseStore(settings, PASSWORD, { application: 'parity' }));
  return memoryInstance(store, { store: 'clickhouse', clickhouse: { url: SERVER_URL, user: USER, database: db, table, ...clickhouse }, limits });
}

export function fileInstance(rows: readonly ParityRow[], limits: Record<string, unknown> = {}): FlowlensInstance {
  return memoryInstance(new MemoryStore(fileTable(rows)), { file: { root: '/unused' }, limits });
}

const HANDLERS = { features: featuresQuery, flows: flowsQuery, hosts: hostsQuery, hostScores: hostScoresQuery, profile: profileQuery } as const;

/** Runs one query model through its handler; frames as plain { name, fields: { name: values[] } }. */
export async function runQuery(inst: FlowlensInstance, model: Record<string, unknown>, fromS: number, toS: number): Promise<PlainFrame[]> {
  const v = validateQuery(model);
  if (!v.ok) throw new Error(`invalid query: ${JSON.stringify(v)}`);
  const type = v.query.queryType as keyof typeof HANDLERS;
  const dq = { refId: 'A', queryType: type, maxDataPoints: 100000, intervalMS: 1000, timeRange: { fromMs: fromS * 1000, toMs: toS * 1000 }, json: model } as never;
  const frames = await (HANDLERS[type] as (q: unknown, dq: unknown, i: FlowlensInstance, c: unknown) => Promise<Frame[]>)(v.query, dq, inst, callCtx());
  return frames.map(plain);
}

export interface PlainFrame {
  name: string;
  fields: Record<string, unknown[]>;
  /** The frame's notice texts. */
  notices: string[];
}

function values(f: Field): unknown[] {
  const valid = 'valid' in f ? (f as { valid?: Uint8Array }).valid : undefined;
  let out: unknown[];
  switch (f.type) {
    case 'string-coded':
      out = [...f.codes].map((c) => (c < 0 ? null : f.dictionary[c]));
      break;
    case 'time':
    case 'int64':
      out = [...f.values].map((x) => Number(x));
      break;
    default:
      out = Array.from(f.values as ArrayLike<unknown>);
  }
  return valid ? out.map((x, i) => (valid[i] ? x : null)) : out;
}

export function plain(frame: Frame): PlainFrame {
  return { name: frame.name ?? '', notices: (frame.meta?.notices ?? []).map((n) => n.text), fields: Object.fromEntries(frame.fields.map((f) => [f.labels?.host ? `${f.name}{${f.labels.host}}` : f.name, values(f)])) };
}
