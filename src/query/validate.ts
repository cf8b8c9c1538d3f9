/**
 * The edge check for every query, in the editor and in the backend: migrate, fill defaults,
 * then list every problem with a message that says what to do.
 */
import { ErrorList } from './errorList.js';
import { defaultQuery } from './defaults.js';
import { ALL_FEATURES, isFeatureName } from './featureCatalog.js';
import { normalizeFilter, validateFilter, type FieldError, type FlowFilter } from './filter.js';
import { parseIp } from './ip.js';
import { migrateQuery } from './migrate.js';
import { validateProfileSpec, withProfileDefaults, type ProfileSpec } from './profileSpec.js';
import { FLOWS_ORDERS, HOST_ROLES, QUERY_TYPES, SCORE_METHODS, SCORE_OUTPUTS, type FlowlensQuery, type QueryType } from './types.js';

export type { FieldError };

export type ValidationResult = { ok: true; query: FlowlensQuery } | { ok: false; errors: FieldError[] };

const MAX_WINDOW_SECONDS = 7 * 86400;
/** Window starts are milliseconds in Grafana: shorter windows would share a time. */
const MIN_WINDOW_SECONDS = 0.001;
const MAX_LIMIT = 1_000_000;

const isInt = (v: unknown): v is number => Number.isInteger(v);

/** One sentence for a list of problems (Grafana shows a query error as one line). */
export function describeErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join(' ');
}

export function validateQuery(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: 'query', message: 'The query must be a JSON object with a queryType.' }] };
  }
  const raw = migrateQuery(input as Record<string, unknown>);
  const queryType = raw.queryType;
  if (typeof queryType !== 'string' || !(QUERY_TYPES as readonly string[]).includes(queryType)) {
    return {
      ok: false,
      errors: [{ field: 'queryType', message: `Unknown query type ${JSON.stringify(queryType)}: choose one of ${QUERY_TYPES.join(', ')}.` }],
    };
  }
  // Absent fields take their defaults; present ones are checked as given.
  const q = { ...defaultQuery(queryType as QueryType), ...stripUndefined(raw) } as Record<string, unknown>;
  const errors = new ErrorList();
  const add = (field: string, message: string): void => {
    errors.push({ field, message });
  };

  if ('filter' in q) errors.absorb(validateFilter(q.filter));

  switch (queryType as QueryType) {
    case 'features': {
      const w = q.windowSeconds;
      if (typeof w !== 'number' || !Number.isFinite(w) || w < MIN_WINDOW_SECONDS || w > MAX_WINDOW_SECONDS) {
        add('windowSeconds', `The window must be a number of seconds from ${MIN_WINDOW_SECONDS} to ${MAX_WINDOW_SECONDS} (default 10).`);
      }
      const features = q.features;
      if (!Array.isArray(features) || features.length === 0) {
        add('features', 'Pick at least one feature, e.g. num_entries.');
      } else {
        const unknown = features.filter((f) => typeof f !== 'string' || !isFeatureName(f));
        if (unknown.length) {
          add('features', `Unknown feature${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => JSON.stringify(f)).join(', ')}; known features are listed in the editor (${ALL_FEATURES.length} in all).`);
        }
      }
      if (typeof q.fillEmpty !== 'boolean') add('fillEmpty', 'fillEmpty must be true or false.');
      break;
    }
    case 'hostScores': {
      errors.absorb(validateProfileRef(q));
      if (!SCORE_METHODS.includes(q.method as never)) add('method', `The score method must be one of ${SCORE_METHODS.join(', ')} (default mean).`);
      if (!SCORE_OUTPUTS.includes(q.output as never)) add('output', `The output must be ${SCORE_OUTPUTS.join(' or ')}.`);
      if (!Array.isArray(q.hosts) || q.hosts.some((h) => typeof h !== 'string')) add('hosts', 'Hosts must be a list of addresses.');
      else {
        // a comma list in one entry or a typo would find no host; a dashboard variable ($host) is
        // replaced by the front end before the query runs (the backend refuses one left as is)
        const isVariable = (h: string): boolean => /\$\{?\w|\[\[\w/.test(h);
        const bad = (q.hosts as string[]).filter((h) => !isVariable(h) && !parseIp(h.trim()) && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(h.trim()));
        if (bad.length) add('hosts', `${bad.map((h) => `'${h}'`).join(', ')} ${bad.length === 1 ? 'is not an address' : 'are not addresses'}: list IP (or MAC) addresses, one per entry.`);
      }
      if (!isInt(q.bucketSeconds) || q.bucketSeconds < 0) add('bucketSeconds', 'The bucket must be a whole number of seconds (0 = the panel interval).');
      if (!isInt(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT) add('limit', `The host limit must be a whole number from 1 to ${MAX_LIMIT}.`);
      break;
    }
    case 'profile':
      errors.absorb(validateProfileRef(q));
      break;
    case 'flows':
    case 'hosts':
      if (!isInt(q.limit) || q.limit < 1 || q.limit > MAX_LIMIT) add('limit', `The row limit must be a whole number from 1 to ${MAX_LIMIT}.`);
      if (queryType === 'hosts' && !HOST_ROLES.includes(q.role as never)) add('role', `The host role must be one of ${HOST_ROLES.join(', ')}.`);
      if (queryType === 'flows' && q.order !== undefined && !FLOWS_ORDERS.includes(q.order as never)) add('order', `The order must be one of ${FLOWS_ORDERS.join(', ')}.`);
      break;
  }
  if (errors.length) return { ok: false, errors: errors.list() };

  if ('filter' in q) q.filter = normalizeFilter(q.filter as FlowFilter);
  if (queryType === 'flows' && q.order === undefined) q.order = 'newest';
  if ('profile' in q) q.profile = withProfileDefaults(q.profile as Partial<ProfileSpec>);
  if (Array.isArray(q.features)) q.features = [...new Set(q.features as string[])];
  return { ok: true, query: q as unknown as FlowlensQuery };
}

function validateProfileRef(q: Record<string, unknown>): FieldError[] {
  if (typeof q.profileId === 'string' && q.profileId !== '') {
    return /^[A-Za-z0-9_-]{1,128}$/.test(q.profileId)
      ? []
      : [{ field: 'profileId', message: 'The profile id may only hold letters, digits, "_" and "-".' }];
  }
  return validateProfileSpec(q.profile);
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
