/** Decoded protobuf objects (see protocol.ts) → the typed requests handlers receive. */
import { badRequest } from './errors.js';
import type { Message } from './protocol.js';
import type {
  CallResourceRequest,
  CheckHealthRequest,
  DataQuery,
  DataSourceInstanceSettings,
  PluginContext,
  QueryDataRequest,
  StreamRequest,
  User,
} from './types.js';

const EMPTY = Buffer.alloc(0);

function obj(v: unknown): Message | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) ? (v as Message) : undefined;
}
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const bool = (v: unknown): boolean => v === true;
const bytes = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : v instanceof Uint8Array ? Buffer.from(v) : EMPTY);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Parses JSON bytes; empty bytes give `fallback`. */
export function parseJsonBytes(b: Buffer, what: string, fallback: unknown = undefined): unknown {
  if (b.length === 0) return fallback;
  try {
    return JSON.parse(b.toString('utf8'));
  } catch (err) {
    throw badRequest(`The ${what} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
}

function toUser(m: Message | undefined): User | undefined {
  if (!m) return undefined;
  return { login: str(m.login), name: str(m.name), email: str(m.email), role: str(m.role) };
}

function toDataSourceSettings(m: Message | undefined): DataSourceInstanceSettings | undefined {
  if (!m) return undefined;
  return {
    id: num(m.id),
    uid: str(m.uid),
    name: str(m.name),
    url: str(m.url),
    user: str(m.user),
    database: str(m.database),
    basicAuthEnabled: bool(m.basicAuthEnabled),
    basicAuthUser: str(m.basicAuthUser),
    jsonData: parseJsonBytes(bytes(m.jsonData), 'data source jsonData', {}),
    decryptedSecureJsonData: Object.freeze(stringMap(m.decryptedSecureJsonData)),
    lastUpdatedMS: num(m.lastUpdatedMS),
    apiVersion: str(m.apiVersion),
  };
}

export function toPluginContext(v: unknown): PluginContext {
  const m = obj(v) ?? {};
  return {
    orgId: num(m.orgId),
    pluginId: str(m.pluginId),
    user: toUser(obj(m.user)),
    dataSourceInstanceSettings: toDataSourceSettings(obj(m.dataSourceInstanceSettings)),
    grafanaConfig: stringMap(m.grafanaConfig),
    pluginVersion: str(m.pluginVersion),
    userAgent: str(m.userAgent),
    apiVersion: str(m.apiVersion),
    namespace: str(m.namespace),
  };
}

/** The query's JSON stays raw here: a bad model fails only its own refId (see server). */
export interface RawDataQuery extends Omit<DataQuery, 'json'> {
  jsonBytes: Buffer;
}

export function toRawQueries(v: unknown): RawDataQuery[] {
  const list = Array.isArray(v) ? v : [];
  return list.map((q) => {
    const m = obj(q) ?? {};
    const tr = obj(m.timeRange) ?? {};
    return {
      refId: str(m.refId),
      maxDataPoints: num(m.maxDataPoints),
      intervalMS: num(m.intervalMS),
      timeRange: { fromMs: num(tr.fromEpochMS), toMs: num(tr.toEpochMS) },
      jsonBytes: bytes(m.json),
      queryType: str(m.queryType),
    };
  });
}

export function toQueryDataRequest(m: Message, queries: DataQuery[]): QueryDataRequest {
  return { pluginContext: toPluginContext(m.pluginContext), headers: stringMap(m.headers), queries };
}

export function toCheckHealthRequest(m: Message): CheckHealthRequest {
  return { pluginContext: toPluginContext(m.pluginContext), headers: stringMap(m.headers) };
}

function stringListMap(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) {
    const values = obj(val)?.values;
    out[k] = Array.isArray(values) ? values.filter((s): s is string => typeof s === 'string') : [];
  }
  return out;
}

export function toCallResourceRequest(m: Message): CallResourceRequest {
  return {
    pluginContext: toPluginContext(m.pluginContext),
    path: str(m.path).replace(/^\/+/, ''),
    method: str(m.method).toUpperCase() || 'GET',
    url: str(m.url),
    headers: stringListMap(m.headers),
    body: bytes(m.body),
  };
}

export function toStreamRequest(m: Message): StreamRequest {
  return { pluginContext: toPluginContext(m.pluginContext), path: str(m.path), data: bytes(m.data), headers: stringMap(m.headers) };
}

export function fromStringListMap(h: Readonly<Record<string, readonly string[]>> | undefined): Record<string, { values: string[] }> {
  const out: Record<string, { values: string[] }> = {};
  for (const [k, values] of Object.entries(h ?? {})) out[k] = { values: [...values] };
  return out;
}
