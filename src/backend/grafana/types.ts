/**
 * What handlers see: the pluginv2 requests in typed, decoded form (JSON bytes parsed, int64 as
 * numbers), and what they answer. Frames are our Frame model; the server encodes them to Arrow.
 */
import type { ErrorSource } from './errors.js';
import type { Frame } from './frame.js';
import type { Logger } from './logger.js';

export interface User {
  login: string;
  name: string;
  email: string;
  role: string;
}

export interface DataSourceInstanceSettings {
  id: number;
  uid: string;
  name: string;
  url: string;
  user: string;
  database: string;
  basicAuthEnabled: boolean;
  basicAuthUser: string;
  /** The data source's jsonData, parsed (an empty object when Grafana sent none). */
  jsonData: unknown;
  /** Secrets, decrypted by Grafana. Never log them or put them in a response. */
  decryptedSecureJsonData: Readonly<Record<string, string>>;
  lastUpdatedMS: number;
  apiVersion: string;
}

export interface PluginContext {
  orgId: number;
  pluginId: string;
  user?: User;
  dataSourceInstanceSettings?: DataSourceInstanceSettings;
  grafanaConfig: Readonly<Record<string, string>>;
  pluginVersion: string;
  userAgent: string;
  apiVersion: string;
  namespace: string;
}

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export interface DataQuery {
  refId: string;
  maxDataPoints: number;
  intervalMS: number;
  timeRange: TimeRange;
  /** The query model, parsed from JSON. */
  json: unknown;
  queryType: string;
}

export interface QueryDataRequest {
  pluginContext: PluginContext;
  headers: Readonly<Record<string, string>>;
  queries: DataQuery[];
}

export interface DataResponse {
  frames?: Frame[];
  /** Non-empty ⇒ this refId failed. */
  error?: string;
  /** HTTP-like status; the server fills 200 on success and 500 for an error without one. */
  status?: number;
  errorSource?: ErrorSource;
}

/** Per-call context: cancellation (gRPC deadline or client cancel) and a logger for this call. */
export interface CallContext {
  signal: AbortSignal;
  logger: Logger;
  /** Deadline in epoch ms, or undefined when the caller set none. */
  deadlineMs?: number;
  /** gRPC metadata the host attached (lower-case keys). */
  metadata: Readonly<Record<string, string>>;
}

export interface CheckHealthRequest {
  pluginContext: PluginContext;
  headers: Readonly<Record<string, string>>;
}

export type HealthStatus = 'OK' | 'ERROR' | 'UNKNOWN';

export interface CheckHealthResult {
  status: HealthStatus;
  message: string;
  /** Must be a JSON object for Grafana to accept it. */
  details?: Readonly<Record<string, unknown>>;
}

export interface CallResourceRequest {
  pluginContext: PluginContext;
  /** Without a leading slash, e.g. `profiles/abc`. */
  path: string;
  method: string;
  /** Path plus `?query`. */
  url: string;
  headers: Readonly<Record<string, readonly string[]>>;
  body: Buffer;
}

export interface CallResourceResponse {
  status: number;
  headers?: Readonly<Record<string, readonly string[]>>;
  body?: Buffer | string;
}

export interface StreamRequest {
  pluginContext: PluginContext;
  path: string;
  /** Raw JSON bytes the subscriber sent (often empty). */
  data: Buffer;
  headers: Readonly<Record<string, string>>;
}

export type StreamStatus = 'OK' | 'NOT_FOUND' | 'PERMISSION_DENIED';

export interface SubscribeStreamResult {
  status: StreamStatus;
  /** Optional initial data for the subscriber (JSON, e.g. a frame with schema). */
  initialData?: unknown;
}

export interface PublishStreamResult {
  status: StreamStatus;
  data?: unknown;
}

export interface StreamSender {
  /** Sends a frame as Grafana's data-frame JSON. */
  sendFrame(frame: Frame): Promise<void>;
  /** Sends any JSON value. */
  sendJSON(value: unknown): Promise<void>;
}

/** What a plugin implements; every method is optional (missing ones answer UNIMPLEMENTED). */
export interface PluginHandlers {
  queryData?(req: QueryDataRequest, ctx: CallContext): Promise<Record<string, DataResponse>>;
  checkHealth?(req: CheckHealthRequest, ctx: CallContext): Promise<CheckHealthResult>;
  /** Extra Prometheus text appended to the server's own metrics. */
  collectMetrics?(pluginContext: PluginContext, ctx: CallContext): Promise<string>;
  callResource?(req: CallResourceRequest, ctx: CallContext): Promise<CallResourceResponse>;
  subscribeStream?(req: StreamRequest, ctx: CallContext): Promise<SubscribeStreamResult>;
  runStream?(req: StreamRequest, ctx: CallContext, sender: StreamSender): Promise<void>;
  publishStream?(req: StreamRequest, ctx: CallContext): Promise<PublishStreamResult>;
  /** Called once on shutdown (Controller.Shutdown, SIGTERM), before the process exits. */
  dispose?(): Promise<void>;
}
