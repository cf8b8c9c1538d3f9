/**
 * CallResource routes: `GET hosts` for editor pickers, and profile exchange (`POST profiles/train`,
 * `GET profiles/{id}`, `POST profiles/import`). Bodies are size-checked and parsed here; answers
 * are JSON with the HTTP status in the first (only) message.
 */
import { profileToJSON } from '../engine/profile/index.js';
import type { HostRole, ProfileSpec } from '../query/index.js';
import { describeErrors, HOST_ROLES, validateProfileSpec, withProfileDefaults } from '../query/index.js';
import { badRequest, notFound, PluginError, tooLarge } from './grafana/errors.js';
import { resolveProfile } from './profiles.js';
import type { CallContext, CallResourceRequest, CallResourceResponse } from './grafana/types.js';
import type { FlowlensInstance } from './instance.js';
import { findHosts } from './queries/hosts.js';

/** Profile documents are small (a few hundred numbers); anything near this is not one. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ROUTES = 'GET /hosts, POST /profiles/train, GET /profiles/{id}, POST /profiles/import';

export function json(status: number, body: unknown): CallResourceResponse {
  return { status, headers: { 'Content-Type': ['application/json'] }, body: JSON.stringify(body) };
}

function requireMethod(req: CallResourceRequest, method: string, path: string): void {
  if (req.method !== method) throw new PluginError(`Use ${method} for /${path} (got ${req.method}).`, 405, 'plugin');
}

/** The JSON body of a request, refusing oversized and malformed ones with what to do. */
export function jsonBody(req: CallResourceRequest): unknown {
  if (req.body.length > MAX_BODY_BYTES) throw tooLarge(`The request body is ${(req.body.length / 1e6).toFixed(1)} MB; at most ${MAX_BODY_BYTES / 1024 / 1024} MiB is accepted.`);
  if (req.body.length === 0) throw badRequest('The request body is empty: send a JSON document.');
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (err) {
    throw badRequest(`The request body is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
}

function queryParams(req: CallResourceRequest): URLSearchParams {
  const q = req.url.indexOf('?');
  return new URLSearchParams(q >= 0 ? req.url.slice(q + 1) : '');
}

async function hosts(req: CallResourceRequest, instance: FlowlensInstance, ctx: CallContext): Promise<CallResourceResponse> {
  const p = queryParams(req);
  const role = (p.get('role') ?? 'src') as HostRole;
  if (!HOST_ROLES.includes(role)) throw badRequest(`role must be one of ${HOST_ROLES.join(', ')}.`);
  const limit = Number(p.get('limit') ?? 1000);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw badRequest('limit must be a whole number from 1 to 100000.');
  const from = Number(p.get('from') ?? NaN);
  const to = Number(p.get('to') ?? NaN);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw badRequest('Give the time range as from and to, in epoch milliseconds (e.g. ?from=1313452800000&to=1313539200000).');
  const r = await findHosts(instance, { fromMs: from, toMs: to }, {}, role, limit, ctx);
  return json(200, { hosts: r.hosts, ...(r.total !== undefined ? { total: r.total } : {}) });
}

/**
 * Body: a profile spec, or `{ "profile": <spec>, "from": <epoch ms>, "to": <epoch ms> }`. The range
 * may also come as `?from=&to=` (epoch ms) or as the spec's own `from`/`to`.
 */
async function train(req: CallResourceRequest, instance: FlowlensInstance, ctx: CallContext): Promise<CallResourceResponse> {
  const body = jsonBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Send a profile spec such as {"hosts": ["147.32.84.165"]}, with ?from=&to= in epoch milliseconds.');
  const b = body as Record<string, unknown>;
  const rawSpec = 'profile' in b ? b.profile : b;
  const errors = validateProfileSpec(rawSpec);
  if (errors.length) throw badRequest(describeErrors(errors));
  const spec = withProfileDefaults(rawSpec as Partial<ProfileSpec>);
  const p = queryParams(req);
  const from = Number('profile' in b && b.from !== undefined ? b.from : (p.get('from') ?? NaN));
  const to = Number('profile' in b && b.to !== undefined ? b.to : (p.get('to') ?? NaN));
  const hasRange = Number.isFinite(from) && Number.isFinite(to);
  if (!hasRange && (!spec.from || !spec.to)) throw badRequest('Give the training range: ?from=&to= in epoch milliseconds, or "from" and "to" in the profile spec.');
  // trained on purpose: kept apart from the profiles queries train, which come and go
  const { id, profile } = await resolveProfile(instance, { profile: spec }, hasRange ? { fromMs: from, toMs: to } : { fromMs: 0, toMs: 0 }, ctx, true);
  return json(200, { id, profile: profileToJSON(profile) });
}

export async function handleResource(req: CallResourceRequest, instance: FlowlensInstance, ctx: CallContext): Promise<CallResourceResponse> {
  const path = req.path.split('?')[0]!.replace(/\/+$/, '');
  const parts = path.split('/');
  if (path === 'hosts') {
    requireMethod(req, 'GET', path);
    return hosts(req, instance, ctx);
  }
  if (path === 'profiles/train') {
    requireMethod(req, 'POST', path);
    return train(req, instance, ctx);
  }
  if (path === 'profiles/import') {
    requireMethod(req, 'POST', path);
    const { id, profile } = instance.profiles.import(jsonBody(req));
    return json(200, { id, spec: profile.spec });
  }
  if (parts.length === 2 && parts[0] === 'profiles') {
    requireMethod(req, 'GET', path);
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(parts[1]!)) throw badRequest('A profile id holds only letters, digits, "_" and "-".');
    return json(200, profileToJSON(instance.profiles.get(parts[1]!)));
  }
  throw notFound(`No resource ${req.method} /${path}: the routes are ${ROUTES}.`);
}
