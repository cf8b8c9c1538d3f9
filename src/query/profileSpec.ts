/**
 * What describes an HMM profile (semantics.md §2): the reference host(s), the training range, the
 * discretizer features and the model settings. A dashboard carries the spec, so anyone can
 * reproduce the profile from the same data. Pure model + validation.
 */
import type { FieldError } from './filter.js';
import { parseIp } from './ip.js';
import { nearest } from './nearest.js';
import { ErrorList } from './errorList.js';

export type CovarianceType = 'diag' | 'spherical' | 'full';
export const COVARIANCE_TYPES: readonly CovarianceType[] = ['diag', 'spherical', 'full'];

/** Flow attributes a profile can discretize. `categorical` ones get a vocabulary, `numeric` ones bins. */
export const PROFILE_FEATURES = {
  protocol: 'categorical',
  dst_port: 'categorical',
  state: 'categorical',
  bytes: 'numeric',
  packets: 'numeric',
  duration: 'numeric',
  src_bytes: 'numeric',
} as const;
export type ProfileFeatureName = keyof typeof PROFILE_FEATURES;

export interface ProfileFeature {
  name: ProfileFeatureName;
  /** Number of equal-frequency bins for numeric features (ignored for categorical ones). */
  bins?: number;
}

export interface ProfileSpec {
  /** Reference host(s): their source flows train the model. */
  hosts: string[];
  /** Training range, ISO-8601 or epoch seconds; absent = the query's time range. */
  from?: string;
  to?: string;
  /** Discretized flow attributes, in mixed-radix order. */
  features: ProfileFeature[];
  /** Sliding-window length `w` (codes per observation). */
  window: number;
  states: number;
  covarianceType: CovarianceType;
  seed: number;
  iterations: number;
  tol: number;
}

export const DEFAULT_PROFILE_SPEC: ProfileSpec = {
  hosts: [],
  features: [{ name: 'protocol' }, { name: 'bytes', bins: 5 }],
  window: 10,
  states: 4,
  covarianceType: 'diag',
  seed: 0,
  iterations: 10,
  tol: 0.01,
};

/** The spec with defaults filled in for anything absent. */
export function withProfileDefaults(spec: Partial<ProfileSpec> | undefined): ProfileSpec {
  return { ...DEFAULT_PROFILE_SPEC, ...(spec ?? {}) };
}

// A Record over ProfileSpec's keys: the compiler insists on an entry for each key the spec gains.
const SPEC_KEY_SET: Record<keyof ProfileSpec, true> = { hosts: true, from: true, to: true, features: true, window: true, states: true, covarianceType: true, seed: true, iterations: true, tol: true };
/** Every setting a spec may hold. */
const SPEC_KEYS = Object.keys(SPEC_KEY_SET) as (keyof ProfileSpec)[];

const intIn = (v: unknown, lo: number, hi: number): boolean => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** Checks a spec as parsed from JSON and lists every problem in words a user can act on. */
export function validateProfileSpec(raw: unknown, path = 'profile'): FieldError[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [{ field: path, message: 'The profile must be an object with at least "hosts": ["10.0.0.5"].' }];
  }
  const s = raw as Record<string, unknown>;
  const errors = new ErrorList();
  const add = (field: string, message: string): void => {
    errors.push({ field: `${path}.${field}`, message });
  };
  // a mistyped setting (window_size, state) would otherwise be ignored and the default trained
  for (const key of Object.keys(s)) {
    if (!(SPEC_KEYS as readonly string[]).includes(key)) {
      if (errors.full) {
        errors.skip();
        continue;
      }
      const near = nearest(key, SPEC_KEYS);
      add(key, `Unknown profile setting '${key}'${near ? ` (did you mean ${near}?)` : ''}: the settings are ${SPEC_KEYS.join(', ')}.`);
    }
  }
  if (!Array.isArray(s.hosts) || s.hosts.length === 0) {
    add('hosts', 'Choose the reference host whose traffic the profile learns (e.g. a known bot).');
  } else {
    s.hosts.forEach((h, i) => {
      if (typeof h !== 'string' || h.trim() === '') add(`hosts[${i}]`, 'A reference host must be an address such as 147.32.84.165.');
      else if (!parseIp(h.trim()) && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(h.trim())) {
        add(`hosts[${i}]`, `'${h}' is not an IP address.`);
      }
    });
  }
  const times: Partial<Record<'from' | 'to', number>> = {};
  for (const key of ['from', 'to'] as const) {
    const v = s[key];
    if (v === undefined || v === '') continue;
    if (typeof v === 'number') add(key, `The training ${key} is a number: write it as text, "${v}" (epoch seconds) or ISO-8601 such as "2011-08-16T10:10:00Z".`);
    else if (typeof v !== 'string' || !isTimeText(v)) add(key, `'${String(v)}' is not a time: use ISO-8601 (2011-08-16T10:10:00Z) or epoch seconds.`);
    else if (/^\s*\d{12,}(\.\d+)?\s*$/.test(v)) add(key, `'${v}' looks like epoch milliseconds: give epoch seconds (${Math.floor(Number(v) / 1000)}) or ISO-8601.`);
    else times[key] = parseTimeText(v);
  }
  if (times.from !== undefined && times.to !== undefined && !(times.to > times.from)) add('to', 'The training range ends before it starts: "to" must be later than "from".');
  if (s.features !== undefined) {
    if (!Array.isArray(s.features) || s.features.length === 0) {
      add('features', 'List at least one flow attribute to discretize, e.g. protocol and bytes.');
    } else {
      s.features.forEach((f, i) => {
        const name = (f as { name?: unknown } | null)?.name;
        if (typeof name !== 'string' || !(name in PROFILE_FEATURES)) {
          add(`features[${i}]`, `Unknown profile feature ${JSON.stringify(name)}: use one of ${Object.keys(PROFILE_FEATURES).join(', ')}.`);
          return;
        }
        const bins = (f as { bins?: unknown }).bins;
        if (bins !== undefined && !intIn(bins, 2, 100)) add(`features[${i}].bins`, 'Bins must be a whole number from 2 to 100.');
      });
    }
  }
  if (s.window !== undefined && !intIn(s.window, 1, 1000)) add('window', 'The window must be a whole number of flows from 1 to 1000 (default 10).');
  if (s.states !== undefined && !intIn(s.states, 1, 64)) add('states', 'States must be a whole number from 1 to 64 (default 4).');
  if (s.covarianceType !== undefined && !COVARIANCE_TYPES.includes(s.covarianceType as CovarianceType)) {
    add('covarianceType', `Covariance type must be one of ${COVARIANCE_TYPES.join(', ')}.`);
  }
  if (s.seed !== undefined && !intIn(s.seed, 0, 2 ** 32 - 1)) add('seed', 'The seed must be a whole number from 0 to 4294967295.');
  if (s.iterations !== undefined && !intIn(s.iterations, 1, 1000)) add('iterations', 'Iterations must be a whole number from 1 to 1000.');
  if (s.tol !== undefined && !(typeof s.tol === 'number' && s.tol >= 0 && Number.isFinite(s.tol))) {
    add('tol', 'The tolerance must be a number ≥ 0 (default 0.01).');
  }
  // a full covariance per state is window² numbers: 64 states of window 1000 trained for minutes,
  // took 1.5 GB, and then could not be written as JSON
  const states = intIn(s.states, 1, 64) ? (s.states as number) : 4;
  const window = intIn(s.window, 1, 1000) ? (s.window as number) : 10;
  const values = s.covarianceType === 'full' ? states * window * window : 0;
  if (values > MAX_FULL_COVARIANCE_VALUES) {
    add('covarianceType', `Full covariance with ${states} states and a window of ${window} is ${values.toLocaleString('en')} covariance values, more than ${MAX_FULL_COVARIANCE_VALUES.toLocaleString('en')}: lower the states or the window, or use diag.`);
  }
  return errors.list();
}

/** The most covariance values a full-covariance profile may hold (states × window²; 16 MB). */
export const MAX_FULL_COVARIANCE_VALUES = 2_000_000;

/** ISO-8601 date-time or epoch seconds. */
export function isTimeText(v: string): boolean {
  const t = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return true;
  return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t) && !Number.isNaN(Date.parse(t.replace(' ', 'T')));
}

/** Parses ISO-8601 (zone-less = UTC) or epoch seconds into epoch seconds; NaN when invalid. */
export function parseTimeText(v: string): number {
  const t = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!isTimeText(t)) return NaN;
  let iso = t.replace(' ', 'T');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso += 'Z';
  else if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
  return Date.parse(iso) / 1000;
}
